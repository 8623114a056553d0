package dev.portalkit.runtime.files.tracked;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portalkit.api.files.Upload;
import dev.portalkit.runtime.files.FilesPlugin;
import dev.portalkit.runtime.testing.MutableClock;
import dev.portalkit.runtime.testing.TestDb;
import dev.portalkit.runtime.testing.TestPortal;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The server's periodic orphan sweep ({@code Portal.upkeep()} from the poller): it removes bytes
 * without a record older than {@code portal.files.orphan_grace_period} and leaves younger ones
 * (an upload in flight) and tracked files; it runs once per {@code orphan_sweep_interval} whatever
 * the number of server processes on the database (two portals here, on one database and one
 * folder, racing for it); {@code orphan_sweep_interval = 0} turns it off. The portals' clock is
 * moved by hand.
 */
@ParameterizedClass(name = "{0}")
@EnumSource(TestDb.class)
class OrphanSweepTest {
    @org.junit.jupiter.params.Parameter
    TestDb db;

    @TempDir
    Path tmp;

    private TestPortal start(Path dataDir, Path folder, MutableClock clock, Map<String, String> more) {
        TestPortal.Builder builder = TestPortal.builder().db(db).dataDir(dataDir).clock(clock)
                .option("portal.files.storage.folder.type", "files:fs")
                .option("portal.files.storage.folder.path", folder.toString())
                .option("portal.files.storage.folder.create_path", "true")
                .option("portal.files.orphan_grace_period", "3600")
                .option("portal.files.orphan_sweep_interval", "3600");
        more.forEach(builder::option);
        return builder.start();
    }

    private static Map<String, String> sameDatabase(TestDb db, TestPortal first) {
        Map<String, String> database = new LinkedHashMap<>();
        if (db == TestDb.POSTGRES) {
            database.put("portal.db.url", first.portal().config().string("portal.db.url"));
            database.put("portal.db.user", "postgres");
            database.put("portal.db.password", "postgres");
        }
        return database;
    }

    private static Path plant(Path folder, String name, Duration age) throws IOException {
        Path file = folder.resolve(name);
        Files.writeString(file, "bytes of " + name);
        Files.setLastModifiedTime(file, FileTime.from(Instant.now().minus(age)));
        return file;
    }

    private static FileVerification verification(TestPortal node) {
        return FilesPlugin.of(node.portal()).fileApi().verification();
    }

    @Test
    void oneProcessSweepsOldOrphansOncePerIntervalAndLeavesYoungOnesAndTrackedFiles() throws Exception {
        Path dataDir = tmp.resolve("a");
        Path folder = tmp.resolve("folder");
        MutableClock clock = new MutableClock(Instant.now());
        try (TestPortal a = start(dataDir, folder, clock, Map.of())) {
            // Node b: its own data directory, except on H2 whose database file lives in the data directory.
            Path dataDirB = db == TestDb.H2 ? dataDir : tmp.resolve("b");
            try (TestPortal b = start(dataDirB, folder, clock, sameDatabase(db, a))) {
                Map<?, ?> tracked = (Map<?, ?>) a.call("files_file_create", TestPortal.SYSADMIN, Map.of("storage", "folder",
                        "name", "kept.txt", "upload", Upload.of("tracked".getBytes(StandardCharsets.UTF_8), "kept.txt", "text/plain")));
                Path trackedBytes = folder.resolve((String) tracked.get("location"));
                Files.setLastModifiedTime(trackedBytes, FileTime.from(Instant.now().minus(Duration.ofDays(3))));
                Path old = plant(folder, "old-orphan.bin", Duration.ofHours(2));
                Path young = plant(folder, "young-orphan.bin", Duration.ofMinutes(5));

                // Both processes find the sweep due at the same moment: one runs it.
                List<Optional<FileVerification.Summary>> runs = race(verification(a), verification(b));
                assertThat(runs).filteredOn(Optional::isPresent).hasSize(1);
                FileVerification.Summary summary = runs.stream().flatMap(Optional::stream).findFirst().orElseThrow();
                assertThat(summary.repaired()).isEqualTo(1);
                assertThat(old).doesNotExist();
                assertThat(young).exists();
                assertThat(trackedBytes).exists();

                // Not due again before the interval has passed, on either.
                Path later = plant(folder, "later-orphan.bin", Duration.ofHours(2));
                assertThat(race(verification(a), verification(b))).allMatch(Optional::isEmpty);
                a.portal().upkeep();
                b.portal().upkeep();
                assertThat(later).exists();

                // An interval later, the server's upkeep (what the poller calls) sweeps again, once.
                clock.advance(Duration.ofMinutes(61));
                b.portal().upkeep();
                a.portal().upkeep();
                assertThat(later).doesNotExist();
                assertThat(young).as("66 minutes old by the portal's clock now").doesNotExist();
                assertThat(trackedBytes).exists();
                assertThat(a.call("files_file_show", TestPortal.SYSADMIN, Map.of("id", tracked.get("id")))).isNotNull();
            }
        }
    }

