package dev.portalkit.integration.standalone;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portalkit.integration.testing.ApiClient;
import dev.portalkit.integration.testing.PortalkitCli;
import dev.portalkit.integration.testing.ServeProcess;
import dev.portalkit.runtime.Json;
import dev.portalkit.testservers.BenchRuns;
import dev.portalkit.testservers.S3ProxyServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The 1 GiB bench of {@code bench/s3-1g.sh} through the portal's HTTP face (not a test: no timing
 * is asserted; it runs only with {@code -Dbench.s3http.out=FILE} and writes its figures there).
 * In one run: S3Proxy (filesystem store) in this JVM; a standalone {@code portalkit.jar serve}
 * with {@code -Xmx64m} whose {@code files:s3} storages come from the plugin's drop-in jar; curl as
 * the portal's client ({@code files_file_create} with the file as a multipart part, as the seed's
 * example does; {@code /files/download/{id}} from a {@code proxy} storage, and from a
 * {@code redirect} storage with the presigned URL fetched by curl too); and the AWS SDK writing and
 * reading the same bytes straight to the same S3Proxy. Each run records the CPU time this JVM
 * (S3Proxy, the SDK), the portal and curl spent in it.
 *
 * <p>Uploads go to a storage with a {@code uuid} location transformer, which the portal pipes to
 * S3Proxy while the request arrives ({@code portal.http.pipe_uploads}, on by default), and to one
 * without it, into which the part is spooled whole first and then sent.
 */
@EnabledIfSystemProperty(named = "bench.s3http.out", matches = ".+")
class S3HttpBench {
    /** 1 GiB; {@code -Dbench.s3http.mib=N} for a quick check of the bench itself. */
    private static final long SIZE = Long.getLong("bench.s3http.mib", 1024) << 20;
    private static final int ROUNDS = Integer.getInteger("bench.s3http.rounds", 3);
    private static final String BUCKET = "bench";
    /** The portal's heap: {@code -Dbench.s3http.heap=SIZE}, 64m by default (far less than the file: nothing can hold it whole). */
    static final String HEAP = System.getProperty("bench.s3http.heap", "64m");

