package dev.portalkit.integration.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portalkit.integration.testing.ApiClient;
import dev.portalkit.integration.testing.ApiClient.Reply;
import dev.portalkit.integration.testing.Nginx;
import dev.portalkit.integration.testing.PortalkitCli;
import dev.portalkit.integration.testing.ServeProcess;
import dev.portalkit.runtime.testing.PostgresServer;
import dev.portalkit.testservers.S3ProxyServer;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Three {@code serve} processes as an operator runs a cluster (docs/cluster.md): each with its own
 * data directory, all on one PostgreSQL database and one S3 bucket (S3Proxy), given the key of
 * download links by an environment variable, behind Debian's nginx. An upload started on one node
 * is continued on another and completed on the third; a one-time link used at once on every node
 * is served once; a node without the shared key does not start; a post-commit task held by a node
 * killed with -9 is finished by another once its lease ran out.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ClusterIT {
    private static final List<String> NODE_JVM = List.of("-Xmx192m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC");
    private static final String LINK_SECRET = "a key of download links every node of this portal shares";
    /** Seconds a node holds a post-commit task; the slow task takes less, so a live node never loses its task. */
    private static final int TASK_LEASE = 8;
    /** Seconds a stopping node keeps serving with its readiness DOWN. */
    private static final int DRAIN_DELAY = 3;

    static Path tmp;
    static S3ProxyServer s3;
    static String databaseUrl;
    static Path config;
    static PortalkitCli cli;
    static final List<ServeProcess> nodes = new ArrayList<>();
    static final List<ApiClient> apis = new ArrayList<>();
    static Nginx nginx;
    static String admin;

    @BeforeAll
    static void startCluster() throws Exception {
        tmp = Files.createTempDirectory(Files.createDirectories(Path.of("target")), "cluster-").toAbsolutePath();
        s3 = S3ProxyServer.start(tmp);
        databaseUrl = PostgresServer.newDatabase();
        config = tmp.resolve("portal.properties");
        Files.writeString(config, String.join("\n",
                "portal.plugins = storage-s3 cluster-test",
                "portal.auth.password_iterations = 1000",
                "portal.db.url = " + databaseUrl,
                "portal.db.user = postgres",
                "portal.db.password = postgres",
                "portal.files.storage.default.type = files:s3",
                "portal.files.storage.default.host = " + s3.endpoint(),
                "portal.files.storage.default.region = us-east-1",
                "portal.files.storage.default.access_key = " + S3ProxyServer.ACCESS_KEY,
                "portal.files.storage.default.secret_key = " + S3ProxyServer.SECRET_KEY,
                "portal.files.storage.default.bucket = cluster",
                "portal.files.storage.default.create_bucket = true",
                // The nodes stream downloads themselves (no redirect to S3), so every answer of a link is a node's.
                "portal.files.storage.default.proxy = proxy",
                "portal.tasks.lease = " + TASK_LEASE,
                "portal.tasks.poll_interval = 1",
                "portal.cluster.heartbeat_interval = 2",
                ""));
        cli = new PortalkitCli(PortalkitCli.jar(), Files.createDirectories(tmp.resolve("cli")));
        for (int i = 0; i < 3; i++) {
            startNode();
        }
        cli.ok(Map.of(), withCommon(dataDir(0), "user", "add", "admin", "--email", "admin@example.org", "--password", "a long secret",
                "--sysadmin"));
        admin = cli.ok(Map.of(), withCommon(dataDir(0), "token", "create", "admin")).lastLine();
        if (Nginx.present()) {
            nginx = Nginx.start(tmp, nodes.stream().map(ServeProcess::uri).toList());
        }
    }

    /** Starts node number {@code nodes.size()} with the shared key in its environment. */
    static ServeProcess startNode() throws IOException {
        int n = nodes.size();
        Path data = dataDir(n);
        Path plugins = Files.createDirectories(data.resolve("plugins"));
        Files.copy(Path.of(System.getProperty("storage.plugins.dir", "target/it-plugins")).resolve("portalkit-plugin-storage-s3-plugin.jar"),
                plugins.resolve("portalkit-plugin-storage-s3-plugin.jar"));
        packTestPlugin(plugins.resolve("cluster-test.jar"));
        // The key in the environment, as an operator's orchestrator hands it to every node; a drain of its own
        // (the test run sets PORTAL_HTTP_DRAIN_DELAY=0 for every other server).
        ServeProcess node = ServeProcess.start(PortalkitCli.jar(), NODE_JVM, Map.of("PORTAL_FILES_LINK_SECRET", LINK_SECRET,
                "PORTAL_HTTP_DRAIN_DELAY", Integer.toString(DRAIN_DELAY)), tmp, withCommon(data));
        nodes.add(node);
        apis.add(new ApiClient(node.uri()));
        return node;
    }

    static Path dataDir(int node) {
        return tmp.resolve("node-" + node);
    }

    static String[] withCommon(Path dataDir, String... arguments) {
        return Stream.concat(Stream.of(arguments), Stream.of("--config", config.toString(), "--data-dir", dataDir.toString()))
                .toArray(String[]::new);
    }

    /** The drop-in jar of {@link SlowTaskPlugin}: its class, its service entry and a beans.xml, as a plugin author ships one. */
    static void packTestPlugin(Path jar) throws IOException {
        String name = SlowTaskPlugin.class.getName().replace('.', '/') + ".class";
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar))) {
            out.putNextEntry(new JarEntry(name));
            try (var in = SlowTaskPlugin.class.getClassLoader().getResourceAsStream(name)) {
                in.transferTo(out);
            }
            out.putNextEntry(new JarEntry("META-INF/services/dev.portalkit.api.plugin.PortalPlugin"));
            out.write((SlowTaskPlugin.class.getName() + "\n").getBytes(StandardCharsets.UTF_8));
            out.putNextEntry(new JarEntry("META-INF/beans.xml"));
            out.write("<beans xmlns=\"https://jakarta.ee/xml/ns/jakartaee\" version=\"4.0\" bean-discovery-mode=\"annotated\"/>\n"
                    .getBytes(StandardCharsets.UTF_8));
        }
    }

    @AfterAll
    static void stopCluster() throws Exception {
        if (nginx != null) {
            nginx.close();
        }
        for (ServeProcess node : nodes) {
            node.close();
        }
        if (s3 != null) {
            s3.close();
        }
    }

    @Test
    @Order(1)
    @SuppressWarnings("unchecked")
    void anUploadStartedOnOneNodeIsContinuedOnAnotherAndCompletedOnTheThird() throws Exception {
        List<byte[]> parts = List.of(bytes(5 * 1024 * 1024, 'a'), bytes(5 * 1024 * 1024, 'b'), bytes(123_457, 'c'));
        MessageDigest md5 = MessageDigest.getInstance("MD5");
        long size = 0;
        for (byte[] part : parts) {
            md5.update(part);
            size += part.length;
        }
        String hash = HexFormat.of().formatHex(md5.digest());
        Map<String, Object> upload = ok(apis.get(0).call("files_multipart_start",
                Map.of("name", "rivers.bin", "size", size, "hash", hash), admin));
        Object id = upload.get("id");
        for (int i = 0; i < parts.size(); i++) {
            // Parts 1 and 3 on node 1, part 2 on node 2: any node continues what another started.
            ApiClient node = apis.get(i == 1 ? 2 : 1);
            ok(node.multipart("files_multipart_update", new ApiClient.Multipart().field("id", (String) id)
                    .field("part", Integer.toString(i + 1)).file("upload", "part", "application/octet-stream", parts.get(i)), admin));
        }
        Map<String, Object> file = ok(apis.get(2).call("files_multipart_complete", Map.of("id", id), admin));
        assertThat(file).containsEntry("size", (int) size).containsEntry("hash", hash);
        for (ApiClient node : apis) {
            ApiClient.Download download = node.download("files/download/" + file.get("id"), admin);
            assertThat(download.status()).isEqualTo(200);
            assertThat(HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(download.body()))).isEqualTo(hash);
        }
    }

    @Test
    @Order(2)
    void aOneTimeLinkUsedAtOnceOnEveryNodeIsServedOnce() throws Exception {
        byte[] content = "served once, whichever node is asked\n".getBytes(StandardCharsets.UTF_8);
        String fileId = (String) ok(apis.get(0).multipart("files_file_create", new ApiClient.Multipart()
                .file("upload", "once.txt", "text/plain", content), admin)).get("id");
        ExecutorService pool = Executors.newFixedThreadPool(12);
        try {
            for (int round = 0; round < 5; round++) {
                String url = (String) ok(apis.get(round % 3).call("files_file_link", Map.of("id", fileId, "type", "one_time"), admin))
                        .get("url");
                String path = URI.create(url).getRawPath();
                CountDownLatch go = new CountDownLatch(1);
                List<Future<ApiClient.Download>> answers = new ArrayList<>();
                for (int i = 0; i < 12; i++) {
                    ApiClient node = apis.get(i % 3);
                    answers.add(pool.submit(() -> {
                        go.await(30, TimeUnit.SECONDS);
                        return node.download(path, null);
                    }));
                }
                go.countDown();
                int served = 0;
                for (Future<ApiClient.Download> answer : answers) {
                    ApiClient.Download download = answer.get(60, TimeUnit.SECONDS);
                    if (download.status() == 200) {
                        served++;
                        assertThat(download.body()).isEqualTo(content);
                    } else {
                        assertThat(download.status()).as(download.text()).isEqualTo(403);
                    }
                }
                assertThat(served).as("round %d: answers with the file", round).isEqualTo(1);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    @Order(3)
    void aNodeWithoutTheSharedKeyDoesNotStart() throws Exception {
        Path data = dataDir(99);
        Path plugins = Files.createDirectories(data.resolve("plugins"));
        Files.copy(Path.of(System.getProperty("storage.plugins.dir", "target/it-plugins")).resolve("portalkit-plugin-storage-s3-plugin.jar"),
                plugins.resolve("portalkit-plugin-storage-s3-plugin.jar"));
        packTestPlugin(plugins.resolve("cluster-test.jar"));
        PortalkitCli.Result refused = cli.run(Map.of(), withCommon(data, "serve", "--port", "0"));
        assertThat(refused.exitCode()).as(refused.stdout()).isNotZero();
        assertThat(refused.stderr()).contains("portal.files.link_secret is not set, so this node generated its own key of download links")
                .contains("PORTAL_FILES_LINK_SECRET").doesNotContain("Exception").doesNotContain(LINK_SECRET);
        // It left no node behind, and the cluster serves on.
        for (ApiClient node : apis) {
            assertThat(node.get("status_show", Map.of(), null).status()).isEqualTo(200);
        }
    }

    @Test
    @Order(4)
    void aTaskHeldByANodeKilledWithMinus9IsFinishedByAnotherAfterItsLease() throws Exception {
        ServeProcess doomed = startNode();
        ApiClient api = apis.get(apis.size() - 1);
        Path marks = Files.createDirectories(tmp.resolve("task-marks"));
        // The task runs right after the action's commit, on the node that answered: its request waits for it.
        CompletableFuture<Reply> call = CompletableFuture.supplyAsync(() -> api.call("cluster_slow_task",
                Map.of("folder", marks.toString(), "millis", 3000), admin));
        Path started = marks.resolve("started-" + doomed.pid() + "-1");
        waitFor(() -> Files.exists(started), Duration.ofSeconds(60), "the task started on the doomed node");
        doomed.kill();
        assertThat(call).failsWithin(Duration.ofSeconds(30));
        // Another node takes the task over once the lease of the dead one ran out, and finishes it, once.
        waitFor(() -> finished(marks).size() == 1, Duration.ofSeconds(TASK_LEASE + 60L), "another node finished the task");
        Thread.sleep(TimeUnit.SECONDS.toMillis(2));
        List<String> finished = finished(marks);
        assertThat(finished).hasSize(1);
        assertThat(finished.get(0)).doesNotStartWith("finished-" + doomed.pid() + "-")
                .matches("finished-(" + nodes.get(0).pid() + "|" + nodes.get(1).pid() + "|" + nodes.get(2).pid() + ")-\\d+");
        nodes.remove(doomed);
        apis.remove(api);
    }

    @Test
    @Order(5)
    void aNodeStoppedWithSigtermUnderLoadThroughTheBalancerDropsNoRequest() throws Exception {
        assertThat(Nginx.present()).as("Debian's nginx at " + Nginx.BINARY + " (.ci/run installs it)").isTrue();
        byte[] small = bytes(4096, 'q');
        String fileId = (String) ok(apis.get(0).multipart("files_file_create", new ApiClient.Multipart()
                .file("upload", "small.bin", "application/octet-stream", small), admin)).get("id");
        ServeProcess victim = nodes.get(nodes.size() - 1);
        ApiClient direct = apis.get(apis.size() - 1);
        ApiClient balanced = new ApiClient(nginx.uri());
        java.util.concurrent.atomic.AtomicBoolean stop = new java.util.concurrent.atomic.AtomicBoolean();
        java.util.concurrent.atomic.AtomicInteger served = new java.util.concurrent.atomic.AtomicInteger();
        List<String> failures = new java.util.concurrent.CopyOnWriteArrayList<>();
        ExecutorService clients = Executors.newFixedThreadPool(5);
        List<Future<?>> load = new ArrayList<>();
        for (int c = 0; c < 4; c++) {
            load.add(clients.submit(() -> {
                // Bounded: 4000 requests or two minutes per client.
                long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
                for (int i = 0; i < 4000 && !stop.get() && System.nanoTime() < deadline; i++) {
                    try {
                        if (i % 2 == 0) {
                            ApiClient.Download d = balanced.download("files/download/" + fileId, admin);
                            if (d.status() != 200 || d.body().length != small.length) {
                                failures.add("download: " + d.status() + " " + d.text());
                            }
                        } else {
                            Reply r = balanced.get("status_show", Map.of(), null);
                            if (r.status() != 200) {
                                failures.add("status_show: " + r.status() + " " + r.body());
                            }
                        }
                        served.incrementAndGet();
                    } catch (RuntimeException e) {
                        failures.add("request failed: " + e);
                    }
                }
            }));
        }
        waitFor(() -> served.get() >= 40, Duration.ofSeconds(60), "the load runs");

        // An upload in flight on the stopping node, its body trickling in over about three seconds.
        byte[] slowContent = bytes(192 * 1024, 's');
        Future<Reply> slowUpload = clients.submit(() -> direct.multipart("files_file_create", new ApiClient.Multipart()
                .file("upload", "slow.bin", "application/octet-stream", trickle(slowContent, 8 * 1024, 120)), admin));
        Thread.sleep(500);
        victim.sigterm();
        // Readiness goes DOWN first, while the node still answers (the drain delay), and liveness stays UP.
        HttpClient probe = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        boolean sawDown = false;
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!sawDown && System.nanoTime() < until) {
            HttpResponse<String> ready = probe.send(HttpRequest.newBuilder(victim.uri().resolve("health/ready")).build(),
                    HttpResponse.BodyHandlers.ofString());
            if (ready.statusCode() == 503) {
                sawDown = true;
                assertThat(ready.body()).contains("\"status\":\"DOWN\"");
                assertThat(probe.send(HttpRequest.newBuilder(victim.uri().resolve("health/live")).build(),
                        HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(200);
            } else {
                Thread.sleep(50);
            }
        }
        assertThat(sawDown).as("readiness DOWN during the drain").isTrue();
        assertThat(victim.awaitExit()).as(victim.stderr()).isIn(0, 143);
        Reply uploaded = slowUpload.get(60, TimeUnit.SECONDS);
        assertThat(uploaded.status()).as("the upload in flight finished: " + uploaded.body()).isEqualTo(200);
        int before = served.get();
        waitFor(() -> served.get() >= before + 40, Duration.ofSeconds(60), "the load goes on without the stopped node");
        stop.set(true);
        for (Future<?> client : load) {
            client.get(3, TimeUnit.MINUTES);
        }
        clients.shutdownNow();
        assertThat(failures).as("failed requests through the balancer (of %d); nginx: %s", served.get(), nginx.log()).isEmpty();
        // The upload's bytes are whole on the other nodes.
        ApiClient.Download back = apis.get(0).download("files/download/" + ((Map<?, ?>) uploaded.result()).get("id"), admin);
        assertThat(back.body()).isEqualTo(slowContent);
        nodes.remove(victim);
        apis.remove(direct);
    }

    private static List<String> finished(Path marks) {
        try (Stream<Path> files = Files.list(marks)) {
            return files.map(p -> p.getFileName().toString()).filter(n -> n.startsWith("finished-")).toList();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    static void waitFor(java.util.function.BooleanSupplier condition, Duration limit, String what) throws InterruptedException {
        long deadline = System.nanoTime() + limit.toNanos();
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as("waiting until " + what).isLessThan(deadline);
            Thread.sleep(100);
        }
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> ok(Reply reply) {
        assertThat(reply.status()).as(reply.body()).isEqualTo(200);
        return (Map<String, Object>) reply.result();
    }

    /** {@code content} in pieces of {@code piece} bytes, one every {@code pauseMillis}: a slow client's body. */
    static HttpRequest.BodyPublisher trickle(byte[] content, int piece, long pauseMillis) {
        return HttpRequest.BodyPublishers.ofInputStream(() -> new java.io.InputStream() {
            private int at;

            @Override
            public int read() {
                byte[] one = new byte[1];
                return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
            }

            @Override
            public int read(byte[] into, int offset, int length) {
                if (at >= content.length) {
                    return -1;
                }
                try {
                    Thread.sleep(pauseMillis);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return -1;
                }
                int n = Math.min(Math.min(length, piece), content.length - at);
                System.arraycopy(content, at, into, offset, n);
                at += n;
                return n;
            }
        });
    }

    static byte[] bytes(int size, char fill) {
        byte[] b = new byte[size];
        java.util.Arrays.fill(b, (byte) fill);
        return b;
    }
}