    @Test
    void theSweepAbortsMultipartUploadsPastTheirLifetimeUnlessTurnedOff() throws Exception {
        MutableClock clock = new MutableClock(Instant.now());
        for (boolean on : List.of(true, false)) {
            Path folder = tmp.resolve("multipart-" + on);
            try (TestPortal node = start(tmp.resolve("multipart-data-" + on), folder, clock,
                    Map.of("portal.files.max_multipart_lifetime", "7", "portal.files.orphan_sweep.multipart", Boolean.toString(on)))) {
                Map<?, ?> stale = (Map<?, ?>) node.call("files_multipart_start", TestPortal.SYSADMIN,
                        Map.of("storage", "folder", "name", "stale.bin", "size", 10));
                node.call("files_multipart_update", TestPortal.SYSADMIN, Map.of("id", stale.get("id"), "part", 1, "upload", "0123456789"));
                clock.advance(Duration.ofDays(8));
                Map<?, ?> fresh = (Map<?, ?>) node.call("files_multipart_start", TestPortal.SYSADMIN,
                        Map.of("storage", "folder", "name", "fresh.bin", "size", 10));
                node.portal().upkeep();
                Map<?, ?> left = (Map<?, ?>) node.call("files_multipart_list", TestPortal.SYSADMIN, Map.of());
                List<Object> ids = ((List<?>) left.get("results")).stream().<Object>map(r -> ((Map<?, ?>) r).get("id")).toList();
                if (on) {
                    assertThat(ids).as("the stale upload is aborted, the fresh one kept").containsExactly(fresh.get("id"));
                } else {
                    assertThat(ids).containsExactlyInAnyOrder(stale.get("id"), fresh.get("id"));
                }
            }
        }
    }

    @Test
    void anIntervalOfZeroTurnsTheSweepOff() throws Exception {
        Path folder = tmp.resolve("folder");
        MutableClock clock = new MutableClock(Instant.now());
        try (TestPortal node = start(tmp.resolve("off"), folder, clock, Map.of("portal.files.orphan_sweep_interval", "0"))) {
            Path old = plant(folder, "old-orphan.bin", Duration.ofDays(2));
            clock.advance(Duration.ofHours(5));
            node.portal().upkeep();
            assertThat(old).exists();
        }
    }

    /** Both sweeps started together (bounded wait). */
    private static List<Optional<FileVerification.Summary>> race(FileVerification first, FileVerification second) throws Exception {
        CountDownLatch go = new CountDownLatch(1);
        List<CompletableFuture<Optional<FileVerification.Summary>>> runs = new ArrayList<>();
        for (FileVerification v : List.of(first, second)) {
            runs.add(CompletableFuture.supplyAsync(() -> {
                try {
                    go.await(30, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return v.sweepIfDue(Duration.ofHours(1), Duration.ofHours(1));
            }));
        }
        go.countDown();
        List<Optional<FileVerification.Summary>> out = new ArrayList<>();
        for (CompletableFuture<Optional<FileVerification.Summary>> run : runs) {
            out.add(run.get(120, TimeUnit.SECONDS));
        }
        return out;
    }
}