    @Test
    void portalOverHttpVersusSdk() throws Exception {
        Path work = Files.createTempDirectory(Path.of("target"), "s3-http-bench-").toAbsolutePath();
        Path file = work.resolve("1g.bin");
        String expected = BenchRuns.writeRandomFile(file, SIZE);
        Path dataDir = work.resolve("portal-data");
        Path plugins = Files.createDirectories(dataDir.resolve("plugins"));
        Files.copy(Path.of(System.getProperty("storage.plugins.dir", "target/it-plugins"), "portalkit-plugin-storage-s3-plugin.jar"),
                plugins.resolve("portalkit-plugin-storage-s3-plugin.jar"));
        BenchRuns runs = new BenchRuns(SIZE);
        try (S3ProxyServer s3 = S3ProxyServer.start(work); S3Client sdk = s3.client()) {
            Path config = work.resolve("portal.properties");
            StringBuilder lines = new StringBuilder("portal.plugins = storage-s3\nportal.files.default_storage = s3\n");
            for (String[] storage : new String[][] {{"s3", "proxy", "uuid"}, {"s3redirect", "redirect", "uuid"}, {"s3named", "proxy", ""}}) {
                String p = "portal.files.storage." + storage[0] + ".";
                s3.storageOptions("files:s3").forEach((k, v) -> lines.append(p).append(k).append(" = ").append(v).append('\n'));
                lines.append(p).append("bucket = ").append(BUCKET).append('\n')
                        .append(p).append("create_bucket = true\n")
                        .append(p).append("proxy = ").append(storage[1]).append('\n')
                        .append(p).append("location_transformers = ").append(storage[2]).append('\n');
            }
            Files.writeString(config, lines);
            Path jar = PortalkitCli.jar();
            PortalkitCli cli = new PortalkitCli(jar, Files.createDirectories(work.resolve("cli")));
            String[] common = {"--data-dir", dataDir.toString(), "--config", config.toString()};
            try (ServeProcess serve = ServeProcess.start(jar, HEAP, work, common)) {
                cli.ok(Map.of(), concat(new String[] {"user", "add", "admin", "--email", "a@example.org", "--password", "a long secret",
                    "--sysadmin"}, common));
                String token = cli.ok(Map.of(), concat(new String[] {"token", "create", "admin"}, common)).lastLine();
                String base = serve.uri().toString();
                ApiClient api = new ApiClient(serve.uri());

                Runnable sdkPut = () -> sdk.putObject(p -> p.bucket(BUCKET).key("sdk.bin").contentLength(SIZE), RequestBody.fromFile(file));
                Runnable sdkGet = () -> BenchRuns.drain(sdk.getObject(g -> g.bucket(BUCKET).key("sdk.bin")));
                String[] proxied = new String[1];
                Runnable portalPut = () -> {
                    Map<String, Object> created = curlJson("-H", "Authorization: " + token, "-F", "upload=@" + file + ";type=application/octet-stream",
                            base + "api/action/files_file_create");
                    assertThat(created).as("%s", created).containsEntry("success", true);
                    Map<?, ?> result = (Map<?, ?>) created.get("result");
                    assertThat(result.get("hash")).isEqualTo(expected);
                    if (proxied[0] != null) {
                        assertThat(api.call("files_file_delete", Map.of("id", proxied[0]), token).status()).isEqualTo(200);
                    }
                    proxied[0] = (String) result.get("id");
                };
                // The same into a storage whose locations are the names given: not piped (a piped file must not replace another).
                Runnable portalPutSpooled = () -> {
                    Map<String, Object> created = curlJson("-H", "Authorization: " + token, "-F", "storage=s3named",
                            "-F", "name=" + java.util.UUID.randomUUID() + ".bin", "-F", "upload=@" + file + ";type=application/octet-stream",
                            base + "api/action/files_file_create");
                    assertThat(created).as("%s", created).containsEntry("success", true);
                    Map<?, ?> result = (Map<?, ?>) created.get("result");
                    assertThat(result.get("hash")).isEqualTo(expected);
                    assertThat(api.call("files_file_delete", Map.of("id", result.get("id")), token).status()).isEqualTo(200);
                };
                Runnable portalGetProxy = () -> curl("-o", "/dev/null", "-H", "Authorization: " + token,
                        base + "files/download/" + proxied[0]);
                // One file in the redirect storage, uploaded through the portal too.
                Map<String, Object> redirected = curlJson("-H", "Authorization: " + token, "-F", "upload=@" + file
                        + ";type=application/octet-stream", "-F", "storage=s3redirect", base + "api/action/files_file_create");
                String redirectedId = (String) ((Map<?, ?>) redirected.get("result")).get("id");
                Runnable portalGetRedirect = () -> {
                    String location = curl("-o", "/dev/null", "-w", "%{redirect_url}", "-H", "Authorization: " + token,
                            base + "files/download/" + redirectedId).strip();
                    assertThat(location).startsWith(s3.endpoint().toString());
                    curl("-o", "/dev/null", location);
                };

                for (int i = 0; i < 2; i++) {
                    sdkPut.run();
                    portalPut.run();
                    portalPutSpooled.run();
                    sdkGet.run();
                    portalGetProxy.run();
                    portalGetRedirect.run();
                }
                runs.watchCpu("test JVM (S3Proxy, SDK)", BenchRuns.SELF);
                runs.watchCpu("portal", serve.pid());
                runs.watchCpu("curl", BenchRuns.CHILDREN);
                for (int round = 0; round < ROUNDS; round++) {
                    runs.time("AWS SDK: PutObject of the file (RequestBody.fromFile)", sdkPut);
                    runs.time("portal: `files_file_create` over HTTP (curl -F upload=@file), into files:s3, piped while it arrives", portalPut);
                    runs.time("AWS SDK: GetObject, read to the end", sdkGet);
                    runs.time("portal: `/files/download/{id}`, `proxy = proxy` (curl)", portalGetProxy);
                    runs.time("portal: `/files/download/{id}`, `proxy = redirect`: the 302, then curl on the presigned URL", portalGetRedirect);
                    runs.time("portal: `files_file_create` as above, into a files:s3 storage without a uuid location: spooled, then sent",
                            portalPutSpooled);
                }
                assertThat(serve.stderr()).doesNotContain("OutOfMemoryError");
            }
        } finally {
            try (var all = Files.walk(work)) {
                for (Path p : all.sorted(java.util.Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            }
        }
        Files.writeString(Path.of(System.getProperty("bench.s3http.out")), runs.table() + String.format(Locale.ROOT,
                "%nRatios (portal throughput / SDK throughput, best runs): upload **%.2f×** piped (**%.2f×** spooled first), "
                + "download through the portal (`proxy`) **%.2f×**, download by redirect **%.2f×**.%n%n"
                + "CPU: the SDK's upload took %.2f CPU seconds, the portal's %.2f (piped) and %.2f (spooled first); on %d cores "
                + "no schedule runs the portal's upload in less than %.2f s, which bounds its ratio at %.2f× here.%n%n",
                runs.best(0) / runs.best(1), runs.best(0) / runs.best(5), runs.best(2) / runs.best(3), runs.best(2) / runs.best(4),
                runs.bestCpu(0), runs.bestCpu(1), runs.bestCpu(5), Runtime.getRuntime().availableProcessors(),
                runs.bestCpu(1) / Runtime.getRuntime().availableProcessors(),
                runs.best(0) / (runs.bestCpu(1) / Runtime.getRuntime().availableProcessors())) + BenchRuns.measuredNow());
    }

    /** Runs curl (silent, failing on HTTP errors); returns what it printed. */
    private static String curl(String... arguments) {
        List<String> command = new ArrayList<>(List.of("curl", "-sS", "--fail-with-body"));
        command.addAll(List.of(arguments));
        try {
            Process process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
            byte[] out = process.getInputStream().readAllBytes();
            assertThat(process.waitFor(10, TimeUnit.MINUTES)).isTrue();
            String text = new String(out, java.nio.charset.StandardCharsets.UTF_8);
            assertThat(process.exitValue()).as("curl %s: %s", arguments, text).isZero();
            return text;
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> curlJson(String... arguments) {
        try {
            return Json.MAPPER.readValue(curl(arguments), Map.class);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static String[] concat(String[] a, String[] b) {
        String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

}
