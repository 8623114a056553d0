package dev.portalkit.integration.standalone;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portalkit.integration.testing.ApiClient;
import dev.portalkit.integration.testing.ApiClient.Reply;
import dev.portalkit.integration.testing.PortalkitCli;
import dev.portalkit.integration.testing.ServeProcess;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code java -jar portalkit.jar serve} as an operator runs it: prints its URL, serves, takes the
 * first sysadmin and their token from the CLI on the same data directory, stops on SIGTERM.
 */
class ServeCommandIT {
    @TempDir
    Path tmp;

    @Test
    void servesOnAnEmptyDataDirectoryAndStopsOnSigterm() throws Exception {
        Path jar = PortalkitCli.jar();
        Path dataDir = tmp.resolve("fresh-data");
        try (ServeProcess serve = ServeProcess.start(jar, "128m", tmp, "--data-dir", dataDir.toString(), "-o", "portal.plugins=example",
                "-o", "portal.http.drain_delay=2")) {
            ApiClient api = new ApiClient(serve.uri());
            assertThat(Files.isDirectory(dataDir.resolve("db"))).isTrue();

            Reply status = api.get("status_show", Map.of(), null);
            assertThat(status.status()).isEqualTo(200);
            assertThat(status.result()).asInstanceOf(org.assertj.core.api.InstanceOfAssertFactories.MAP)
                    .containsEntry("example_chained", true);
            // A token that is no one's is refused.
            Reply withToken = api.get("status_show", Map.of(), "some-token");
            assertThat(withToken.status()).isEqualTo(403);
            assertThat(withToken.error()).containsEntry("__type", "Authorization Error");
            // The first sysadmin and a token, made by the CLI on the data directory the server is using (run by the server,
            // through its command socket: the same -o as the server's changes nothing, so it is accepted).
            PortalkitCli cli = new PortalkitCli(jar, tmp);
            String[] same = {"--data-dir", dataDir.toString(), "-o", "portal.plugins=example"};
            cli.ok(Map.of(), with(same, "user", "add", "admin", "--email", "admin@example.org", "--password", "a long secret",
                    "--sysadmin"));
            String token = cli.ok(Map.of(), with(same, "token", "create", "admin")).lastLine();
            Reply admin = api.get("user_show", Map.of("id", "admin"), "Bearer " + token);
            assertThat(admin.status()).as(admin.body()).isEqualTo(200);
            assertThat(admin.result()).asInstanceOf(org.assertj.core.api.InstanceOfAssertFactories.MAP)
                    .containsEntry("sysadmin", true).containsEntry("email", "admin@example.org");
            Reply created = api.postJson("organization_create", "{\"name\": \"first-org\"}", token);
            assertThat(created.status()).as(created.body()).isEqualTo(200);
            Reply digest = api.multipart("example_upload_digest", new ApiClient.Multipart()
                    .file("upload", "hello.txt", "text/plain", "hello".getBytes(StandardCharsets.UTF_8)), null);
            assertThat(digest.result()).asInstanceOf(org.assertj.core.api.InstanceOfAssertFactories.MAP)
                    .containsEntry("sha256", "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824");

            // SIGTERM: readiness DOWN at once, liveness UP, requests still served during the drain delay.
            java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
            java.util.function.Function<String, java.net.http.HttpResponse<String>> get = path -> {
                try {
                    return http.send(java.net.http.HttpRequest.newBuilder(serve.uri().resolve(path)).timeout(java.time.Duration.ofSeconds(10))
                            .build(), java.net.http.HttpResponse.BodyHandlers.ofString());
                } catch (java.io.IOException | InterruptedException e) {
                    throw new IllegalStateException(path + ": " + e, e);
                }
            };
            assertThat(get.apply("health/ready").statusCode()).isEqualTo(200);
            long termAt = System.nanoTime();
            serve.sigterm();
            java.net.http.HttpResponse<String> ready = get.apply("health/ready");
            for (int i = 0; i < 100 && ready.statusCode() == 200; i++) {
                Thread.sleep(10);
                ready = get.apply("health/ready");
            }
            assertThat(ready.statusCode()).as(ready.body()).isEqualTo(503);
            assertThat(ready.body()).contains("\"state\":\"draining\"");
            assertThat(get.apply("health/live").statusCode()).isEqualTo(200);
            assertThat(api.get("status_show", Map.of(), null).status()).isEqualTo(200);
            assertThat(System.nanoTime() - termAt).as("within the drain delay").isLessThan(2_000_000_000L);

            int exit = serve.stop();
            String stderr = serve.stderr();
            assertThat(exit).as(stderr).isIn(0, 143);
            assertThat(serve.lines()).as(stderr).contains("Portalkit stopped");
            assertThat(stderr).doesNotContain("Exception");
        }
    }

    /** The command's words, then the common options. */
    private static String[] with(String[] common, String... command) {
        String[] out = java.util.Arrays.copyOf(command, command.length + common.length);
        System.arraycopy(common, 0, out, command.length, common.length);
        return out;
    }
}
