package dev.portalkit.integration.standalone;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portalkit.integration.testing.ApiClient;
import dev.portalkit.integration.testing.PortalkitCli;
import dev.portalkit.integration.testing.RawHttp;
import dev.portalkit.integration.testing.ServeProcess;
import dev.portalkit.integration.testing.Spools;
import dev.portalkit.runtime.testing.PostgresServer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Spools of a {@code serve} killed with {@code kill -9} mid-upload (#11, finding 13): the next
 * start removes every one of them at once (not only those older than a day), and never a spool of
 * a process that is still running on the same data directory (several {@code serve} processes may
 * share one on PostgreSQL).
 */
class SpoolSweepIT {
    static final String BOUNDARY = "sweep-boundary";

    @TempDir
    Path tmp;

    @Test
    void theNextStartRemovesTheSpoolsOfAKilledServer() throws Exception {
        Path jar = PortalkitCli.jar();
        Path dataDir = tmp.resolve("data");
        String[] options = {"--data-dir", dataDir.toString(), "-o", "portal.plugins=example"};
        List<RawHttp> uploads = new ArrayList<>();
        try (ServeProcess serve = ServeProcess.start(jar, "128m", tmp, options)) {
            for (int i = 0; i < 5; i++) {
                uploads.add(startUpload(serve, "killed-" + i + ".bin", 10L << 20, new byte[1 << 20]));
            }
            awaitSpools(dataDir, 5);
            serve.kill();
        } finally {
            uploads.forEach(RawHttp::close);
        }
        assertThat(Spools.in(dataDir)).as("what kill -9 left").hasSize(5);

        try (ServeProcess again = ServeProcess.start(jar, "128m", tmp, options)) {
            assertThat(Spools.in(dataDir)).as("spools after the next start").isEmpty();
            assertThat(new ApiClient(again.uri()).get("status_show", Map.of(), null).status()).isEqualTo(200);
            assertThat(again.stop()).isIn(0, 143);
        }
    }

    @Test
    void aStartingServerLeavesTheSpoolsOfARunningOneAlone() throws Exception {
        Path jar = PortalkitCli.jar();
        Path dataDir = tmp.resolve("shared");
        String[] options = {"--data-dir", dataDir.toString(), "-o", "portal.plugins=example",
            "-o", "portal.db.url=" + PostgresServer.newDatabase(), "-o", "portal.db.user=postgres", "-o", "portal.db.password=postgres"};
        byte[] content = new byte[3 << 20];
        for (int i = 0; i < content.length; i++) {
            content[i] = (byte) (i * 31 + 7);
        }
        byte[] head = ("--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"upload\"; filename=\"shared.bin\"\r\n"
                + "Content-Type: application/octet-stream\r\n\r\n").getBytes(StandardCharsets.UTF_8);
        byte[] tail = ("\r\n--" + BOUNDARY + "--\r\n").getBytes(StandardCharsets.UTF_8);
        try (ServeProcess first = ServeProcess.start(jar, "128m", tmp, options);
             RawHttp upload = RawHttp.connect(first.uri(), 120_000)) {
            upload.head("POST", "api/action/example_upload_digest", "Content-Type", "multipart/form-data; boundary=" + BOUNDARY,
                    "Content-Length", String.valueOf(head.length + content.length + tail.length));
            upload.send(head).send(Arrays.copyOf(content, 1 << 20));
            awaitSpools(dataDir, 1);
            List<Path> running = Spools.in(dataDir);
            // The upload goes on, slowly (well above the minimum body rate), while the second server starts.
            AtomicInteger sent = new AtomicInteger(1 << 20);
            AtomicBoolean stop = new AtomicBoolean();
            Thread feeder = new Thread(() -> {
                for (int i = 0; i < 600 && !stop.get(); i++) {
                    int from = sent.get();
                    upload.send(Arrays.copyOfRange(content, from, from + 4096));
                    sent.set(from + 4096);
                    try {
                        Thread.sleep(500);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            }, "slow-feeder");
            feeder.start();
            try (ServeProcess second = ServeProcess.start(jar, "128m", tmp, options)) {
                assertThat(Spools.in(dataDir)).as("the running server's spool after another one started").containsAll(running);
                stop.set(true);
                feeder.join(10_000);
                upload.send(Arrays.copyOfRange(content, sent.get(), content.length)).send(tail);
                RawHttp.Response answer = upload.read();
                assertThat(answer.status()).as(answer.text()).isEqualTo(200);
                assertThat(answer.text()).contains(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content)));
                assertThat(second.stop()).isIn(0, 143);
            }
            assertThat(first.stop()).isIn(0, 143);
        }
        assertThat(Spools.in(dataDir)).isEmpty();
    }

    /** Starts an anonymous upload of {@code total} declared bytes and sends the first {@code first} of its file part. */
    private static RawHttp startUpload(ServeProcess serve, String filename, long total, byte[] first) {
        RawHttp c = RawHttp.connect(serve.uri(), 60_000);
        c.head("POST", "api/action/example_upload_digest", "Content-Type", "multipart/form-data; boundary=" + BOUNDARY,
                "Content-Length", String.valueOf(total));
        c.send("--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"upload\"; filename=\"" + filename
                + "\"\r\nContent-Type: application/octet-stream\r\n\r\n");
        c.send(first);
        return c;
    }

    /** Waits (a minute at most) until {@code count} spool files are in the data directory's tmp. */
    private static void awaitSpools(Path dataDir, int count) throws InterruptedException {
        for (int i = 0; i < 600 && Spools.in(dataDir).size() < count; i++) {
            Thread.sleep(100);
        }
        assertThat(Spools.in(dataDir)).hasSize(count);
    }
}
