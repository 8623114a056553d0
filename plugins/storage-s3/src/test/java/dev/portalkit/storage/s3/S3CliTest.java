package dev.portalkit.storage.s3;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portalkit.runtime.cli.PortalCli;
import dev.portalkit.testservers.S3ProxyServer;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.CORSRule;

/**
 * {@code portalkit files create-container | fix-cors} on S3 storages, scoped to the named storage;
 * and the commands that print configuration never print the keys.
 */
class S3CliTest {
    @TempDir
    static Path tmp;
    static S3ProxyServer s3;

    record Run(int code, String out, String err) {
    }

    @BeforeAll
    static void start() {
        s3 = S3ProxyServer.start(tmp);
    }

    @AfterAll
    static void stop() {
        s3.close();
    }

    static Run run(Path dir, List<String> args) {
        CommandLine cli = PortalCli.commandLine();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(err));
        List<String> all = new ArrayList<>(args);
        all.add("--data-dir");
        all.add(dir.toString());
        int code = cli.execute(all.toArray(new String[0]));
        return new Run(code, out.toString(), err.toString());
    }

    /** Two S3 storages, one, the other, on buckets of their own, and storage-s3 enabled. */
    private static List<String> config(String command, String oneBucket, String otherBucket, String... args) {
        List<String> out = new ArrayList<>(List.of(command.split(" ")));
        out.addAll(List.of(args));
        out.addAll(List.of("-o", "portal.plugins=storage-s3", "-o", "portal.files.default_storage=one"));
        for (String name : List.of("one", "other")) {
            for (Map.Entry<String, String> e : s3.storageOptions("files:s3").entrySet()) {
                out.addAll(List.of("-o", "portal.files.storage." + name + "." + e.getKey() + "=" + e.getValue()));
            }
            out.addAll(List.of("-o", "portal.files.storage." + name + ".bucket=" + (name.equals("one") ? oneBucket : otherBucket)));
        }
        return out;
    }

    private static boolean exists(S3Client client, String bucket) {
        return client.listBuckets().buckets().stream().anyMatch(b -> b.name().equals(bucket));
    }

    @Test
    void createContainerAndFixCorsTouchOnlyTheNamedStorage(@TempDir Path dir) {
        try (S3Client client = s3.client()) {
            Run created = run(dir, config("files create-container", "cli-one", "cli-other", "-s", "one"));
            assertThat(created.code()).as(created.err()).isZero();
            assertThat(created.out()).isEqualTo("created the container of storage one\n");
            assertThat(exists(client, "cli-one")).isTrue();
            assertThat(exists(client, "cli-other")).as("the other storage was not touched").isFalse();
            Run again = run(dir, config("files create-container", "cli-one", "cli-other", "-s", "one"));
            assertThat(again.out()).isEqualTo("the container of storage one exists already\n");

            Run cors = run(dir, config("files fix-cors", "cli-one", "cli-other", "-s", "one", "https://portal.example.org",
                    "http://localhost:5000"));
            assertThat(cors.code()).as(cors.err()).isZero();
            // tus goes to the portal itself: the command says which origins its configuration still lacks.
            assertThat(cors.out()).isEqualTo("CORS rules of storage one now allow https://portal.example.org, http://localhost:5000\n"
                    + "For tus uploads (/files/tus) from these origins, set in the portal's configuration: "
                    + "portal.files.tus.cors_origins = https://portal.example.org http://localhost:5000\n");
            List<String> listed = config("files fix-cors", "cli-one", "cli-other", "-s", "one", "https://portal.example.org");
            listed.addAll(List.of("-o", "portal.files.tus.cors_origins=https://portal.example.org"));
            assertThat(run(dir, listed).out()).isEqualTo("CORS rules of storage one now allow https://portal.example.org\n");
            cors = run(dir, config("files fix-cors", "cli-one", "cli-other", "-s", "one", "https://portal.example.org",
                    "http://localhost:5000"));
            CORSRule rule = client.getBucketCors(c -> c.bucket("cli-one")).corsRules().get(0);
            assertThat(rule.allowedOrigins()).containsExactly("https://portal.example.org", "http://localhost:5000");
            assertThat(rule.allowedMethods()).containsExactlyInAnyOrder("GET", "PUT", "POST", "HEAD");
            assertThat(rule.allowedHeaders()).contains("Content-Type", "Content-MD5", "Range", "x-amz-*");
            assertThat(rule.exposeHeaders()).contains("ETag");

            Run missing = run(dir, config("files fix-cors", "cli-one", "cli-other", "-s", "other", "https://portal.example.org"));
            assertThat(missing.code()).isNotZero();
            assertThat(missing.err()).startsWith("error: storage other: setting the CORS rules of bucket cli-other: bucket cli-other does not exist (create it with "
                    + "`portalkit files create-container -s other`").hasLineCount(1);
            assertThat(exists(client, "cli-other")).isFalse();
        }
    }

    @Test
    void adaptersAreListedAndKeysAreNeverPrinted(@TempDir Path dir) throws Exception {
        Run adapters = run(dir, List.of("files", "adapters", "-v", "-o", "portal.plugins=storage-s3"));
        assertThat(adapters.code()).as(adapters.err()).isZero();
        assertThat(adapters.out()).contains("files:s3           storage-s3 Objects in an S3 bucket")
                .contains("files:s3-dynamic   storage-s3 Objects in a bucket per year, month or week")
                .contains("    secret_key         (string, optional, secret)")
                .contains("    bucket_secret      (string, optional, secret)");
        Files.createDirectories(dir.resolve("x"));
        for (String command : List.of("files storages -v", "config declaration files -d", "files adapters -v")) {
            Run run = run(dir, config(command, "keys-one", "keys-other"));
            assertThat(run.code()).as(command + ": " + run.err()).isZero();
            assertThat(run.out() + run.err()).as(command).doesNotContain(S3ProxyServer.SECRET_KEY).doesNotContain(S3ProxyServer.ACCESS_KEY);
        }
        Run storages = run(dir, config("files storages -v", "keys-one", "keys-other"));
        assertThat(storages.out()).contains("one: files:s3 (default)\n    capabilities: CREATE, STREAM, COPY, REMOVE, MULTIPART, MOVE, "
                + "EXISTS, SCAN, COMPOSE (emulated), RANGE, ANALYZE, TEMPORAL_LINK")
                .contains("    secret_key                 (secret, not shown)");
    }
}
