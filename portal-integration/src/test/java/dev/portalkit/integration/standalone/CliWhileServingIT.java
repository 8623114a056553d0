package dev.portalkit.integration.standalone;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portalkit.integration.testing.ApiClient;
import dev.portalkit.integration.testing.ApiClient.Reply;
import dev.portalkit.integration.testing.PortalkitCli;
import dev.portalkit.integration.testing.ServeProcess;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The command line while {@code serve} runs on the embedded H2 database, which only one process
 * may open and which no longer listens on the network: every command is sent through the server's
 * socket ({@code <data-dir>/run/cli.sock}) and runs in the server, with the client's working
 * directory, stdin, stdout (byte for byte), stderr and exit code. All in real processes: a
 * {@code portalkit.jar serve} child JVM and {@code portalkit.jar} invocations beside it.
 */
class CliWhileServingIT {
    @TempDir
    Path tmp;

    @Test
    void commandsRunThroughTheServerAndWorkAgainOnceItStopped() throws Exception {
        Path jar = PortalkitCli.jar();
        Path dataDir = tmp.resolve("data");
        Path config = tmp.resolve("portal.properties");
        Files.writeString(config, "portal.auth.password_iterations = 1000\n");
        Path workDir = Files.createDirectories(tmp.resolve("work"));
        PortalkitCli cli = new PortalkitCli(jar, tmp);
        String[] common = {"--data-dir", dataDir.toString(), "--config", config.toString()};
        try (ServeProcess serve = ServeProcess.start(jar, "256m", tmp, common)) {
            assertThat(dataDir.resolve("run/cli.sock")).exists();
            ApiClient api = new ApiClient(serve.uri());

            // The walk-through's first steps, in a second "terminal" while the portal serves.
            assertThat(cli.ok(Map.of(), with(common, "user", "add", "admin", "--email", "admin@example.org", "--password",
                    "a long secret", "--sysadmin")).stdout()).contains("created sysadmin user admin");
            String token = cli.ok(Map.of(), with(common, "token", "create", "admin")).lastLine();
            Reply me = api.get("user_show", Map.of("id", "admin"), token);
            assertThat(me.status()).as(me.body()).isEqualTo(200);

            // Bytes that are no text in any encoding: stdout is played back byte for byte.
            byte[] content = new byte[200_000];
            new Random(7).nextBytes(content);
            Reply created = api.multipart("files_file_create", new ApiClient.Multipart().field("name", "noise.bin")
                    .file("upload", "noise.bin", "application/octet-stream", content), token);
            assertThat(created.status()).as(created.body()).isEqualTo(200);
            @SuppressWarnings("unchecked")
            String id = (String) ((Map<String, Object>) created.result()).get("id");
            assertThat(cli.ok(Map.of(), with(common, "files", "stream", id)).stdoutBytes()).isEqualTo(content);
            // A relative --output is a path in the client's working directory, not the server's.
            PortalkitCli.Result streamed = cli.run(workDir, null, Map.of(), with(common, "files", "stream", id, "--output", "copy.bin"));
            assertThat(streamed.exitCode()).as(streamed.stderr()).isZero();
            assertThat(streamed.stderr()).contains("200000 byte(s) written to " + workDir.resolve("copy.bin"));
            assertThat(workDir.resolve("copy.bin")).hasBinaryContent(content);
            // files scan lists the storage through the server.
            List<String> scanned = cli.ok(Map.of(), with(common, "files", "scan", "-s", "default")).stdout().lines().toList();
            assertThat(scanned).hasSize(1);
            // Questions answered from the client's stdin: "y" to all three, so the orphan is shown and the migration runs
            // (without the answers, an empty stdin says no: "Nothing changed").
            PortalkitCli.Result asked = cli.run(workDir, "y\ny\ny\n".getBytes(StandardCharsets.UTF_8), Map.of(),
                    with(common, "files", "migrate", "users", "default"));
            assertThat(asked.exitCode()).as(asked.stderr()).isZero();
            // (the default storage puts a random prefix before a name: <uuid>noise.bin)
            assertThat(asked.stdout()).containsPattern("Show files that do not belong to any user\\? \\[y/N\\]: [0-9a-f-]{36}noise\\.bin")
                    .contains("Transfer file ownership to user identified in previous steps?").doesNotContain("Nothing changed");

            // What would configure the portal differently for one command is refused, with one line.
            PortalkitCli.Result option = cli.run(Map.of(), with(common, "token", "create", "admin", "-o", "portal.site_title=Other"));
            assertRefused(option, "-o portal.site_title=Other");
            Path otherConfig = Files.writeString(tmp.resolve("other.properties"), "portal.site_title = Other\n");
            PortalkitCli.Result otherFile = cli.run(Map.of(), "token", "create", "admin", "--data-dir", dataDir.toString(),
                    "--config", otherConfig.toString());
            assertRefused(otherFile, "--config " + otherConfig);
            // ... but an -o that sets what the server has anyway changes nothing, and runs.
            cli.ok(Map.of(), with(common, "token", "create", "admin", "-o", "portal.auth.password_iterations=1000"));
            // Bad input of the command itself is reported as when it runs on its own.
            PortalkitCli.Result missing = cli.run(Map.of(), with(common, "user", "add", "nobody"));
            assertThat(missing.exitCode()).isEqualTo(1);
            assertThat(missing.stderr().strip()).isEqualTo("error: --email is required (see --help)");

            // One server per data directory.
            PortalkitCli.Result second = cli.run(Map.of(), with(common, "serve", "--port", "0"));
            assertThat(second.exitCode()).isEqualTo(3);
            assertThat(second.stderr().strip()).startsWith("error: a portalkit server (process " + serve.pid() + ") is running on "
                    + "data directory " + dataDir + " already");

            int exit = serve.stop();
            assertThat(exit).as(serve.stderr()).isIn(0, 143);
            assertThat(serve.stderr()).doesNotContain("Exception");
        }
        // The server is gone and so is its socket: commands open the database themselves again.
        assertThat(dataDir.resolve("run/cli.sock")).doesNotExist();
        cli.ok(Map.of(), with(common, "user", "add", "carol", "--email", "carol@example.org", "--password", "a long secret"));

        // After a kill -9 the socket file stays behind: neither the command line nor the next serve is fooled by it.
        try (ServeProcess serve = ServeProcess.start(jar, "256m", tmp, common)) {
            serve.kill();
        }
        assertThat(dataDir.resolve("run/cli.sock")).exists();
        cli.ok(Map.of(), with(common, "token", "create", "carol"));
        try (ServeProcess serve = ServeProcess.start(jar, "256m", tmp, common)) {
            String token = cli.ok(Map.of(), with(common, "token", "create", "admin")).lastLine();
            Reply me = new ApiClient(serve.uri()).get("user_show", Map.of("id", "carol"), token);
            assertThat(me.status()).as(me.body()).isEqualTo(200);
            assertThat(serve.stop()).isIn(0, 143);
        }
    }

    private static void assertRefused(PortalkitCli.Result result, String what) {
        assertThat(result.exitCode()).as(result.stderr()).isEqualTo(1);
        assertThat(result.stdout()).isEmpty();
        assertThat(result.stderr().lines().toList()).hasSize(1);
        assertThat(result.stderr()).startsWith("error: the portal is running (process ").contains(what + " would change")
                .contains("stop the server to run the command on its own");
    }

    /** The command's words, then the common options. */
    private static String[] with(String[] common, String... command) {
        List<String> all = new ArrayList<>(List.of(command));
        all.addAll(List.of(common));
        return all.toArray(new String[0]);
    }
}
