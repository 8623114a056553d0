package dev.portalkit.storage.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.portalkit.api.ErrorKind;
import dev.portalkit.api.PortalException;
import dev.portalkit.api.files.FileData;
import dev.portalkit.api.files.FilesException;
import dev.portalkit.api.files.Location;
import dev.portalkit.api.files.ManagedStorage;
import dev.portalkit.api.files.MultipartData;
import dev.portalkit.api.files.Upload;
import dev.portalkit.runtime.cli.PortalCli;
import dev.portalkit.runtime.files.FilesPlugin;
import dev.portalkit.runtime.testing.TestPortal;
import dev.portalkit.testservers.RedisServers;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.params.ScanParams;
import redis.clients.jedis.resps.ScanResult;

/** What the contract does not cover: the key layout (one string per file), staging, ranges of plain and assembled files, server-side copies, SCAN paging, named storages, secrets, faults. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RedisStorageTest {
    private static final int CHUNK = 64 * 1024;
    private final AtomicInteger counter = new AtomicInteger();
    private RedisServers.Server redis;
    private TestPortal portal;

    @BeforeAll
    void start() {
        redis = RedisServers.shared();
        portal = TestPortal.builder().plugins("storage-redis").runPendingTasks(false).start();
    }

    @AfterAll
    void stop() {
        portal.close();
    }

    private ManagedStorage storage(String... keyValues) {
        Map<String, String> all = new LinkedHashMap<>();
        all.put("type", RedisStorageFactory.TYPE);
        all.put("url", redis.url(4));
        all.put("chunk_size", "64KiB");
        for (int i = 0; i < keyValues.length; i += 2) {
            all.put(keyValues[i], keyValues[i + 1]);
        }
        return FilesPlugin.of(portal.portal()).openStorage("r" + counter.incrementAndGet() + "p" + ProcessHandle.current().pid(), all);
    }

    private static String prefix(ManagedStorage storage) {
        return "portal:files:" + storage.name() + ":file_content:";
    }

    private Jedis jedis(int db) {
        Jedis jedis = new Jedis("127.0.0.1", redis.port());
        jedis.select(db);
        return jedis;
    }

    /** Every key under {@code prefix}, by SCAN. */
    private List<String> keys(int db, String prefix) {
        List<String> out = new ArrayList<>();
        try (Jedis jedis = jedis(db)) {
            String cursor = ScanParams.SCAN_POINTER_START;
            do {
                ScanResult<String> page = jedis.scan(cursor, new ScanParams().match(RedisStorage.glob(prefix) + "*").count(1000));
                out.addAll(page.getResult());
                cursor = page.getCursor();
            } while (!cursor.equals(ScanParams.SCAN_POINTER_START));
        }
        return out;
    }

    private static byte[] content(int size) {
        byte[] out = new byte[size];
        for (int i = 0; i < size; i++) {
            out[i] = (byte) (i * 31 + i / 977);
        }
        return out;
    }

    private static String md5(byte[] content) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(content));
    }

    private static byte[] read(InputStream in) throws IOException {
        try (in) {
            return in.readAllBytes();
        }
    }

    // ---- layout -----------------------------------------------------------------------------------------

    @Test
    void aFileIsTheStringAtPrefixPlusLocationThatAPlainGetReturnsBesideItsMetaHash() throws Exception {
        ManagedStorage storage = storage();
        String prefix = prefix(storage);
        storage.uploader().upload(new Location("hello.txt"), Upload.of("hello world".getBytes(StandardCharsets.UTF_8), "hello.txt",
                "text/plain"), false);
        byte[] data = content(200_000);
        storage.uploader().upload(new Location("dir/data.bin"), Upload.of(data, "data.bin", null), false);
        assertThat(keys(4, prefix)).containsExactlyInAnyOrder(prefix + "hello.txt", prefix + "dir/data.bin",
                prefix + "/meta/hello.txt", prefix + "/meta/dir/data.bin");
        try (Jedis jedis = jedis(4)) {
            // What `redis-cli GET <prefix>hello.txt` answers, as in ckanext-files.
            assertThat(jedis.get(prefix + "hello.txt")).isEqualTo("hello world");
            assertThat(jedis.get(RedisStorage.bytes(prefix + "dir/data.bin"))).isEqualTo(data);
            assertThat(jedis.ttl(prefix + "dir/data.bin")).as("committed content does not expire").isEqualTo(-1);
            assertThat(jedis.hgetAll(prefix + "/meta/dir/data.bin")).containsEntry("hash", md5(data)).containsEntry("hash_algorithm", "md5")
                    .containsKey("content_type");
        }
        assertThat(read(storage.reader().stream(FileData.of(new Location("dir/data.bin"))))).isEqualTo(data);
        assertThat(storage.manager().remove(FileData.of(new Location("dir/data.bin")))).isTrue();
        assertThat(storage.manager().remove(FileData.of(new Location("hello.txt")))).isTrue();
        assertThat(keys(4, prefix)).isEmpty();
        storage.close();
    }

    @Test
    void aStringThatCkanextFilesWroteUnderItsPrefixIsAFileHere() throws Exception {
        String prefix = "ckanext:files:p" + ProcessHandle.current().pid() + ":file_content:";
        try (Jedis jedis = jedis(4)) {
            jedis.set(prefix + "24d27fb9-a5f0-42f6-aaa3-7dcb599a0d46", "hello world");
        }
        ManagedStorage storage = storage("prefix", prefix);
        Location location = new Location("24d27fb9-a5f0-42f6-aaa3-7dcb599a0d46");
        assertThat(storage.manager().scan().toList()).containsExactly(location);
        assertThat(read(storage.reader().stream(FileData.of(location)))).isEqualTo("hello world".getBytes(StandardCharsets.UTF_8));
        assertThat(storage.manager().analyze(location).hash()).isEqualTo(md5("hello world".getBytes(StandardCharsets.UTF_8)));
        assertThat(storage.manager().remove(FileData.of(location))).isTrue();
        assertThat(keys(4, prefix)).isEmpty();
        storage.close();
    }

    @Test
    void aFileLargerThanTheServersLargestStringIsRefusedAsTooLargeAndLeavesNoKey() throws Exception {
        try (RedisServers.Server small = RedisServers.start(null, null); Jedis admin = new Jedis("127.0.0.1", small.port())) {
            admin.configSet("proto-max-bulk-len", "1mb");
            Map<String, String> options = new LinkedHashMap<>();
            options.put("type", RedisStorageFactory.TYPE);
            options.put("url", small.url(0));
            options.put("chunk_size", "64KiB");
            ManagedStorage storage = FilesPlugin.of(portal.portal()).openStorage("small" + counter.incrementAndGet(), options);
            assertThatThrownBy(() -> storage.uploader().upload(new Location("big.bin"), Upload.of(content(1_200_000), "big.bin", null), false))
                    .isInstanceOfSatisfying(FilesException.class, e -> {
                        assertThat(e.kind()).isEqualTo(ErrorKind.TOO_LARGE);
                        assertThat(e.getMessage()).contains("storage " + storage.name(), "proto-max-bulk-len");
                    });
            assertThat(admin.dbSize()).isZero();
            storage.close();
        }
    }

    @Test
    void contentBeingWrittenIsStagedWithAnExpiryAndARefusedUploadLeavesNoKey() {
        ManagedStorage storage = storage("max_size", "300KB", "staging_ttl", "600");
        String prefix = prefix(storage);
        AtomicReference<List<String>> midway = new AtomicReference<>();
        AtomicReference<Long> ttl = new AtomicReference<>();
        InputStream big = new InputStream() {
            private int sent;

            @Override
            public int read() {
                if (sent == 200_000) {
                    // Half-way: the staging string is there, expiring; the file is not.
                    midway.set(keys(4, prefix));
                    try (Jedis jedis = jedis(4)) {
                        ttl.set(jedis.pttl(midway.get().get(0)));
                    }
                    assertThat(storage.manager().exists(FileData.of(new Location("big.bin")))).isFalse();
                }
                return sent++ < 1_000_000 ? 'x' : -1;
            }
        };
        assertThatThrownBy(() -> storage.uploader().upload(new Location("big.bin"), Upload.of(big, "big.bin", null, -1), false))
                .isInstanceOfSatisfying(FilesException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.TOO_LARGE));
        assertThat(midway.get()).hasSize(1).allMatch(k -> k.startsWith(prefix + "/staging/"));
        assertThat(ttl.get()).isBetween(1L, 600_000L);
        assertThat(keys(4, prefix)).as("the refused upload unlinked what it wrote").isEmpty();
        storage.close();
    }

    // ---- ranges -----------------------------------------------------------------------------------------

    @Test
    void rangesAreCutFromPlainAndAssembledFiles() throws Exception {
        ManagedStorage storage = storage();
        byte[] data = content(170_005);
        storage.uploader().upload(new Location("plain.bin"), Upload.of(data, "plain.bin", null), false);
        MultipartData upload = storage.uploader().multipart().orElseThrow().start(new MultipartData(new Location("parts.bin"), data.length, null,
                md5(data), Map.of()));
        int[][] parts = {{0, 100_000}, {100_000, 70_000}, {170_000, 5}};
        for (int p = parts.length; p >= 1; p--) {
            upload = storage.uploader().multipart().orElseThrow().update(upload, p, Upload.of(Arrays.copyOfRange(data, parts[p - 1][0],
                    parts[p - 1][0] + parts[p - 1][1]), "p", null));
        }
        FileData assembled = storage.uploader().multipart().orElseThrow().complete(upload);
        assertThat(assembled.hash()).isEqualTo(md5(data));
        long[][] ranges = {{0, 10}, {65_530, 65_542}, {99_990, 100_010}, {131_000, 131_100}, {169_990, 170_005}, {65_536, 131_072},
            {0, 170_005}, {170_004, 200_000}, {170_005, 170_006}};
        for (String name : List.of("plain.bin", "parts.bin")) {
            for (long[] r : ranges) {
                byte[] got = read(storage.reader().range(FileData.of(new Location(name)), r[0], r[1]));
                int from = (int) Math.min(r[0], data.length);
                int to = (int) Math.min(r[1], data.length);
                assertThat(got).as(name + " " + r[0] + ".." + r[1]).isEqualTo(Arrays.copyOfRange(data, from, to));
            }
        }
        // Assembled from parts, the file has no hash of the adapter's: analyze reads it once and remembers it.
        assertThat(storage.manager().analyze(new Location("parts.bin")).hash()).isEqualTo(md5(data));
        try (Jedis jedis = jedis(4)) {
            assertThat(jedis.hget(prefix(storage) + "/meta/parts.bin", "hash")).isEqualTo(md5(data));
        }
        storage.close();
    }

    // ---- multipart, copy, move ----------------------------------------------------------------------------

    @Test
    void aPartSentAgainReplacesItsStringAndNeitherACompletedNorAnAbortedUploadLeavesAStagingKey() throws Exception {
        ManagedStorage storage = storage();
        String prefix = prefix(storage);
        byte[] data = content(150_000);
        MultipartData upload = storage.uploader().multipart().orElseThrow().start(new MultipartData(new Location("m.bin"), data.length, null, "", Map.of()));
        upload = storage.uploader().multipart().orElseThrow().update(upload, 1, Upload.of(Arrays.copyOf(data, 100_000), "p1", null));
        upload = storage.uploader().multipart().orElseThrow().update(upload, 2, Upload.of(new byte[120_000], "p2", null));
        assertThat(keys(4, prefix + "/staging/")).hasSize(2);
        upload = storage.uploader().multipart().orElseThrow().update(upload, 2, Upload.of(new ByteArrayInputStream(Arrays.copyOfRange(data, 100_000,
                150_000)), "p2", null, -1));
        assertThat(keys(4, prefix + "/staging/")).as("the first part 2 is gone").hasSize(2);
        FileData done = storage.uploader().multipart().orElseThrow().complete(upload);
        assertThat(read(storage.reader().stream(done))).isEqualTo(data);
        assertThat(keys(4, prefix + "/multipart/")).isEmpty();
        assertThat(keys(4, prefix + "/staging/")).isEmpty();
        try (Jedis jedis = jedis(4)) {
            assertThat(jedis.get(RedisStorage.bytes(prefix + "m.bin"))).as("one string, the parts in order").isEqualTo(data);
        }

        MultipartData other = storage.uploader().multipart().orElseThrow().start(new MultipartData(new Location("n.bin"), 10, null, "", Map.of()));
        other = storage.uploader().multipart().orElseThrow().update(other, 1, Upload.of(new byte[10], "p1", null));
        storage.uploader().multipart().orElseThrow().abort(other);
        assertThat(keys(4, prefix + "/multipart/")).isEmpty();
        assertThat(keys(4, prefix + "/staging/")).isEmpty();
        storage.close();
    }

    @Test
    void copiesAreMadeOnTheServerAndMovesRenameTheString() throws Exception {
        ManagedStorage storage = storage();
        String prefix = prefix(storage);
        byte[] data = content(150_000);
        FileData original = storage.uploader().upload(new Location("a.bin"), Upload.of(data, "a.bin", null), false);
        FileData copy = storage.manager().copy(new Location("b.bin"), original, false);
        assertThat(copy.hash()).isEqualTo(md5(data));
        assertThat(keys(4, prefix)).containsExactlyInAnyOrder(prefix + "a.bin", prefix + "b.bin", prefix + "/meta/a.bin",
                prefix + "/meta/b.bin");
        FileData moved = storage.manager().move(new Location("c/d.bin"), copy, false);
        assertThat(keys(4, prefix)).containsExactlyInAnyOrder(prefix + "a.bin", prefix + "c/d.bin", prefix + "/meta/a.bin",
                prefix + "/meta/c/d.bin");
        assertThat(read(storage.reader().stream(moved))).isEqualTo(data);
        assertThat(storage.manager().exists(copy)).isFalse();
        assertThat(storage.manager().analyze(new Location("c/d.bin")).hash()).isEqualTo(md5(data));
        storage.close();
    }

    // ---- listing ----------------------------------------------------------------------------------------

    @Test
    void scanWalksTheCursorPastAThousandFilesAndOnlyThisStorages() {
        ManagedStorage mine = storage();
        ManagedStorage other = storage();
        for (int i = 0; i < 1_100; i++) {
            mine.uploader().upload(new Location(String.format("f%04d.txt", i)), Upload.of(new byte[] {1}, "f", null), false);
        }
        other.uploader().upload(new Location("f0001.txt"), Upload.of(new byte[] {2}, "f", null), false);
        mine.uploader().multipart().orElseThrow().start(new MultipartData(new Location("pending.bin"), 10, null, null, Map.of()));
        try (Stream<Location> all = mine.manager().scan()) {
            List<String> names = all.map(Location::value).sorted().toList();
            assertThat(names).hasSize(1_100).doesNotHaveDuplicates().startsWith("f0000.txt").endsWith("f1099.txt");
        }
        try (Stream<Location> all = other.manager().scan()) {
            assertThat(all.map(Location::value)).containsExactly("f0001.txt");
        }
        mine.close();
        other.close();
    }

    // ---- configuration and secrets ------------------------------------------------------------------------

    @Test
    void severalNamedStoragesWithTheirOwnPrefixesAndDatabasesAndPasswordsNeverShown(@TempDir Path dir) throws Exception {
        String password = "s3cr3t-" + ProcessHandle.current().pid();
        try (RedisServers.Server locked = RedisServers.start(null, password)) {
            String url = "redis://:" + password + "@127.0.0.1:" + locked.port();
            Map<String, String> config = new LinkedHashMap<>();
            config.put("portal.plugins", "storage-redis");
            config.put("portal.files.storage.default.type", RedisStorageFactory.TYPE);
            config.put("portal.files.storage.default.url", url + "/0");
            config.put("portal.files.storage.avatars.type", RedisStorageFactory.TYPE);
            config.put("portal.files.storage.avatars.url", url + "/0");
            config.put("portal.files.storage.cache.type", RedisStorageFactory.TYPE);
            config.put("portal.files.storage.cache.url", url + "/5");
            config.put("portal.files.storage.cache.prefix", "site-a:<storage>:");
            TestPortal.Builder builder = TestPortal.builder().dataDir(dir).runPendingTasks(false);
            config.forEach(builder::option);
            try (TestPortal several = builder.start()) {
                var storages = FilesPlugin.of(several.portal()).storages();
                for (String name : List.of("default", "avatars", "cache")) {
                    storages.get(name).uploader().upload(new Location("same.txt"), Upload.of(name.getBytes(StandardCharsets.UTF_8),
                            "same.txt", null), false);
                }
                for (String name : List.of("default", "avatars", "cache")) {
                    assertThat(new String(read(storages.get(name).reader().stream(FileData.of(new Location("same.txt")))),
                            StandardCharsets.UTF_8)).isEqualTo(name);
                }
                try (Jedis jedis = new Jedis("127.0.0.1", locked.port())) {
                    jedis.auth(password);
                    assertThat(jedis.exists("portal:files:default:file_content:same.txt")).isTrue();
                    assertThat(jedis.exists("portal:files:avatars:file_content:same.txt")).isTrue();
                    jedis.select(5);
                    assertThat(jedis.exists("site-a:cache:same.txt")).isTrue();
                }
            }
            List<String> args = new ArrayList<>(List.of("files", "storages", "-v", "--data-dir", dir.toString()));
            config.forEach((k, v) -> {
                args.add("-o");
                args.add(k + "=" + v);
            });
            StringWriter out = new StringWriter();
            StringWriter err = new StringWriter();
            CommandLine cli = PortalCli.commandLine();
            cli.setOut(new PrintWriter(out));
            cli.setErr(new PrintWriter(err));
            assertThat(cli.execute(args.toArray(String[]::new))).as(err.toString()).isZero();
            assertThat(out.toString()).contains("cache: files:redis").contains("url                        (secret, not shown)")
                    .contains("prefix                     site-a:<storage>:").doesNotContain(password);
            assertThat(err.toString()).doesNotContain(password);
            args.set(0, "config");
            args.set(1, "declaration");
            args.set(2, "files");
            args.add(3, "-d");
            StringWriter declared = new StringWriter();
            cli.setOut(new PrintWriter(declared));
            assertThat(cli.execute(args.toArray(String[]::new))).as(err.toString()).isZero();
            assertThat(declared.toString()).contains("portal.files.storage.cache.url = \n")
                    .contains("portal.files.storage.avatars.prefix = portal:files:<storage>:file_content:").doesNotContain(password);

            PortalException wrong = catchThrowableOfType(PortalException.class, () -> FilesPlugin.of(portal.portal()).openStorage(
                    "locked", Map.of("type", RedisStorageFactory.TYPE, "url", "redis://:wrong-" + password + "@127.0.0.1:" + locked.port())));
            assertThat(wrong.kind()).isEqualTo(ErrorKind.CONFIG_INVALID);
            assertThat(wrong.getMessage()).startsWith("portal.files.storage.locked.url: cannot use Redis at redis://127.0.0.1:"
                    + locked.port() + "/0: ").doesNotContain(password);
            PortalException none = catchThrowableOfType(PortalException.class, () -> FilesPlugin.of(portal.portal()).openStorage(
                    "open", Map.of("type", RedisStorageFactory.TYPE, "url", "redis://127.0.0.1:" + locked.port())));
            assertThat(none.getMessage()).contains("NOAUTH");
            // A server that does not answer at start is a warning; the storage's operations fail until it answers.
            try (ManagedStorage away = FilesPlugin.of(portal.portal()).openStorage("away", Map.of("type", RedisStorageFactory.TYPE,
                    "url", "redis://:" + password + "@127.0.0.1:" + dev.portalkit.testservers.LoopbackPorts.free() + "/0", "timeout", "2"))) {
                FilesException failure = catchThrowableOfType(FilesException.class, () -> away.manager().exists(FileData.of(new Location("x"))));
                assertThat(failure.kind()).isEqualTo(ErrorKind.TRANSIENT);
                assertThat(failure.getMessage()).startsWith("storage away: cannot check x: Redis at redis://127.0.0.1:")
                        .contains("does not answer").doesNotContain(password);
            }
            PortalException bad = catchThrowableOfType(PortalException.class, () -> FilesPlugin.of(portal.portal()).openStorage(
                    "bad", Map.of("type", RedisStorageFactory.TYPE, "url", "http://:" + password + "@x/y", "chunk_size", "1KiB")));
            assertThat(bad.getMessage()).contains("portal.files.storage.bad.url: not a redis:// or rediss:// URL")
                    .contains("portal.files.storage.bad.chunk_size: must be between 64KiB and 64MiB").doesNotContain(password);
        }
    }

    // ---- faults -----------------------------------------------------------------------------------------

    @Test
    void theServerStoppedMidUploadIsATransientFailureThatLeavesNoFileAndWorkResumesWhenItIsBack(@TempDir Path dir) throws Exception {
        String password = "fault-" + ProcessHandle.current().pid();
        try (RedisServers.Server own = RedisServers.start(dir, password)) {
            ManagedStorage storage = FilesPlugin.of(portal.portal()).openStorage("faults" + counter.incrementAndGet(), Map.of(
                    "type", RedisStorageFactory.TYPE, "url", "redis://:" + password + "@127.0.0.1:" + own.port() + "/0",
                    "chunk_size", "64KiB", "timeout", "5"));
            FileData before = storage.uploader().upload(new Location("before.txt"), Upload.of("written before".getBytes(StandardCharsets.UTF_8),
                    "before.txt", null), false);
            InputStream content = new InputStream() {
                private int sent;

                @Override
                public int read() {
                    if (sent == 200_000) {
                        own.stop();
                    }
                    return sent++ < 1_048_576 ? 'x' : -1;
                }
            };
            FilesException failure = catchThrowableOfType(FilesException.class, () -> storage.uploader().upload(new Location("during.bin"),
                    Upload.of(content, "during.bin", null, -1), false));
            assertThat(failure).isNotNull();
            assertThat(failure.kind()).isEqualTo(ErrorKind.TRANSIENT);
            assertThat(failure.getMessage()).startsWith("storage " + storage.name() + ": cannot upload during.bin: Redis at redis://127.0.0.1:"
                    + own.port() + "/0 does not answer");
            StringWriter trace = new StringWriter();
            failure.printStackTrace(new PrintWriter(trace));
            assertThat(trace.toString()).doesNotContain(password);
            FilesException reading = catchThrowableOfType(FilesException.class, () -> read(storage.reader().stream(before)));
            assertThat(reading.kind()).isEqualTo(ErrorKind.TRANSIENT);

            own.start();
            assertThat(storage.manager().exists(FileData.of(new Location("during.bin")))).isFalse();
            try (Stream<Location> all = storage.manager().scan()) {
                assertThat(all.map(Location::value)).containsExactly("before.txt");
            }
            assertThat(new String(read(storage.reader().stream(before)), StandardCharsets.UTF_8)).isEqualTo("written before");
            FileData after = storage.uploader().upload(new Location("during.bin"), Upload.of(new byte[300_000], "during.bin", null), false);
            assertThat(after.hash()).isEqualTo(md5(new byte[300_000]));
            storage.close();
        }
    }
}
