package dev.portalkit.runtime.files;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.portalkit.runtime.files.content.ContentTypes;
import dev.portalkit.runtime.files.content.Hashing;
import dev.portalkit.runtime.files.managed.LocalUpload;
import dev.portalkit.api.ErrorKind;
import dev.portalkit.api.PortalException;
import dev.portalkit.api.files.FileData;
import dev.portalkit.api.files.Location;
import dev.portalkit.api.files.ManagedStorage;
import dev.portalkit.runtime.BootOptions;
import dev.portalkit.runtime.testing.TestPortal;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * One-pass uploads: a {@link LocalUpload} (a request's file part, spooled and hashed while it
 * arrived) is hard-linked into a {@code files:fs} storage instead of copied, after the same checks
 * as a streamed upload; every other case streams it.
 */
class LocalUploadTest {
    private static final byte[] HTML = "<html><body><script>alert(1)</script></body></html>".getBytes(StandardCharsets.UTF_8);
    private static TestPortal portal;
    private final List<ManagedStorage> opened = new ArrayList<>();
    private int counter;

    @BeforeAll
    static void start() {
        portal = TestPortal.builder().plugins("minimal-files").database(BootOptions.Database.NONE).runPendingTasks(false).start();
    }

    @AfterAll
    static void stop() {
        portal.close();
    }

    @AfterEach
    void close() {
        opened.forEach(ManagedStorage::close);
    }

    /** A spooled upload as the web layer makes one: the file, its head, and its hash in one algorithm. */
    private record Spooled(Path file, String filename, String contentType, String algorithm, String hashValue) implements LocalUpload {
        static Spooled of(Path dir, byte[] content, String filename, String contentType, String algorithm) throws IOException {
            Files.createDirectories(dir);
            Path file = Files.createTempFile(dir, "upload-", ".part");
            Files.write(file, content);
            return new Spooled(file, filename, contentType, algorithm, hex(algorithm, content));
        }

