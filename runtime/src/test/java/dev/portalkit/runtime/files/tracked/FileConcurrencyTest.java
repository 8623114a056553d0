package dev.portalkit.runtime.files.tracked;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portalkit.api.ErrorKind;
import dev.portalkit.api.PortalException;
import dev.portalkit.api.action.UserRef;
import dev.portalkit.runtime.testing.TestDb;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Competing operations on one file (finding 5 of issue 11): 16 callers at once delete, transfer,
 * rename and pin the same file, as its owner and as a sysadmin. Each one either succeeds or gets a
 * clear refusal — 404 (the file is gone), 409 (a conflicting change won, or the file is pinned),
 * 403 (the file was given away meanwhile) — never an internal error; exactly one delete wins.
 */
@ParameterizedClass(name = "{0}")
@EnumSource(TestDb.class)
class FileConcurrencyTest extends FileApiTestBase {
    private static final int CALLERS = 16;
    private static final int ROUNDS = 6;

    @Override
    protected Map<String, String> options() {
        // As many connections as callers: the callers meet in the database, not in the pool.
        return Map.of("portal.db.pool_size", String.valueOf(CALLERS));
    }

    @Test
    void competingDeletesTransfersRenamesAndPinsOnOneFileAnswerOnly404Or409Or403() throws Exception {
        Optional<UserRef> owner = newUser("racer");
        Optional<UserRef> other = newUser("receiver");
        Map<ErrorKind, AtomicInteger> refusals = new ConcurrentHashMap<>();
        List<Throwable> unexpected = java.util.Collections.synchronizedList(new ArrayList<>());
        ExecutorService pool = Executors.newFixedThreadPool(CALLERS);
        try {
            for (int round = 0; round < ROUNDS; round++) {
                Map<String, Object> file = create(SYSADMIN, "mem", unique("raced") + ".txt", "contended bytes");
                String id = (String) file.get("id");
                call("files_transfer_ownership", SYSADMIN, map("id", id, "owner_type", "user", "owner_id", owner.get().id()));
                CyclicBarrier start = new CyclicBarrier(CALLERS);
                AtomicInteger deleted = new AtomicInteger();
                List<Future<?>> done = new ArrayList<>();
                for (int i = 0; i < CALLERS; i++) {
                    int caller = i;
                    done.add(pool.submit(() -> {
                        Optional<UserRef> who = caller % 2 == 0 ? owner : SYSADMIN;
                        start.await(1, TimeUnit.MINUTES);
                        try {
                            switch (caller % 4) {
                                case 0 -> {
                                    call("files_file_delete", who, map("id", id));
                                    deleted.incrementAndGet();
                                }
                                case 1 -> call("files_transfer_ownership", who, map("id", id, "owner_type", "user",
                                        "owner_id", (caller % 8 == 1 ? other : owner).get().id(), "force", true));
                                case 2 -> call("files_file_rename", who, map("id", id, "name", "renamed-" + caller + ".txt"));
                                default -> call(caller % 8 == 3 ? "files_file_pin" : "files_file_unpin", who, map("id", id));
                            }
                        } catch (PortalException e) {
                            if (Set.of(404, 409, 403).contains(e.kind().httpStatus())) {
                                refusals.computeIfAbsent(e.kind(), k -> new AtomicInteger()).incrementAndGet();
                            } else {
                                unexpected.add(e);
                            }
                        } catch (RuntimeException e) {
                            unexpected.add(e);
                        }
                        return null;
                    }));
                }
                for (Future<?> f : done) {
                    f.get(2, TimeUnit.MINUTES);
                }
                assertThat(unexpected).as("failures other than 404 / 409 / 403").isEmpty();
                assertThat(deleted.get()).as("deletes that succeeded").isLessThanOrEqualTo(1);
                boolean gone = failureOrNull("files_file_show", map("id", id)) != null;
                assertThat(gone).as("the file is gone exactly when a delete succeeded").isEqualTo(deleted.get() == 1);
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(refusals.keySet()).as("some callers lost (%s)", refusals).isNotEmpty();
    }

    private PortalException failureOrNull(String action, Map<String, Object> data) {
        try {
            call(action, SYSADMIN, data);
            return null;
        } catch (PortalException e) {
            assertThat(e.kind()).isEqualTo(ErrorKind.NOT_FOUND);
            return e;
        }
    }
}
