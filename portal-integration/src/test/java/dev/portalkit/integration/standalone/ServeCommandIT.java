package dev.portalkit.integration.standalone;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portalkit.integration.testing.ApiClient;
import dev.portalkit.integration.testing.ApiClient.Reply;
import dev.portalkit.integration.testing.PortalkitCli;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code java -jar portalkit.jar serve} as an operator runs it: prints its URL, serves, takes the
 * first sysadmin and their token from the CLI on the same data directory, stops on SIGTERM.
 */
class ServeCommandIT {
    private static final Pattern READY = Pattern.compile("Portalkit is running at (http://127\\.0\\.0\\.1:\\d+/)");

    @TempDir
    Path tmp;

    @Test
    void servesOnAnEmptyDataDirectoryAndStopsOnSigterm() throws Exception {
        Path jar = Path.of(System.getProperty("portalkit.jar", "target/portalkit.jar"));
        assertThat(jar).exists();
        Path dataDir = tmp.resolve("fresh-data");
        Process process = new ProcessBuilder(javaBin(), "-Xmx128m", "-jar", jar.toString(), "serve", "--port", "0",
                "--data-dir", dataDir.toString(), "-o", "portal.plugins=example")
                .redirectError(tmp.resolve("stderr.txt").toFile())
                .start();
        List<String> lines = new CopyOnWriteArrayList<>();
        CompletableFuture<String> url = new CompletableFuture<>();
        Thread reader = new Thread(() -> {
            try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = out.readLine()) != null; ) {
                    lines.add(line);
                    Matcher m = READY.matcher(line);
                    if (m.matches()) {
                        url.complete(m.group(1));
                    }
                }
            } catch (IOException e) {
                url.completeExceptionally(e);
            }
            url.completeExceptionally(new IllegalStateException("serve ended without printing its URL: " + lines));
        });
        reader.start();
        try {
            ApiClient api = new ApiClient(URI.create(url.get(120, TimeUnit.SECONDS)));
            assertThat(Files.isDirectory(dataDir.resolve("db"))).isTrue();

            Reply status = api.get("status_show", Map.of(), null);
            assertThat(status.status()).isEqualTo(200);
            assertThat(status.result()).asInstanceOf(org.assertj.core.api.InstanceOfAssertFactories.MAP)
                    .containsEntry("example_chained", true);
            // A token that is no one's is refused.
            Reply withToken = api.get("status_show", Map.of(), "some-token");
            assertThat(withToken.status()).isEqualTo(403);
            assertThat(withToken.error()).containsEntry("__type", "Authorization Error");
            // The first sysadmin and a token, made by the CLI on the data directory the server is using (H2 AUTO_SERVER).
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

            // SIGTERM. (Process.destroy() would also close our end of its stdout, losing the last lines.)
            process.toHandle().destroy();
            assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("stopped within 60 s").isTrue();
            reader.join(10_000);
            String stderr = Files.readString(tmp.resolve("stderr.txt"));
            assertThat(process.exitValue()).as(stderr).isIn(0, 143);
            assertThat(lines).as(stderr).contains("Portalkit stopped");
            assertThat(Files.readString(tmp.resolve("stderr.txt"))).doesNotContain("Exception");
        } finally {
            if (process.isAlive()) {
                process.destroyForcibly();
            }
        }
    }

    /** The command's words, then the common options. */
    private static String[] with(String[] common, String... command) {
        String[] out = java.util.Arrays.copyOf(command, command.length + common.length);
        System.arraycopy(common, 0, out, command.length, common.length);
        return out;
    }

    private static String javaBin() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }
}