        @Override
        public long size() {
            try {
                return Files.size(file);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }

        @Override
        public InputStream open() throws IOException {
            return Files.newInputStream(file);
        }

        @Override
        public byte[] head() {
            try {
                byte[] all = Files.readAllBytes(file);
                return Arrays.copyOf(all, Math.min(all.length, ContentTypes.SNIFF_BYTES));
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }

        @Override
        public Optional<String> hash(String wanted) {
            return wanted.equalsIgnoreCase(algorithm) ? Optional.of(hashValue) : Optional.empty();
        }
    }

    private static String hex(String algorithm, byte[] content) {
        MessageDigest digest = Hashing.digest(algorithm);
        digest.update(content);
        return Hashing.hex(digest);
    }

    private ManagedStorage storage(String type, String... keyValues) {
        Map<String, String> options = new LinkedHashMap<>();
        options.put("type", type);
        for (int i = 0; i < keyValues.length; i += 2) {
            options.put(keyValues[i], keyValues[i + 1]);
        }
        ManagedStorage storage = FilesPlugin.of(portal.portal()).openStorage("l" + counter++, options);
        opened.add(storage);
        return storage;
    }

    private Path folder(String name) {
        return portal.dataDir().resolve("local-upload").resolve(name + "-" + counter);
    }

    private static byte[] content(int size) {
        byte[] bytes = new byte[size];
        for (int i = 0; i < size; i++) {
            bytes[i] = (byte) (i * 31 + i / 7);
        }
        return bytes;
    }

    /** Every regular file under {@code dir}, the storage's own temporary folder included. */
    private static List<Path> filesUnder(Path dir) throws IOException {
        try (Stream<Path> all = Files.walk(dir)) {
            return all.filter(Files::isRegularFile).toList();
        }
    }

    @Test
    void aSpooledFileIsLinkedIntoAnFsStorageWithTheHashTakenWhileItWasWritten() throws IOException {
        Path root = folder("linked");
        ManagedStorage fs = storage("files:fs", "path", root.toString(), "create_path", "true");
        byte[] bytes = content(100_000);
        Spooled upload = Spooled.of(folder("spool"), bytes, "data.bin", "application/octet-stream", "md5");

        FileData stored = fs.uploader().upload(new Location("data.bin"), upload, false);

        Path file = root.resolve("data.bin");
        assertThat(Files.isSameFile(file, upload.file())).as("the stored file is the spooled file, linked").isTrue();
        assertThat(Files.exists(upload.file())).as("the spooled file stays for its owner to delete").isTrue();
        assertThat(Files.readAllBytes(file)).isEqualTo(bytes);
        assertThat(stored.size()).isEqualTo(bytes.length);
        assertThat(stored.hash()).isEqualTo(hex("md5", bytes));
        assertThat(stored.hashAlgorithm()).isEqualTo("md5");
        assertThat(stored.contentType()).isEqualTo("application/octet-stream");
        assertThat(filesUnder(root)).containsExactly(file);
    }

    @Test
    void aPublicFsStorageLeavesFilesReadableForItsWebServerAndEveryOtherStorageKeepsThemToItsOwner() throws IOException {
        assumeTrue(portal.dataDir().getFileSystem().supportedFileAttributeViews().contains("posix"), "POSIX file modes");
        Path served = folder("served");
        ManagedStorage web = storage("files:public_fs", "path", served.toString(), "create_path", "true", "recursive", "true",
                "public_root", "https://cdn.example.org/files");
        Path kept = folder("kept");
        ManagedStorage own = storage("files:fs", "path", kept.toString(), "create_path", "true", "recursive", "true");
        for (ManagedStorage storage : List.of(web, own)) {
            Path root = storage == web ? served : kept;
            String file = storage == web ? "rw-r--r--" : "rw-------";
            String folder = storage == web ? "rwxr-xr-x" : "rwx------";
            // A spooled request upload, hard-linked into place: it must not keep the spool's 0600.
            Spooled spooled = Spooled.of(folder("spool"), content(5_000), "linked.bin", null, "md5");
            storage.uploader().upload(new Location("deep/er/linked.bin"), spooled, false);
            assertThat(Files.isSameFile(root.resolve("deep/er/linked.bin"), spooled.file())).as("linked, not copied").isTrue();
            storage.uploader().upload(new Location("streamed.txt"), dev.portalkit.api.files.Upload.of(
                    "hello".getBytes(StandardCharsets.UTF_8), "streamed.txt", "text/plain"), false);
            var started = storage.uploader().multipart().orElseThrow().start(new dev.portalkit.api.files.MultipartData(new Location("parts/whole.bin"),
                    3, null, null, Map.of()));
            var updated = storage.uploader().multipart().orElseThrow().update(started, 1, dev.portalkit.api.files.Upload.of(
                    "abc".getBytes(StandardCharsets.UTF_8), "whole.bin", null));
            Path parts = root.resolve(dev.portalkit.runtime.files.fs.FsStorage.RESERVED).resolve("multipart");
            assertThat(mode(parts)).as("in-progress parts are nobody else's business").isEqualTo("rwx------");
            storage.uploader().multipart().orElseThrow().complete(updated);
            for (String f : List.of("deep/er/linked.bin", "streamed.txt", "parts/whole.bin")) {
                assertThat(mode(root.resolve(f))).as("%s of %s", f, storage).isEqualTo(file);
            }
            for (String d : List.of("", "deep", "deep/er", "parts")) {
                assertThat(mode(root.resolve(d))).as("folder '%s' of %s", d, storage).isEqualTo(folder);
            }
            assertThat(mode(root.resolve(dev.portalkit.runtime.files.fs.FsStorage.RESERVED)))
                    .as("the storage's own folder, also of a public storage").isEqualTo("rwx------");
        }
    }

    private static String mode(Path path) throws IOException {
        return java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(path));
    }

    @Test
    void aLinkedUploadStillRefusesAnExistingLocation() throws IOException {
        Path root = folder("existing");
        ManagedStorage fs = storage("files:fs", "path", root.toString(), "create_path", "true");
        Files.createDirectories(root);
        Files.writeString(root.resolve("taken.txt"), "first");
        Spooled upload = Spooled.of(folder("spool"), "second".getBytes(StandardCharsets.UTF_8), "taken.txt", "text/plain", "md5");

        assertThatThrownBy(() -> fs.uploader().upload(new Location("taken.txt"), upload, false))
                .isInstanceOfSatisfying(PortalException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.ALREADY_EXISTS));
        assertThat(Files.readString(root.resolve("taken.txt"))).isEqualTo("first");
        assertThat(filesUnder(root)).containsExactly(root.resolve("taken.txt"));
    }

