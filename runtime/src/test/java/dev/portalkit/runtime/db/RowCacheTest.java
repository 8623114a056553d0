package dev.portalkit.runtime.db;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.portalkit.runtime.testing.TestDb;
import dev.portalkit.runtime.testing.TestPortal;
import java.nio.file.Files;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * {@link RowCache} through {@link Transactions#cached}: a kept value answers without a read until a
 * committed change of its row (made through the entities, on this portal) forgets it; a transaction
 * with its entity manager open never asks the cache (it may hold its own uncommitted change);
 * {@code portal.db.cache_ttl=0} keeps nothing; on PostgreSQL, while the listening connection is
 * gone the cache neither answers nor keeps, and it answers again once the listener is back.
 */
@ParameterizedClass(name = "{0}")
@EnumSource(TestDb.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RowCacheTest {
    @org.junit.jupiter.params.Parameter
    TestDb db;

    private TestPortal portal;

    private TestPortal portal() throws Exception {
        if (portal == null) {
            portal = TestPortal.builder().db(db).dataDir(Files.createTempDirectory("row-cache-"))
                    .option("portal.files.storage.cached.type", "files:db").start();
        }
        String product = portal.portal().transactions().read(c -> c.getMetaData().getDatabaseProductName());
        assertThat(product).isEqualTo(db == TestDb.H2 ? "H2" : "PostgreSQL");
        return portal;
    }

    @AfterParameterizedClassInvocation
    void stop() {
        try (TestPortal done = portal) {
            portal = null;
        }
    }

    private static int serial;

    private String newFile(String name) {
        return (String) portal.callAsSysadmin("files_file_create", "storage", "cached", "name", db.name().toLowerCase() + "-" + (++serial) + "-" + name,
                "upload", "bytes").get("id");
    }

    /** Reads a file's name by id, counting the reads that reached the database. */
    private static String name(Transactions tx, RowCache<String> cache, String id, AtomicInteger reads) {
        return tx.cached(cache, id, (c, key) -> {
            reads.incrementAndGet();
            try (PreparedStatement q = c.prepareStatement("SELECT name FROM files_file WHERE id = ?")) {
                q.setString(1, key);
                try (ResultSet r = q.executeQuery()) {
                    return r.next() ? r.getString(1) : null;
                }
            }
        });
    }

    /** Waits (10 s at most) until the portal's caches answer: on PostgreSQL once it listens. */
    private static void awaitServing(RowChanges changes) throws InterruptedException {
        for (int i = 0; i < 1000 && !changes.serving(); i++) {
            Thread.sleep(10);
        }
        assertThat(changes.serving()).as("the caches answer").isTrue();
    }

    @Test
    void aKeptRowAnswersWithoutAReadUntilItsChangeCommits() throws Exception {
        Transactions tx = portal().portal().transactions();
        awaitServing(portal.portal().database().rowChanges());
        RowCache<String> cache = tx.cache("files_file");
        AtomicInteger reads = new AtomicInteger();
        String id = newFile("first.txt");

        assertThat(name(tx, cache, id, reads)).endsWith("first.txt");
        assertThat(name(tx, cache, id, reads)).endsWith("first.txt");
        assertThat(reads).as("the second answer came from the cache").hasValue(1);

        portal.callAsSysadmin("files_file_rename", "id", id, "name", "renamed.txt");
        // The rename's commit told this portal before the call returned (on PostgreSQL too: the node that commits).
        assertThat(name(tx, cache, id, reads)).isEqualTo("renamed.txt");
        assertThat(reads).hasValue(2);

        // A transaction with its entity manager open reads its own view, never the cache.
        String inside = tx.required(() -> {
            tx.em();
            return name(tx, cache, id, reads);
        });
        assertThat(inside).isEqualTo("renamed.txt");
        assertThat(reads).hasValue(3);

        portal.callAsSysadmin("files_file_delete", "id", id);
        assertThat(name(tx, cache, id, reads)).as("a deleted file is read again, and not found").isNull();
        assertThat(name(tx, cache, id, reads)).isNull();
        assertThat(reads).as("a missing row is not kept").hasValue(5);
        assertThat(cache.size()).isZero();
    }

    @Test
    void aChangeToAClearingTableForgetsEverything() throws Exception {
        Transactions tx = portal().portal().transactions();
        awaitServing(portal.portal().database().rowChanges());
        RowCache<String> cache = tx.cache(null, "files_file");
        AtomicInteger reads = new AtomicInteger();
        String one = newFile("one.txt");
        String two = newFile("two.txt");
        name(tx, cache, one, reads);
        name(tx, cache, two, reads);
        assertThat(cache.size()).isEqualTo(2);
        portal.callAsSysadmin("files_file_rename", "id", two, "name", "two-renamed.txt");
        assertThat(cache.size()).isZero();
        assertThat(name(tx, cache, two, reads)).isEqualTo("two-renamed.txt");
        assertThat(reads).hasValue(3);
    }

    @Test
    void onlyTheTablesWhoseChangesAreToldMayBeCached() throws Exception {
        Transactions tx = portal().portal().transactions();
        assertThatThrownBy(() -> tx.cache("portal_package")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("portal_package");
    }

    @Test
    void aZeroTtlKeepsNothing() throws Exception {
        try (TestPortal off = TestPortal.builder().db(db).dataDir(Files.createTempDirectory("row-cache-off-"))
                .option("portal.files.storage.cached.type", "files:db").option("portal.db.cache_ttl", "0").start()) {
            Transactions tx = off.portal().transactions();
            awaitServing(off.portal().database().rowChanges());
            RowCache<String> cache = tx.cache("files_file");
            AtomicInteger reads = new AtomicInteger();
            String id = (String) off.callAsSysadmin("files_file_create", "storage", "cached", "name",
                    db.name().toLowerCase() + "-off.txt", "upload", "bytes").get("id");
            name(tx, cache, id, reads);
            name(tx, cache, id, reads);
            assertThat(reads).hasValue(2);
            assertThat(cache.size()).isZero();
        }
    }

    /**
     * PostgreSQL: the listening connection is ended by the server (as a restart or a network cut
     * would): from then on the cache neither answers nor keeps, and everything kept is forgotten; once
     * the listener connected again (a second later), it answers again.
     */
    @Test
    void onPostgresALostListenerStopsTheCacheUntilItListensAgain() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(db == TestDb.POSTGRES, "H2 in process tells changes without a listener to lose");
        Transactions tx = portal().portal().transactions();
        RowChanges changes = portal.portal().database().rowChanges();
        awaitServing(changes);
        RowCache<String> cache = tx.cache("files_file");
        AtomicInteger reads = new AtomicInteger();
        String id = newFile("listened.txt");
        name(tx, cache, id, reads);
        assertThat(cache.size()).isEqualTo(1);

        int ended = tx.read(c -> {
            try (PreparedStatement q = c.prepareStatement("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity"
                    + " WHERE query = ? AND datname = current_database() AND pid <> pg_backend_pid()")) {
                q.setString(1, "LISTEN " + RowChanges.CHANNEL);
                try (ResultSet r = q.executeQuery()) {
                    r.next();
                    return r.getInt(1);
                }
            }
        });
        assertThat(ended).as("listening connections ended").isGreaterThanOrEqualTo(1);
        for (int i = 0; i < 1000 && changes.serving(); i++) {
            Thread.sleep(5);
        }
        assertThat(cache.size()).as("forgotten when the listener went").isZero();
        // It may already listen again; either way what it answers now is read or kept afresh.
        awaitServing(changes);
        int before = reads.get();
        assertThat(name(tx, cache, id, reads)).endsWith("listened.txt");
        assertThat(name(tx, cache, id, reads)).endsWith("listened.txt");
        assertThat(reads.get() - before).as("kept again once listening").isEqualTo(1);
    }
}
