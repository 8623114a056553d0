package dev.portalkit.integration.health;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portalkit.integration.standalone.PortalServer;
import dev.portalkit.integration.testing.HttpPortal;
import dev.portalkit.integration.testing.RawHttp;
import dev.portalkit.integration.web.WebPlugin;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.TestMethodOrder;
import dev.portalkit.runtime.Json;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * MicroProfile Health on the standalone server (H2, a files:fs storage): the endpoints, their
 * JSON, anonymity, methods, what they must not reveal, and a plugin's check as a CDI bean. Then
 * (last, on a second server of the same portal) the graceful stop ({@link PortalServer#close()},
 * what SIGTERM runs): readiness DOWN at once while liveness stays UP and requests are still served
 * for {@code portal.http.drain_delay}; then new connections are refused while an upload that was
 * arriving all along completes and is stored.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class HealthAndShutdownTest {
    private static final String BOUNDARY = "drain-boundary";
    private static final int CHUNK = 8 * 1024;

    static HttpPortal portal;
    static HttpClient http;

    @BeforeAll
    static void start() {
        portal = HttpPortal.start(HttpPortal.builder().option(WebPlugin.DRAIN_DELAY, "2").option(WebPlugin.SHUTDOWN_GRACE, "30"));
        http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    }

    @AfterAll
    static void stop() {
        if (portal != null) {
            portal.close();
        }
    }

    @AfterEach
    void up() {
        PluginHealthCheck.down = null;
    }

    static HttpResponse<String> send(String method, String path) throws Exception {
        return http.send(HttpRequest.newBuilder(portal.uri().resolve(path)).timeout(Duration.ofSeconds(30))
                .method(method, HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
    }

    @SuppressWarnings("unchecked")
    static Map<String, Map<String, Object>> checks(HttpResponse<String> response) {
        Map<String, Object> body = (Map<String, Object>) Json.read(response.body());
        Map<String, Map<String, Object>> byName = new java.util.LinkedHashMap<>();
        for (Map<String, Object> check : (List<Map<String, Object>>) body.get("checks")) {
            byName.put((String) check.get("name"), check);
        }
        return byName;
    }

    @Test
    @Order(Integer.MAX_VALUE) // last: the portal drains for good
    void readinessGoesDownFirstThenNewConnectionsAreRefusedWhileAnUploadInFlightCompletes() throws Exception {
        // A second server of the portal, stopped as SIGTERM stops serve (drain_delay 2, shutdown_grace 30).
        PortalServer node = PortalServer.start(portal.portal().container());
        Thread stopper = null;
        try {
            URI base = node.uri();
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
            stopper = new Thread(node::close, "test-sigterm");
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
            node.close();
        }
    }

    @Test
    void aFreshPortalIsLiveAndReadyWithEveryCheckNamed() throws Exception {
        HttpResponse<String> live = send("GET", "health/live");
        assertThat(live.statusCode()).as(live.body()).isEqualTo(200);
        assertThat(live.headers().firstValue("Content-Type").orElse("")).startsWith("application/json");
        assertThat(live.headers().firstValue("Cache-Control")).hasValue("no-store");
        assertThat(Json.read(live.body())).asInstanceOf(org.assertj.core.api.InstanceOfAssertFactories.MAP).containsEntry("status", "UP");
        assertThat(checks(live)).containsOnlyKeys("threads");
        assertThat(checks(live).get("threads")).containsEntry("status", "UP");

        HttpResponse<String> ready = send("GET", "health/ready");
        assertThat(ready.statusCode()).as(ready.body()).isEqualTo(200);
        Map<String, Map<String, Object>> readiness = checks(ready);
        assertThat(readiness).containsKeys("database", "tasks", "storage:default", "server", "test-plugin").doesNotContainKey("threads");
        assertThat(readiness.values()).allSatisfy(c -> assertThat(c).containsEntry("status", "UP"));
        assertThat(readiness.get("database").get("data")).asInstanceOf(org.assertj.core.api.InstanceOfAssertFactories.MAP)
                .containsEntry("database", "H2");
        assertThat(readiness.get("tasks").get("data")).asInstanceOf(org.assertj.core.api.InstanceOfAssertFactories.MAP)
                .containsEntry("tasks_pending", 0).containsEntry("tasks_failed", 0).containsKeys("jobs_queued", "jobs_failed");
        assertThat(readiness.get("storage:default").get("data")).asInstanceOf(org.assertj.core.api.InstanceOfAssertFactories.MAP)
                .containsEntry("type", "files:fs");
        assertThat(readiness.get("server").get("data")).asInstanceOf(org.assertj.core.api.InstanceOfAssertFactories.MAP)
                .containsEntry("state", "serving");

        HttpResponse<String> both = send("GET", "health");
        assertThat(both.statusCode()).isEqualTo(200);
        assertThat(checks(both)).containsKeys("threads", "database", "server");
        assertThat(send("GET", "health/started").statusCode()).isEqualTo(200);
        // Nothing about where the data lives or how the database is reached.
        String dataDir = portal.portal().portal().dataDirectory().toString();
        for (HttpResponse<String> r : List.of(live, ready, both)) {
            assertThat(r.body()).doesNotContain(dataDir).doesNotContain("jdbc:").doesNotContainIgnoringCase("password");
        }
    }

    @Test
    void healthIsGetOnlyAndAnUnknownEndpointIsA404() throws Exception {
        for (String method : List.of("POST", "PUT", "DELETE")) {
            HttpResponse<String> refused = send(method, "health/ready");
            assertThat(refused.statusCode()).as(method).isEqualTo(405);
            assertThat(refused.headers().firstValue("Allow")).hasValue("GET, HEAD");
        }
        assertThat(send("POST", "health").body()).contains("GET and HEAD only").doesNotContain("Exception");
        assertThat(send("HEAD", "health/live").statusCode()).isEqualTo(200);
        HttpResponse<String> unknown = send("GET", "health/nope");
        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(unknown.body()).contains("/health/ready");
    }

    @Test
    void aPluginsReadinessCheckBeanTurnsReadinessDownButNotLiveness() throws Exception {
        PluginHealthCheck.down = "the index is rebuilding";
        HttpResponse<String> ready = send("GET", "health/ready");
        assertThat(ready.statusCode()).as(ready.body()).isEqualTo(503);
        assertThat(Json.read(ready.body())).asInstanceOf(org.assertj.core.api.InstanceOfAssertFactories.MAP).containsEntry("status", "DOWN");
        assertThat(checks(ready).get("test-plugin")).containsEntry("status", "DOWN")
                .containsEntry("data", Map.of("reason", "the index is rebuilding", "checked", true));
        assertThat(checks(ready).get("database")).containsEntry("status", "UP");
        assertThat(send("GET", "health/live").statusCode()).isEqualTo(200);
        assertThat(send("GET", "health").statusCode()).isEqualTo(503);
        PluginHealthCheck.down = null;
        assertThat(send("GET", "health/ready").statusCode()).isEqualTo(200);
    }

    /** A GET on a new connection. */
    private static RawHttp.Response get(URI base, String path) {
        try (RawHttp http = RawHttp.connect(base, 10_000)) {
            http.head("GET", path, "Connection", "close");
            return http.read();
        }
    }
}