    @Test
    void aLinkedUploadIsCheckedForTypeAndSizeFirstAndLeavesNothingWhenRefused() throws IOException {
        Path images = folder("images");
        ManagedStorage onlyImages = storage("files:fs", "path", images.toString(), "create_path", "true", "supported_types", "image");
        Spooled html = Spooled.of(folder("spool"), HTML, "cat.png", "image/png", "md5");
        assertThatThrownBy(() -> onlyImages.uploader().upload(new Location("cat.png"), html, false))
                .isInstanceOfSatisfying(PortalException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.WRONG_TYPE))
                .hasMessageContaining("text/html").hasMessageContaining("declared image/png");
        assertThat(filesUnder(images)).isEmpty();

        Path small = folder("small");
        ManagedStorage tiny = storage("files:fs", "path", small.toString(), "create_path", "true", "max_size", "1KiB");
        Spooled big = Spooled.of(folder("spool"), content(1025), "big.bin", null, "md5");
        assertThatThrownBy(() -> tiny.uploader().upload(new Location("big.bin"), big, false))
                .isInstanceOfSatisfying(PortalException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.TOO_LARGE))
                .hasMessageContaining("1024");
        assertThat(filesUnder(small)).isEmpty();
    }

    @Test
    void aHashInAnotherAlgorithmIsNotTrustedTheUploadIsStreamedAndHashedAgain() throws IOException {
        Path root = folder("sha");
        ManagedStorage fs = storage("files:fs", "path", root.toString(), "create_path", "true", "hashing_algorithm", "sha256");
        byte[] bytes = content(70_000);
        Spooled upload = Spooled.of(folder("spool"), bytes, "data.bin", null, "md5");

        FileData stored = fs.uploader().upload(new Location("data.bin"), upload, false);

        assertThat(Files.isSameFile(root.resolve("data.bin"), upload.file())).as("copied, not linked").isFalse();
        assertThat(stored.hash()).isEqualTo(hex("sha256", bytes));
        assertThat(Files.readAllBytes(root.resolve("data.bin"))).isEqualTo(bytes);
    }

    @Test
    void otherAdaptersStreamTheSpooledFileAndRecordTheHashTakenWhileSpooling() throws IOException {
        ManagedStorage memory = storage("files:memory");
        byte[] bytes = content(3 * 1024 * 1024 + 17);
        Spooled upload = Spooled.of(folder("spool"), bytes, "data.bin", null, "md5");

        FileData stored = memory.uploader().upload(new Location("data.bin"), upload, false);

        assertThat(stored.hash()).isEqualTo(hex("md5", bytes));
        assertThat(stored.size()).isEqualTo(bytes.length);
        try (InputStream in = memory.reader().stream(stored)) {
            assertThat(in.readAllBytes()).isEqualTo(bytes);
        }
    }

    @Test
    void aSpoolOnAnotherFileSystemIsCopiedInstead() throws IOException {
        Path shm = Path.of("/dev/shm");
        Path root = folder("cross");
        Files.createDirectories(root);
        assumeTrue(Files.isDirectory(shm) && Files.isWritable(shm)
                        && !Files.getFileStore(shm).equals(Files.getFileStore(root)),
                "needs /dev/shm on another file system than the data directory to make a hard link fail");
        ManagedStorage fs = storage("files:fs", "path", root.toString());
        byte[] bytes = content(50_000);
        Path dir = Files.createTempDirectory(shm, "portalkit-spool-");
        try {
            Spooled upload = Spooled.of(dir, bytes, "data.bin", null, "md5");
            FileData stored = fs.uploader().upload(new Location("data.bin"), upload, false);
            assertThat(Files.readAllBytes(root.resolve("data.bin"))).isEqualTo(bytes);
            assertThat(stored.hash()).isEqualTo(hex("md5", bytes));
            assertThat(filesUnder(root)).containsExactly(root.resolve("data.bin"));
        } finally {
            try (Stream<Path> all = Files.walk(dir)) {
                for (Path p : all.sorted(java.util.Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }
}
