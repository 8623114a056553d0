package dev.portalkit.integration.web;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portalkit.api.files.Capability;
import dev.portalkit.api.files.FileData;
import dev.portalkit.api.files.Location;
import dev.portalkit.api.files.ManagedStorage;
import dev.portalkit.integration.testing.ApiClient;
import dev.portalkit.integration.testing.ApiClient.Reply;
import dev.portalkit.integration.testing.HttpPortal;
import dev.portalkit.integration.testing.HttpPortal.Account;
import dev.portalkit.runtime.core.CoreConfig;
import dev.portalkit.runtime.files.FilesPlugin;
import dev.portalkit.runtime.files.managed.ManagedStorageImpl;
import dev.portalkit.runtime.files.fs.FsStorage;
import dev.portalkit.runtime.files.tracked.FileApiConfig;
import dev.portalkit.runtime.task.TaskRecord;
import dev.portalkit.runtime.testing.TestDb;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The race suite of issue 11: over HTTP (the real Jetty server), {@value #DEFAULT_CLIENTS} clients
 * — sysadmins and ordinary users who may upload — each send {@value #DEFAULT_OPERATIONS} mixed
 * operations (create, show, download, rename, pin / unpin, transfer, delete, link and its use) on
 * one shared set of files in the default storage, on H2 and on PostgreSQL. Nothing may be answered
 * with a 5xx; a downloaded file always has the bytes it was created with; and at the end, once the
 * pending post-commit tasks ran, the database and the storage agree: every record has its bytes
 * with the recorded size and hash, and there are no bytes without a record (nor leftovers in the
 * storage's temporary folder).
 *
 * <p>Longer runs: {@code -Dportalkit.race.operations=5000} (per client) and
 * {@code -Dportalkit.race.clients=32}, e.g.
 * {@code mvn -pl portal-integration verify -Dtest=FileRaceHttpTest -Dportalkit.race.operations=5000}.
 */
@ParameterizedClass(name = "{0}")
@EnumSource(TestDb.class)
class FileRaceHttpTest {
    static final int DEFAULT_CLIENTS = 16;
    static final int DEFAULT_OPERATIONS = 500;
    private static final int CLIENTS = Integer.getInteger("portalkit.race.clients", DEFAULT_CLIENTS);
    private static final int OPERATIONS = Integer.getInteger("portalkit.race.operations", DEFAULT_OPERATIONS);
    /** About as many files as clients are shared: most operations meet others on the same file. */
    private static final int SHARED_FILES = 16;
    private static final Set<Integer> EXPECTED_REFUSALS = Set.of(400, 403, 404, 409);

    @Parameter
    TestDb db;

    /** A file the clients know of: its id and the MD5 of the bytes it was created with. */
    private record Known(String id, String md5) {
    }

    private final List<Known> files = new CopyOnWriteArrayList<>();
    private final Map<String, AtomicInteger> outcomes = new ConcurrentHashMap<>();
    private final List<String> serverErrors = new CopyOnWriteArrayList<>();
    private final List<String> wrongBytes = new CopyOnWriteArrayList<>();

    @Test
    void mixedOperationsOnSharedFilesNeverAnswer5xxAndLeaveDatabaseAndStorageInAgreement() throws Exception {
        try (HttpPortal http = HttpPortal.start(HttpPortal.builder().db(db)
                .option(CoreConfig.DB_POOL_SIZE, "10")
                .option(FileApiConfig.AUTHENTICATED_UPLOADS_ALLOW, "true"))) {
            List<Account> accounts = new ArrayList<>();
            for (int i = 0; i < CLIENTS; i++) {
                accounts.add(i % 2 == 0 ? http.newSysadmin("race-admin") : http.newUser("race-user"));
            }
            Random setup = new Random(11);
            for (int i = 0; i < SHARED_FILES; i++) {
                Account owner = accounts.get(i % accounts.size());
                create(http.api(), owner, setup);
            }
            ExecutorService pool = Executors.newFixedThreadPool(CLIENTS);
            try {
                List<Future<?>> running = new ArrayList<>();
                for (int c = 0; c < CLIENTS; c++) {
                    Account me = accounts.get(c);
                    Random random = new Random(1000L + c);
                    ApiClient api = new ApiClient(http.uri());
                    running.add(pool.submit(() -> {
                        for (int op = 0; op < OPERATIONS; op++) {
                            operate(api, me, accounts, random);
                        }
                        return null;
                    }));
                }
                for (Future<?> f : running) {
                    f.get(10, TimeUnit.MINUTES);
                }
            } finally {
                pool.shutdownNow();
            }
            System.out.printf("race on %s: %d clients x %d operations: %s%n", db, CLIENTS, OPERATIONS, new TreeMap<>(outcomes));
            assertThat(serverErrors).as("5xx answers (outcomes: %s)", new TreeMap<>(outcomes)).isEmpty();
            assertThat(wrongBytes).as("downloads that did not give the file's bytes").isEmpty();
            assertThat(outcomes.keySet()).as("every kind of operation succeeded at least once: %s", new TreeMap<>(outcomes))
                    .contains("create 200", "show 200", "download 200", "rename 200", "pin 200", "transfer 200", "delete 200",
                            "link-use 200");
            runPendingTasks(http);
            assertDatabaseAndStorageAgree(http);
        }
    }

    // ---- the operations --------------------------------------------------------------------------

    private void operate(ApiClient api, Account me, List<Account> accounts, Random random) {
        int dice = random.nextInt(100);
        int live = files.size();
        if (live < SHARED_FILES / 2 || (dice < 12 && live < 2 * SHARED_FILES)) {
            create(api, me, random);
            return;
        }
        Object[] shared = files.toArray();
        if (shared.length == 0) {
            create(api, me, random);
            return;
        }
        Known file = (Known) shared[random.nextInt(shared.length)];
        Map<String, Object> id = new LinkedHashMap<>();
        id.put("id", file.id());
        if (dice < 27) {
            record("show", api.call("files_file_show", id, me.token()));
        } else if (dice < 42) {
            ApiClient.Download d = api.download("files/download/" + file.id(), me.token());
            record("download", d.status(), d.text());
            checkBytes(file, d);
        } else if (dice < 54) {
            id.put("name", "renamed-" + random.nextInt(1000) + ".bin");
            record("rename", api.call("files_file_rename", id, me.token()));
        } else if (dice < 64) {
            record("pin", api.call(random.nextBoolean() ? "files_file_pin" : "files_file_unpin", id, me.token()));
        } else if (dice < 74) {
            Account to = random.nextInt(3) == 0 ? me : accounts.get(random.nextInt(accounts.size()));
            id.put("owner_type", "user");
            id.put("owner_id", to.id());
            id.put("force", random.nextBoolean());
            record("transfer", api.call("files_transfer_ownership", id, me.token()));
        } else if (dice < 84) {
            Reply deleted = api.call("files_file_delete", id, me.token());
            record("delete", deleted);
            if (deleted.status() == 200) {
                files.remove(file);
            }
        } else {
            id.put("type", random.nextBoolean() ? "permanent" : "temporal");
            Reply link = api.call("files_file_link", id, me.token());
            record("link", link);
            if (link.status() == 200) {
                String url = String.valueOf(((Map<?, ?>) link.result()).get("url"));
                ApiClient.Download d = api.download(URI.create(url).getRawPath(), null);
                record("link-use", d.status(), d.text());
                checkBytes(file, d);
            }
        }
    }

    private void create(ApiClient api, Account owner, Random random) {
        byte[] content = new byte[1 + random.nextInt(48 * 1024)];
        random.nextBytes(content);
        Reply created = api.multipart("files_file_create", new ApiClient.Multipart()
                .file("upload", "race.bin", "application/octet-stream", content)
                .field("name", "race-" + random.nextInt(100_000) + ".bin"), owner.token());
        record("create", created);
        if (created.status() == 200) {
            files.add(new Known(String.valueOf(((Map<?, ?>) created.result()).get("id")), md5(content)));
        }
    }

    private void checkBytes(Known file, ApiClient.Download d) {
        if (d.status() == 200 && !md5(d.body()).equals(file.md5())) {
            wrongBytes.add(file.id() + ": got " + d.body().length + " bytes with MD5 " + md5(d.body()));
        }
    }

    private void record(String operation, Reply reply) {
        record(operation, reply.status(), reply.body());
    }

    private void record(String operation, int status, String body) {
        outcomes.computeIfAbsent(operation + " " + status, k -> new AtomicInteger()).incrementAndGet();
        if (status >= 500) {
            serverErrors.add(operation + " -> " + status + ": " + body);
        } else if (status != 200 && !EXPECTED_REFUSALS.contains(status)) {
            serverErrors.add(operation + " -> unexpected " + status + ": " + body);
        } else if (status != 200 && !body.contains("\"success\":false")) {
            serverErrors.add(operation + " -> " + status + " without an error envelope: " + body);
        }
    }

    // ---- the end state ---------------------------------------------------------------------------

    private static void runPendingTasks(HttpPortal http) throws InterruptedException {
        var tasks = http.portal().portal().tasks();
        Instant until = Instant.now().plus(Duration.ofMinutes(2));
        while (Instant.now().isBefore(until)) {
            tasks.runDue();
            boolean pending = !tasks.list(TaskRecord.PENDING, 1).isEmpty();
            if (!pending) {
                break;
            }
            Thread.sleep(200);
        }
        assertThat(tasks.list(null, 100_000)).as("post-commit tasks that did not finish")
                .noneMatch(t -> !TaskRecord.DONE.equals(t.status));
    }

    private static void assertDatabaseAndStorageAgree(HttpPortal http) throws IOException {
        FilesPlugin plugin = FilesPlugin.of(http.portal().portal());
        String storageName = FilesPlugin.IMPLICIT_STORAGE;
        ManagedStorage storage = plugin.storages().get(storageName);
        var relocation = plugin.fileApi().relocation();
        List<String> problems = new ArrayList<>();
        List<String> recorded = new ArrayList<>();
        String after = "";
        while (true) {
            List<Map<String, Object>> page = relocation.page(storageName, after, 500);
            if (page.isEmpty()) {
                break;
            }
            for (Map<String, Object> f : page) {
                String location = (String) f.get("location");
                recorded.add(location);
                FileData data = FileData.of(new Location(location));
                if (!storage.manager().exists(data)) {
                    problems.add("record " + f.get("id") + " has no bytes at " + location);
                    continue;
                }
                try (InputStream in = storage.reader().stream(data)) {
                    byte[] bytes = in.readAllBytes();
                    if (bytes.length != ((Number) f.get("size")).longValue() || !md5(bytes).equals(f.get("hash"))) {
                        problems.add("record " + f.get("id") + " says " + f.get("size") + " bytes, MD5 " + f.get("hash")
                                + "; the storage has " + bytes.length + " bytes, MD5 " + md5(bytes));
                    }
                }
            }
            after = (String) page.get(page.size() - 1).get("id");
        }
        assertThat(storage.supports(Capability.SCAN)).isTrue();
        List<String> stored;
        try (Stream<Location> scan = storage.manager().scan()) {
            stored = scan.map(Location::value).toList();
        }
        Set<String> tracked = plugin.fileApi().tracked(storageName, stored);
        for (String location : stored) {
            if (!tracked.contains(location)) {
                problems.add("bytes without a record at " + location);
            }
        }
        Path temp = ((ManagedStorageImpl) storage).adapterAs(FsStorage.class).orElseThrow().root().resolve(FsStorage.RESERVED).resolve("tmp");
        if (Files.isDirectory(temp)) {
            try (Stream<Path> left = Files.list(temp)) {
                left.forEach(p -> problems.add("left in the storage's temporary folder: " + p.getFileName()));
            }
        }
        assertThat(problems).as("%d records, %d stored files", recorded.size(), stored.size()).isEmpty();
        assertThat(recorded).as("files survived the run").isNotEmpty();
    }

    private static String md5(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
