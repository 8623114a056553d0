package dev.portalkit.integration.standalone;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portalkit.integration.testing.HttpPortal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/**
 * The standalone server runs the orphan sweep by itself: its poller's upkeep (every
 * {@code portal.tasks.poll_interval} seconds, 1 here) claims the sweep (every
 * {@code portal.files.orphan_sweep_interval} seconds, 1 here) and removes bytes without a record
 * older than the grace period from the default storage, and leaves younger ones. The test
 * waits for the removal (at most a minute), it does not time it.
 */
class OrphanSweepServerTest {
    @Test
    void theServersPollerSweepsOldOrphans() throws Exception {
        try (HttpPortal http = HttpPortal.start(HttpPortal.builder().option("portal.tasks.poll_interval", "1")
                .option("portal.files.orphan_sweep_interval", "1").option("portal.files.orphan_grace_period", "600"))) {
            Path storage = http.portal().dataDir().resolve("storage");
            Files.createDirectories(storage);
            Path old = storage.resolve("left-by-a-crash.bin");
            Files.writeString(old, "no record");
            Files.setLastModifiedTime(old, FileTime.from(Instant.now().minus(Duration.ofHours(2))));
            Path young = storage.resolve("upload-in-flight.bin");
            Files.writeString(young, "no record yet");
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (Files.exists(old) && System.nanoTime() < deadline) {
                Thread.sleep(200);
            }
            assertThat(old).as("removed by the server's sweep").doesNotExist();
            assertThat(young).exists();
        }
    }
}
