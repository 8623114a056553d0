package dev.portalkit.integration.health;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portalkit.integration.testing.HttpPortal;
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
 * JSON, anonymity, methods, what they must not reveal, and a plugin's check as a CDI bean.
 */
class HealthEndpointsTest {
    static HttpPortal portal;
    static HttpClient http;

    @BeforeAll
    static void start() {
        portal = HttpPortal.start(HttpPortal.builder());
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
}
