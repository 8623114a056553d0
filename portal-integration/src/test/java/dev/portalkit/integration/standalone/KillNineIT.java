package dev.portalkit.integration.standalone;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portalkit.integration.testing.ApiClient;
import dev.portalkit.integration.testing.ApiClient.Reply;
import dev.portalkit.integration.testing.HttpProbe;
import dev.portalkit.integration.testing.PortalkitCli;
import dev.portalkit.integration.testing.ServeProcess;
import dev.portalkit.runtime.testing.PostgresServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The kill -9 suite: a real {@code portalkit.jar serve} child JVM on H2 (the embedded default) and
 * on PostgreSQL (a real server started by the test run, which outlives the killed portal) takes 20
 * concurrent clients doing uploads ({@code files_file_create}), deletes, transfers
 * ({@code files_transfer_ownership}) and multipart uploads ({@code files_multipart_start / update /
 * complete}); it is killed with SIGKILL at a random point (fixed seed), restarted on the same data
 * directory and checked:
 *
 * <ul>
 *   <li>every operation that answered 200 is there: created files show and download with the hash
 *       of the bytes the client sent, transferred files have their new owner, deleted files are
 *       gone and stay gone (checked again after every later restart);</li>
 *   <li>every record has its bytes with the right hash (every file the portal lists is downloaded
 *       and hashed), so no request left a record without bytes; a record the client never got an
 *       answer for must hold exactly the bytes that request sent;</li>
 *   <li>while the server runs, every request answers 200 (no 5xx under the concurrent load).</li>
 * </ul>
 *
 * <p>{@value #DEFAULT_ROUNDS} rounds per database in the normal test run; more with
 * {@code -Dportalkit.kill9.rounds=N} (and another seed with {@code -Dportalkit.kill9.seed=S}),
 * e.g. {@code mvn -B -ntp verify -pl portal-integration -Dit.test=KillNineIT -Dportalkit.kill9.rounds=30}.
 */
class KillNineIT {
    static final int DEFAULT_ROUNDS = 2;
    static final int CLIENTS = 20;
    static final int ROUNDS = Integer.getInteger("portalkit.kill9.rounds", DEFAULT_ROUNDS);
    static final long SEED = Long.getLong("portalkit.kill9.seed", 20_611L);
    /** 200 answers of a round before the kill may come (so that every kind of operation ran). */
    static final int ANSWERS_BEFORE_KILL = 30;
    /** The server is restarted every round: the C1 compiler and the serial collector bring it up in half the time. */
    static final List<String> SERVER_JVM = List.of("-Xmx256m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC");

    /** Kept after the run (under target/) so that the data directories and the servers' stderr can be looked at. */
    Path tmp;

    @org.junit.jupiter.api.BeforeEach
    void workDir() throws IOException {
        tmp = Files.createTempDirectory(Files.createDirectories(Path.of("target")), "kill9-").toAbsolutePath();
    }

    @Test
    void h2EveryAnsweredOperationSurvivesKillNine() throws Exception {
        new Run(tmp, "h2", List.of(), SEED).run();
    }

    @Test
    void postgresEveryAnsweredOperationSurvivesKillNine() throws Exception {
        String url = PostgresServer.newDatabase();
        new Run(tmp, "postgres", List.of("portal.db.url = " + url, "portal.db.user = postgres", "portal.db.password = postgres"),
                SEED + 1).run();
    }

    /** One database's rounds: the server, the ledger of what answered 200, the checks after each restart. */
    static final class Run {
        private final Path tmp;
        private final String label;
        private final Path dataDir;
        private final Path config;
        private final Path jar = PortalkitCli.jar();
        private final PortalkitCli cli;
        private final Random random;
        private final Ledger ledger = new Ledger();
        private ServeProcess serve;
        private String token;
        private String adminId;
        private final List<String> datasets = new ArrayList<>();

        Run(Path tmp, String label, List<String> configLines, long seed) throws IOException {
            this.tmp = Files.createDirectories(tmp.resolve(label));
            this.label = label;
            this.dataDir = this.tmp.resolve("data");
            this.config = this.tmp.resolve("portal.properties");
            // The 20 clients all come from 127.0.0.1: the per-address body limit (8) would answer some of them 429.
            List<String> lines = new ArrayList<>(List.of("portal.auth.password_iterations = 1000",
                    "portal.http.max_body_reads_per_address = " + CLIENTS));
            lines.addAll(configLines);
            Files.write(config, lines);
            this.cli = new PortalkitCli(jar, this.tmp);
            this.random = new Random(seed);
        }

        private String[] common() {
            return new String[] {"--data-dir", dataDir.toString(), "--config", config.toString()};
        }

        private String[] command(String... words) {
            List<String> all = new ArrayList<>(List.of(words));
            all.addAll(List.of(common()));
            return all.toArray(new String[0]);
        }

        void run() throws Exception {
            serve = ServeProcess.start(jar, SERVER_JVM, tmp, common());
            try {
                setUp();
                for (int round = 1; round <= ROUNDS; round++) {
                    Traffic traffic = new Traffic(new ApiClient(serve.uri()), token, ledger, round, random.nextLong(), datasets, adminId);
                    traffic.start();
                    traffic.awaitAnswers(ANSWERS_BEFORE_KILL);
                    Thread.sleep(random.nextInt(2_000));
                    serve.kill();
                    long killed = System.nanoTime();
                    traffic.stopAndJoin();
                    assertThat(traffic.unexpected).as("%s round %d: answers other than 200 while the server ran", label, round)
                            .isEmpty();
                    serve = ServeProcess.start(jar, SERVER_JVM, tmp, common());
                    long restarted = System.nanoTime();
                    verify(round, traffic);
                    System.out.printf("kill -9 suite, %s round %d: killed after %d answers; restart %d ms, checks of %d files %d ms%n",
                            label, round, traffic.answered.get(), (restarted - killed) / 1_000_000, ledger.files.size(),
                            (System.nanoTime() - restarted) / 1_000_000);
                }
                int exit = serve.stop();
                assertThat(exit).as(serve.stderr()).isIn(0, 143);
            } finally {
                serve.close();
            }
        }

        private void setUp() {
            cli.ok(Map.of(), command("user", "add", "admin", "--email", "admin@example.org", "--password", "a long secret", "--sysadmin"));
            token = cli.ok(Map.of(), command("token", "create", "admin")).lastLine();
            ApiClient api = new ApiClient(serve.uri());
            adminId = (String) dict(api.call("user_show", Map.of("id", "admin"), token)).get("id");
            dict(api.call("organization_create", Map.of("name", "kill9-org"), token));
            for (String name : List.of("kill9-a", "kill9-b", "kill9-c")) {
                datasets.add((String) dict(api.call("package_create", Map.of("name", name, "owner_org", "kill9-org"), token)).get("id"));
            }
        }

        /** The checks after a restart; every failure is collected, then all are reported together. */
        private void verify(int round, Traffic traffic) {
            ApiClient api = new ApiClient(serve.uri());
            HttpProbe http = new HttpProbe(serve.uri());
            List<String> failures = new ArrayList<>();
            for (Tracked t : ledger.files.values()) {
                Reply show = api.call("files_file_show", Map.of("id", t.id), token);
                switch (t.state) {
                    case PRESENT -> {
                        if (show.status() != 200) {
                            failures.add("file " + t.id + " (" + t.name + ") answered 200 (" + t.history + ") but is missing after "
                                    + "the kill: files_file_show " + show.status() + " " + show.body());
                            continue;
                        }
                        checkPresent(t, show, api, http, failures);
                    }
                    case GONE -> {
                        if (show.status() != 404) {
                            failures.add("file " + t.id + " (" + t.name + ") was deleted with a 200 (" + t.history + ") but came back: "
                                    + "files_file_show " + show.status() + " " + show.body());
                        }
                        HttpProbe.Reply download = http.get("files/download/" + t.id, "Authorization", token);
                        if (download.status() != 404) {
                            failures.add("deleted file " + t.id + " downloads with " + download.status());
                        }
                    }
                    case MAYBE_GONE -> {
                        // Its delete got no answer: either outcome is right, but a file that is there has its bytes.
                        if (show.status() == 200) {
                            t.state = State.PRESENT;
                            checkPresent(t, show, api, http, failures);
                        } else if (show.status() == 404) {
                            t.state = State.GONE;
                        } else {
                            failures.add("file " + t.id + ": files_file_show " + show.status() + " " + show.body());
                        }
                    }
                    default -> throw new IllegalStateException(t.state.name());
                }
            }
            // Every record the portal has: its bytes are there, with the record's hash and size.
            int start = 0;
            int count;
            int seen = 0;
            do {
                Map<String, Object> page = dict(api.call("files_file_search", Map.of("rows", 200, "start", start), token));
                count = ((Number) page.get("count")).intValue();
                @SuppressWarnings("unchecked")
                List<Map<String, Object>> results = (List<Map<String, Object>>) page.get("results");
                for (Map<String, Object> record : results) {
                    seen++;
                    String id = (String) record.get("id");
                    String actual = downloadHash(http, id, (String) record.get("hash_algorithm"), failures);
                    if (actual != null && !actual.equals(record.get("hash"))) {
                        failures.add("file " + id + " (" + record.get("name") + "): its bytes hash to " + actual + ", its record says "
                                + record.get("hash"));
                    }
                    if (!ledger.files.containsKey(id)) {
                        // A request that got no answer: if it is recorded, it holds exactly what that request sent.
                        byte[] sent = ledger.unanswered.get((String) record.get("name"));
                        if (sent == null) {
                            failures.add("file " + id + " (" + record.get("name") + ") is recorded, but no request that could have made "
                                    + "it is known");
                        } else if (actual != null && !actual.equals(hex(sent, (String) record.get("hash_algorithm")))) {
                            failures.add("file " + id + " (" + record.get("name") + ") of an unanswered request holds other bytes "
                                    + "than it sent");
                        } else {
                            ledger.files.put(id, new Tracked(id, (String) record.get("name"), sent, "created, unanswered"));
                        }
                    }
                }
                start += results.size();
                if (results.isEmpty()) {
                    break;
                }
            } while (start < count);
            assertThat(seen).as("files_file_search pages").isEqualTo(count);
            ledger.unanswered.clear();
            afterRestartChecks(failures);
            assertThat(failures).as("%s round %d after kill -9 (%d operations answered 200 this round, %d files tracked)", label, round,
                    traffic.answered.get(), ledger.files.size()).isEmpty();
        }

        private void checkPresent(Tracked t, Reply show, ApiClient api, HttpProbe http, List<String> failures) {
            Map<String, Object> file = dict(show);
            String algorithm = (String) file.get("hash_algorithm");
            String expected = hex(t.content, algorithm);
            if (!expected.equals(file.get("hash")) || ((Number) file.get("size")).longValue() != t.content.length) {
                failures.add("file " + t.id + " (" + t.name + "): recorded hash " + file.get("hash") + " / size " + file.get("size")
                        + ", sent " + expected + " / " + t.content.length);
            }
            String downloaded = downloadHash(http, t.id, algorithm, failures);
            if (downloaded != null && !downloaded.equals(expected)) {
                failures.add("file " + t.id + " (" + t.name + "): downloads other bytes than were sent (" + t.history + ")");
            }
            if (t.ownerKnown) {
                if (!t.ownerType.equals(file.get("owner_type")) || !t.ownerId.equals(file.get("owner_id"))) {
                    Reply transfers = api.call("files_file_show", Map.of("id", t.id, "include_transfers", true), token);
                    failures.add("file " + t.id + " (" + t.name + "): owner " + file.get("owner_type") + " " + file.get("owner_id")
                            + " after the kill; the last transfer that answered 200 gave it to " + t.ownerType + " " + t.ownerId
                            + " (" + t.history + "; recorded transfers: " + dict(transfers).get("transfers") + ")");
                }
            } else {
                t.ownerType = (String) file.get("owner_type");
                t.ownerId = (String) file.get("owner_id");
                t.ownerKnown = true;
            }
        }

        /** The hash of what {@code /files/download/{id}} sends, or null (a failure noted) when it does not send the file. */
        private String downloadHash(HttpProbe http, String id, String algorithm, List<String> failures) {
            HttpResponse<InputStream> response = http.stream("files/download/" + id, "Authorization", token);
            try (InputStream in = response.body()) {
                if (response.statusCode() != 200) {
                    failures.add("file " + id + " is recorded but its bytes are not there: /files/download answers "
                            + response.statusCode() + " " + new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8));
                    return null;
                }
                MessageDigest digest = digest(algorithm);
                byte[] buffer = new byte[64 * 1024];
                for (int n; (n = in.read(buffer)) > 0; ) {
                    digest.update(buffer, 0, n);
                }
                return HexFormat.of().formatHex(digest.digest());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        /**
         * After every restart, with the server up: no spool file of the killed server survives the
         * start-up sweep (no request has uploaded since the restart), and {@code files verify --hashes},
         * run through the server's command socket, finds nothing wrong (exit 0): every record has its
         * bytes with its hash, no multipart upload or orphan is stale.
         */
        private void afterRestartChecks(List<String> failures) {
            Path spools = dataDir.resolve("tmp");
            if (Files.isDirectory(spools)) {
                try (java.util.stream.Stream<Path> files = Files.walk(spools)) {
                    List<Path> left = files.filter(Files::isRegularFile).filter(f -> f.getFileName().toString().endsWith(".part"))
                            .toList();
                    if (!left.isEmpty()) {
                        failures.add("spool files survived the start-up sweep: " + left);
                    }
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
            PortalkitCli.Result verify = cli.run(Map.of(), command("files", "verify", "--hashes"));
            if (verify.exitCode() != 0) {
                failures.add("files verify --hashes exited " + verify.exitCode() + ": " + verify.stdout() + verify.stderr());
            }
        }
    }

    /** What the clients were told: the files whose creation answered 200, and the content of requests that got no answer. */
    static final class Ledger {
        final Map<String, Tracked> files = new ConcurrentHashMap<>();
        /** Name to content of creates (and multipart completions) cut off by the kill: they may or may not be recorded. */
        final Map<String, byte[]> unanswered = new ConcurrentHashMap<>();
    }

    enum State { PRESENT, GONE, MAYBE_GONE }

    /** A file a client created (answered 200) and what happened to it since. */
    static final class Tracked {
        final String id;
        final String name;
        final byte[] content;
        final List<String> history = new CopyOnWriteArrayList<>();
        volatile State state = State.PRESENT;
        volatile String ownerType;
        volatile String ownerId;
        volatile boolean ownerKnown;

        Tracked(String id, String name, byte[] content, String how) {
            this.id = id;
            this.name = name;
            this.content = content;
            history.add(how);
        }
    }

    /** The 20 clients of one round. Each works on files it created itself, so their operations never race each other. */
    static final class Traffic {
        private final ApiClient api;
        private final String token;
        private final Ledger ledger;
        private final int round;
        private final long seed;
        private final List<String> datasets;
        private final String adminId;
        private final AtomicBoolean killed = new AtomicBoolean();
        private final List<Thread> threads = new ArrayList<>();
        final AtomicInteger answered = new AtomicInteger();
        final List<String> unexpected = new CopyOnWriteArrayList<>();

        Traffic(ApiClient api, String token, Ledger ledger, int round, long seed, List<String> datasets, String adminId) {
            this.api = api;
            this.token = token;
            this.ledger = ledger;
            this.round = round;
            this.seed = seed;
            this.datasets = datasets;
            this.adminId = adminId;
        }

        void start() {
            for (int c = 0; c < CLIENTS; c++) {
                int client = c;
                Thread t = new Thread(() -> client(client, new Random(seed * 1_000 + client)), "kill9-client-" + c);
                t.setDaemon(true);
                threads.add(t);
                t.start();
            }
        }

        /** Waits (two minutes at most) until {@code n} operations answered 200. */
        void awaitAnswers(int n) throws InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
            while (answered.get() < n && System.nanoTime() < deadline && unexpected.isEmpty()) {
                Thread.sleep(20);
            }
            assertThat(unexpected).as("answers other than 200 while the server ran").isEmpty();
            assertThat(answered.get()).as("operations answered before the kill").isGreaterThanOrEqualTo(n);
        }

        /** After the kill: the clients stop starting operations; their cut-off requests end with connection errors. */
        void stopAndJoin() throws InterruptedException {
            killed.set(true);
            for (Thread t : threads) {
                t.join(TimeUnit.MINUTES.toMillis(2));
                assertThat(t.isAlive()).as(t.getName() + " ended").isFalse();
            }
        }

        private void client(int client, Random random) {
            List<Tracked> mine = new ArrayList<>();
            int n = 0;
            while (!killed.get()) {
                n++;
                String name = "k9-r" + round + "-c" + client + "-" + n + ".bin";
                int pick = random.nextInt(100);
                List<Tracked> present = mine.stream().filter(t -> t.state == State.PRESENT).toList();
                if (pick < 40 || present.isEmpty()) {
                    create(name, content(random), mine);
                } else if (pick < 60) {
                    delete(present.get(random.nextInt(present.size())));
                } else if (pick < 75) {
                    transfer(present.get(random.nextInt(present.size())), random);
                } else {
                    multipart(name, content(random), random, mine);
                }
            }
        }

        private static byte[] content(Random random) {
            int kind = random.nextInt(100);
            int size = kind < 70 ? 1 + random.nextInt(64 * 1024) : kind < 95 ? 64 * 1024 + random.nextInt(960 * 1024)
                    : 1024 * 1024 + random.nextInt(3 * 1024 * 1024);
            byte[] bytes = new byte[size];
            random.nextBytes(bytes);
            return bytes;
        }

        /** The answer, or null when the request was cut off (no answer: its outcome is unknown). */
        private Reply send(String action, java.util.function.Supplier<Reply> request) {
            boolean before = !killed.get();
            try {
                Reply reply = request.get();
                if (reply.status() == 200) {
                    answered.incrementAndGet();
                } else {
                    unexpected.add(action + " answered " + reply.status() + ": " + reply.body());
                }
                return reply;
            } catch (UncheckedIOException e) {
                if (before && !killed.get()) {
                    // A connection error while the server is up: wait for the kill to show it (the JVM may be dying already).
                    try {
                        Thread.sleep(200);
                    } catch (InterruptedException interrupted) {
                        Thread.currentThread().interrupt();
                    }
                    if (!killed.get()) {
                        unexpected.add(action + ": connection failed while the server ran: " + e.getMessage());
                    }
                }
                return null;
            }
        }

        private void create(String name, byte[] content, List<Tracked> mine) {
            Reply reply = send("files_file_create", () -> api.multipart("files_file_create", new ApiClient.Multipart()
                    .field("name", name).file("upload", name, "application/octet-stream", content), token));
            if (reply == null) {
                ledger.unanswered.put(name, content);
            } else if (reply.status() == 200) {
                Tracked t = new Tracked((String) dict(reply).get("id"), name, content, "files_file_create");
                t.ownerType = "user";
                t.ownerId = adminId;
                t.ownerKnown = true;
                mine.add(t);
                ledger.files.put(t.id, t);
            }
        }

        private void delete(Tracked t) {
            Reply reply = send("files_file_delete", () -> api.call("files_file_delete", Map.of("id", t.id), token));
            if (reply == null) {
                t.state = State.MAYBE_GONE;
                t.history.add("files_file_delete (no answer)");
            } else if (reply.status() == 200) {
                t.state = State.GONE;
                t.history.add("files_file_delete");
            }
        }

        private void transfer(Tracked t, Random random) {
            boolean toDataset = random.nextInt(3) > 0;
            String type = toDataset ? "package" : "user";
            String id = toDataset ? datasets.get(random.nextInt(datasets.size())) : adminId;
            Map<String, Object> data = new LinkedHashMap<>();
            data.put("id", t.id);
            data.put("owner_type", type);
            data.put("owner_id", id);
            Reply reply = send("files_transfer_ownership", () -> api.call("files_transfer_ownership", data, token));
            if (reply == null) {
                t.ownerKnown = false;
                t.history.add("files_transfer_ownership to " + type + " (no answer)");
            } else if (reply.status() == 200) {
                t.ownerType = type;
                t.ownerId = id;
                t.ownerKnown = true;
                t.history.add("files_transfer_ownership to " + type);
            }
        }

        private void multipart(String name, byte[] content, Random random, List<Tracked> mine) {
            Reply started = send("files_multipart_start", () -> api.call("files_multipart_start",
                    Map.of("name", name, "size", content.length), token));
            if (started == null || started.status() != 200) {
                return;
            }
            String upload = (String) dict(started).get("id");
            int parts = Math.min(content.length, 1 + random.nextInt(3));
            int partSize = (content.length + parts - 1) / parts;
            for (int p = 0; p < parts; p++) {
                int from = p * partSize;
                byte[] part = java.util.Arrays.copyOfRange(content, Math.min(from, content.length), Math.min(from + partSize, content.length));
                String number = Integer.toString(p + 1);
                Reply updated = send("files_multipart_update", () -> api.multipart("files_multipart_update", new ApiClient.Multipart()
                        .field("id", upload).field("part", number).file("upload", name, "application/octet-stream", part), token));
                if (updated == null || updated.status() != 200) {
                    return;
                }
            }
            Reply completed = send("files_multipart_complete", () -> api.call("files_multipart_complete", Map.of("id", upload), token));
            if (completed == null) {
                ledger.unanswered.put(name, content);
            } else if (completed.status() == 200) {
                Tracked t = new Tracked((String) dict(completed).get("id"), name, content, "files_multipart_complete");
                t.ownerType = "user";
                t.ownerId = adminId;
                t.ownerKnown = true;
                mine.add(t);
                ledger.files.put(t.id, t);
            }
        }
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> dict(Reply reply) {
        assertThat(reply.status()).as(reply.body()).isEqualTo(200);
        return (Map<String, Object>) reply.result();
    }

    static MessageDigest digest(String algorithm) {
        String name = switch (algorithm == null ? "" : algorithm.toLowerCase(Locale.ROOT)) {
            case "md5" -> "MD5";
            case "sha1", "sha-1" -> "SHA-1";
            case "sha256", "sha-256" -> "SHA-256";
            case "sha512", "sha-512" -> "SHA-512";
            default -> throw new AssertionError("unknown hash algorithm " + algorithm);
        };
        try {
            return MessageDigest.getInstance(name);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static String hex(byte[] content, String algorithm) {
        return HexFormat.of().formatHex(digest(algorithm).digest(content));
    }
}
