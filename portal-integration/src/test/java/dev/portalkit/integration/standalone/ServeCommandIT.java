package dev.portalkit.integration.standalone;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portalkit.integration.testing.ApiClient;
import dev.portalkit.integration.testing.ApiClient.Reply;
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

/** {@code java -jar portalkit.jar serve} as an operator runs it: prints its URL, serves, stops on SIGTERM. */
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
            // No ApiTokenAuthenticator bean in this process: a token cannot authenticate.
            Reply withToken = api.get("status_show", Map.of(), "some-token");
            assertThat(withToken.status()).isEqualTo(403);
            assertThat(withToken.error()).containsEntry("__type", "Authorization Error");
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

    private static String javaBin() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }
}
