package dev.portalkit.integration.standalone;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portalkit.integration.testing.HttpPortal;
import dev.portalkit.integration.testing.RawHttp;
import dev.portalkit.integration.web.WebPlugin;
import dev.portalkit.runtime.Json;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The standalone server's graceful stop ({@link PortalServer#close()}, what SIGTERM runs): readiness
 * DOWN at once while liveness stays UP and requests are still served for
 * {@code portal.http.drain_delay}; then new connections are refused while an upload that was
 * arriving all along completes and is stored.
 */
class GracefulShutdownTest {
    private static final String BOUNDARY = "drain-boundary";
    private static final int CHUNK = 8 * 1024;

    @Test
    void readinessGoesDownFirstThenNewConnectionsAreRefusedWhileAnUploadInFlightCompletes() throws Exception {
        HttpPortal portal = HttpPortal.start(HttpPortal.builder().option(WebPlugin.DRAIN_DELAY, "2")
                .option(WebPlugin.SHUTDOWN_GRACE, "30"));
        Thread stopper = null;
        try {
            URI base = portal.uri();
            HttpPortal.Account admin = portal.newSysadmin("drain");
            assertThat(get(base, "health/ready").status()).isEqualTo(200);

            // An upload of 1 MiB arriving steadily at 160 KiB/s: it starts before the stop and goes on through it.
            byte[] content = new byte[1024 * 1024];
            new java.util.Random(16).nextBytes(content);
            String name = HttpPortal.unique("in-flight") + ".bin";
            byte[] head = ("--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"name\"\r\n\r\n" + name + "\r\n--" + BOUNDARY
                    + "\r\nContent-Disposition: form-data; name=\"upload\"; filename=\"" + name + "\"\r\n"
                    + "Content-Type: application/octet-stream\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1);
            byte[] tail = ("\r\n--" + BOUNDARY + "--\r\n").getBytes(StandardCharsets.ISO_8859_1);
            RawHttp upload = RawHttp.connect(base, 60_000);
            upload.head("POST", "api/action/files_file_create", "Authorization", admin.token(),
                    "Content-Type", "multipart/form-data; boundary=" + BOUNDARY,
                    "Content-Length", String.valueOf(head.length + content.length + tail.length));
            upload.send(head).send(Arrays.copyOfRange(content, 0, CHUNK));
            java.util.concurrent.CompletableFuture<Void> sent = java.util.concurrent.CompletableFuture.runAsync(() -> {
                try {
                    for (int off = CHUNK; off < content.length; off += CHUNK) {
                        Thread.sleep(50);
                        upload.send(Arrays.copyOfRange(content, off, off + CHUNK));
                    }
                    upload.send(tail);
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
            });

            long stopAt = System.nanoTime();
            stopper = new Thread(portal.server()::close, "test-sigterm");
            stopper.start();

            // Draining: readiness DOWN (naming why), liveness UP, and requests still answered.
            RawHttp.Response ready = null;
            for (int i = 0; i < 100; i++) {
                ready = get(base, "health/ready");
                if (ready.status() == 503) {
                    break;
                }
                Thread.sleep(20);
            }
            assertThat(ready.status()).as(ready.text()).isEqualTo(503);
            assertThat(ready.text()).contains("\"name\":\"server\",\"status\":\"DOWN\",\"data\":{\"state\":\"draining\"}");
            assertThat(get(base, "health/live").status()).isEqualTo(200);
            assertThat(get(base, "api/action/status_show").status()).isEqualTo(200);
            assertThat(System.nanoTime() - stopAt).as("all that within the drain delay").isLessThan(TimeUnit.SECONDS.toNanos(2));

            // After the drain delay: new connections are refused.
            boolean refused = false;
            for (int i = 0; i < 200 && !refused; i++) {
                try (Socket s = new Socket()) {
                    s.connect(new InetSocketAddress(base.getHost(), base.getPort()), 1000);
                    Thread.sleep(50);
                } catch (ConnectException e) {
                    refused = true;
                }
            }
            assertThat(refused).as("a new connection is refused once the drain delay is over").isTrue();
            assertThat(System.nanoTime() - stopAt).isGreaterThanOrEqualTo(TimeUnit.SECONDS.toNanos(2));
            assertThat(stopper.isAlive()).as("the stop waits for the upload").isTrue();

            assertThat(sent).as("the upload is still arriving").isNotDone();

            // The upload in flight goes on and completes.
            sent.get(60, TimeUnit.SECONDS);
            RawHttp.Response answer = upload.read();
            upload.close();
            assertThat(answer.status()).as(answer.text()).isEqualTo(200);
            @SuppressWarnings("unchecked")
            Map<String, Object> file = (Map<String, Object>) answer.json().get("result");
            assertThat(file).containsEntry("size", content.length);
            stopper.join(60_000);
            assertThat(stopper.isAlive()).isFalse();

            // The file is stored whole.
            @SuppressWarnings("unchecked")
            Map<String, Object> shown = (Map<String, Object>) portal.portal().call("files_file_show",
                    dev.portalkit.runtime.testing.TestPortal.SYSADMIN, Map.of("id", file.get("id")));
            assertThat(shown).containsEntry("size", (long) content.length).containsEntry("name", name);
        } finally {
            if (stopper != null) {
                stopper.join(60_000);
            }
            portal.close();
        }
    }

    /** A GET on a new connection. */
    private static RawHttp.Response get(URI base, String path) {
        try (RawHttp http = RawHttp.connect(base, 10_000)) {
            http.head("GET", path, "Connection", "close");
            return http.read();
        }
    }

    static {
        Json.class.getName(); // the test reads answers with the runtime's JSON
    }
}
