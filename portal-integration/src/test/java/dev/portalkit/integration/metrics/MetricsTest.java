package dev.portalkit.integration.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portalkit.integration.testing.ApiClient;
import dev.portalkit.integration.testing.HttpPortal;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.UUID;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code GET /metrics} on the standalone server (one real portal on H2 for the class): scraped
 * before and after real requests, the counters and timers move by what the requests did.
 */
class MetricsTest {
    private static final Pattern SAMPLE = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{(.*)})? (\\S+)$");
    private static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]|\\\\.)*)\"");

    static Path root;
    static HttpPortal portal;
    static HttpPortal.Account admin;
    static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    @BeforeAll
    static void start() throws Exception {
        root = Files.createTempDirectory("metrics-");
        portal = HttpPortal.start(HttpPortal.builder()
                .option("portal.files.storage.default.type", "files:fs")
                .option("portal.files.storage.default.path", root.resolve("default").toString())
                .option("portal.files.storage.default.create_path", "true")
                .option("portal.files.storage.broken.type", "files:fs")
                .option("portal.files.storage.broken.path", root.resolve("broken").toString())
                .option("portal.files.storage.broken.create_path", "true")
                .option("portal.files.storage.broken.retries", "0")
                .option("portal.db.pool_size", "7"));
        admin = portal.newSysadmin("metrics-admin");
        // Two pending tasks (due in a day: no poller runs them) and one failed, before anything scrapes the counts.
        try (Connection c = portal.portal().portal().database().dataSource().getConnection();
             PreparedStatement s = c.prepareStatement("INSERT INTO portal_task (id, batch_id, queue_index, task_type, payload, "
                     + "action_name, status, max_attempts, next_attempt_at, created_at) VALUES (?, ?, 0, 'metrics_test', '{}', "
                     + "'metrics_test', ?, 3, ?, ?)")) {
            for (String status : new String[]{"pending", "pending", "failed"}) {
                s.setString(1, UUID.randomUUID().toString());
                s.setString(2, UUID.randomUUID().toString());
                s.setString(3, status);
                s.setObject(4, OffsetDateTime.now(ZoneOffset.UTC).plusDays(1));
                s.setObject(5, OffsetDateTime.now(ZoneOffset.UTC));
                s.executeUpdate();
            }
            c.commit();
        }
    }

    @AfterAll
    static void stop() {
        if (portal != null) {
            portal.close();
        }
    }

    @Test
    void requestTimersMoveByActionRouteAndStatusWithBoundedLabels() throws Exception {
        Map<String, Double> before = scrape();
        for (int i = 0; i < 3; i++) {
            assertThat(portal.api().get("status_show", Map.of(), null).status()).isEqualTo(200);
        }
        int unknownStatus = portal.api().get("no_such_action_" + new Random().nextInt(1000), Map.of(), null).status();
        int pageStatus = send("GET", "/", null).statusCode();
        Map<String, Double> after = scrape();

        String statusShow = "portalkit_http_requests_seconds_count{action=\"status_show\",route=\"action\",status=\"200\"}";
        assertThat(after.get(statusShow) - before.getOrDefault(statusShow, 0.0)).isEqualTo(3.0);
        String unknown = "portalkit_http_requests_seconds_count{action=\"unknown\",route=\"action\",status=\"" + unknownStatus + "\"}";
        assertThat(after.get(unknown) - before.getOrDefault(unknown, 0.0)).isEqualTo(1.0);
        String page = "portalkit_http_requests_seconds_count{action=\"none\",route=\"page\",status=\"" + pageStatus + "\"}";
        assertThat(after.get(page) - before.getOrDefault(page, 0.0)).isEqualTo(1.0);
        String statusShowTime = "portalkit_http_requests_seconds_sum{action=\"status_show\",route=\"action\",status=\"200\"}";
        assertThat(after.get(statusShowTime)).isGreaterThan(before.getOrDefault(statusShowTime, 0.0));
        // The scrape before counts itself as a request of its own route.
        assertThat(after.get("portalkit_http_requests_seconds_count{action=\"none\",route=\"metrics\",status=\"200\"}")).isGreaterThanOrEqualTo(1.0);
        assertThat(after.keySet()).noneMatch(series -> series.contains("no_such_action"));
    }

    @Test
    void bytesAndDurationsOfAnUploadAndADownloadAreCounted() throws Exception {
        byte[] content = new byte[300 * 1024 + 7]; // above the size Jetty sends with sendfile
        new Random(16).nextBytes(content);
        Map<String, Double> before = scrape();
        ApiClient.Reply created = portal.api().multipart("files_file_create", new ApiClient.Multipart()
                .file("upload", "numbers.bin", "application/octet-stream", content), admin.token());
        assertThat(created.status()).as(created.body()).isEqualTo(200);
        @SuppressWarnings("unchecked")
        String id = (String) ((Map<String, Object>) created.result()).get("id");
        ApiClient.Download download = portal.api().download("files/download/" + id, admin.token());
        assertThat(download.status()).isEqualTo(200);
        assertThat(download.body()).isEqualTo(content);
        Map<String, Double> after = scrape();

        assertThat(delta(before, after, "portalkit_http_received_bytes_total{route=\"action\"}"))
                .isGreaterThan(content.length).isLessThan(content.length + 2048); // the multipart framing
        assertThat(delta(before, after, "portalkit_http_sent_bytes_total{route=\"download\"}")).isEqualTo(content.length);
        assertThat(delta(before, after, "portalkit_upload_seconds_count{route=\"action\"}")).isEqualTo(1.0);
        assertThat(delta(before, after, "portalkit_download_seconds_count{status=\"2xx\"}")).isEqualTo(1.0);
        assertThat(after).containsKey("portalkit_download_seconds_bucket{le=\"0.001\",status=\"2xx\"}");
        String text = scrapeText();
        assertThat(text).as("no user, file or secret in the metrics").doesNotContain(admin.name()).doesNotContain(admin.token())
                .doesNotContain(id).doesNotContain("numbers.bin").doesNotContain(root.toString());
    }

    @Test
    void aStorageErrorIsCountedForItsStorage() throws Exception {
        Map<String, Double> before = scrape();
        // The storage's folder is replaced by a file: every write into it fails at the file system.
        Path broken = root.resolve("broken");
        try (var files = Files.walk(broken)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
        Files.writeString(broken, "not a folder");
        ApiClient.Reply failed = portal.api().multipart("files_file_create", new ApiClient.Multipart().field("storage", "broken")
                .file("upload", "lost.txt", "text/plain", "lost".getBytes()), admin.token());
        assertThat(failed.status()).as(failed.body()).isEqualTo(503);
        Map<String, Double> after = scrape();

        assertThat(delta(before, after, "portalkit_storage_errors_total{storage=\"broken\"}")).isEqualTo(1.0);
        assertThat(delta(before, after, "portalkit_storage_errors_total{storage=\"default\"}")).isZero();
    }

    @Test
    void poolTasksAndJvmGaugesArePresent() throws Exception {
        Map<String, Double> metrics = scrape();
        assertThat(metrics.get("portalkit_db_connections_max")).isEqualTo(7.0);
        assertThat(metrics.get("portalkit_db_connections_open")).isGreaterThanOrEqualTo(1.0);
        assertThat(metrics).containsKeys("portalkit_db_connections_active", "portalkit_db_connections_idle",
                "portalkit_db_connections_pending");
        assertThat(metrics.get("portalkit_tasks_pending")).isEqualTo(2.0);
        assertThat(metrics.get("portalkit_tasks_failed")).isEqualTo(1.0);
        assertThat(metrics.keySet()).anyMatch(s -> s.startsWith("jvm_memory_used_bytes{"))
                .anyMatch(s -> s.startsWith("process_uptime_seconds")).anyMatch(s -> s.startsWith("jvm_threads_live_threads"));
        HttpResponse<String> response = send("GET", "/metrics", null);
        assertThat(response.headers().firstValue("Content-Type")).hasValue(PortalMetrics.CONTENT_TYPE);
    }

    @Test
    void offByOptionMetricsAnswer404() throws Exception {
        try (HttpPortal off = HttpPortal.start(HttpPortal.builder().option(MetricsPlugin.ENABLED, "false"))) {
            HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(off.uri().resolve("/metrics")).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).isEqualTo(404);
            assertThat(response.body()).doesNotContain("portalkit_");
        }
    }

    private static double delta(Map<String, Double> before, Map<String, Double> after, String series) {
        assertThat(after).as("series %s", series).containsKey(series);
        return after.get(series) - before.getOrDefault(series, 0.0);
    }

    static HttpResponse<String> send(String method, String path, String token) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(portal.uri().toString()).resolve(path)).timeout(Duration.ofSeconds(30))
                .method(method, HttpRequest.BodyPublishers.noBody());
        if (token != null) {
            request.header("Authorization", token);
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    static String scrapeText() throws IOException, InterruptedException {
        HttpResponse<String> response = send("GET", "/metrics", null);
        assertThat(response.statusCode()).isEqualTo(200);
        return response.body();
    }

    /** The samples of a scrape by series ({@code name{labels sorted by name}}). */
    static Map<String, Double> scrape() throws IOException, InterruptedException {
        return parse(scrapeText());
    }

    static Map<String, Double> parse(String text) {
        Map<String, Double> samples = new HashMap<>();
        for (String line : text.split("\n")) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            Matcher m = SAMPLE.matcher(line);
            assertThat(m.matches()).as("a Prometheus sample line: %s", line).isTrue();
            java.util.TreeMap<String, String> labels = new java.util.TreeMap<>();
            if (m.group(3) != null) {
                Matcher l = LABEL.matcher(m.group(3));
                while (l.find()) {
                    labels.put(l.group(1), l.group(2));
                }
            }
            StringBuilder series = new StringBuilder(m.group(1));
            if (!labels.isEmpty()) {
                series.append('{');
                labels.forEach((k, v) -> series.append(k).append("=\"").append(v).append("\","));
                series.setCharAt(series.length() - 1, '}');
            }
            samples.put(series.toString(), Double.parseDouble(m.group(4)));
        }
        return samples;
    }
}
