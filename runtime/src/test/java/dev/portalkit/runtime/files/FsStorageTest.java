package dev.portalkit.runtime.files;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.portalkit.runtime.files.managed.ManagedStorageImpl;
import dev.portalkit.api.ErrorKind;
import dev.portalkit.api.PortalException;
import dev.portalkit.api.files.Capability;
import dev.portalkit.api.files.FileData;
import dev.portalkit.api.files.Location;
import dev.portalkit.api.files.ManagedStorage;
import dev.portalkit.api.files.Storage;
import dev.portalkit.api.files.Upload;
import dev.portalkit.runtime.BootOptions;
import dev.portalkit.runtime.files.fs.FsStorage;
import dev.portalkit.runtime.testing.TestPortal;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * files:fs and files:public_fs beyond the contract: the adapter's own containment (by path
 * segments and real paths, without the host's checks in front), folders, the reserved folder,
 * temporary files, zero-copy access and public links.
 */
class FsStorageTest {
    private static TestPortal portal;
    private final List<ManagedStorage> opened = new ArrayList<>();
    private int counter;

    @TempDir
    Path dir;

    @BeforeAll
    static void start() {
        portal = TestPortal.builder().database(BootOptions.Database.NONE).runPendingTasks(false).start();
    }

    @AfterAll
    static void stop() {
        portal.close();
    }

    @AfterEach
    void close() {
        opened.forEach(ManagedStorage::close);
    }

    private ManagedStorage storage(String type, Path path, String... keyValues) {
        Map<String, String> options = new LinkedHashMap<>();
        options.put("type", type);
        options.put("path", path.toString());
        options.put("create_path", "true");
        for (int i = 0; i < keyValues.length; i += 2) {
            options.put(keyValues[i], keyValues[i + 1]);
        }
        ManagedStorage storage = FilesPlugin.of(portal.portal()).openStorage("fs" + counter++, options);
        opened.add(storage);
        return storage;
    }

    private static FsStorage adapter(ManagedStorage storage) {
        return (FsStorage) ((ManagedStorageImpl) storage).adapter();
    }

    private static void refused(ThrowingCallable call, String... fragments) {
        var thrown = assertThatThrownBy(call).isInstanceOfSatisfying(PortalException.class,
                e -> assertThat(e.kind()).as(e.getMessage()).isEqualTo(ErrorKind.BAD_REQUEST));
        if (fragments.length > 0) {
            thrown.message().contains(fragments);
        }
    }

    private static Upload text(String content) {
        return Upload.of(content.getBytes(StandardCharsets.UTF_8), "x.txt", "text/plain");
    }

    @Test
    void theAdapterComparesPathsBySegmentsSoASiblingWithTheSamePrefixIsOutside() throws Exception {
        Path root = dir.resolve("files");
        Path secret = dir.resolve("files-secret");
        Files.createDirectories(secret);
        Files.writeString(secret.resolve("key.txt"), "secret");
        assertThat(FsStorage.contains(root, secret.resolve("key.txt"))).isFalse();
        assertThat(secret.resolve("key.txt").toString()).as("what a string prefix would wrongly accept").startsWith(root.toString());
        assertThat(FsStorage.contains(root, root.resolve("a/../../files-secret/key.txt"))).isFalse();
        assertThat(FsStorage.contains(root, root.resolve("a/b/../c.txt"))).isTrue();
        Storage raw = adapter(storage("files:fs", root, "recursive", "true"));
        // Straight to the adapter, without the host's checks in front.
        FsStorage fs = (FsStorage) raw;
        refused(() -> fs.resolve(new Location("../files-secret/key.txt")));
        refused(() -> raw.reader().stream(FileData.of(new Location("../files-secret/key.txt"))));
        refused(() -> raw.uploader().upload(new Location("../files-secret/new.txt"), text("planted"), false));
        refused(() -> raw.manager().remove(FileData.of(new Location("a/../../files-secret/key.txt"))));
        try (Stream<Path> left = Files.list(secret)) {
            assertThat(left).containsExactly(secret.resolve("key.txt"));
        }
    }

    @Test
    void symbolicLinksOutOfTheFolderAreRefused() throws Exception {
        Path root = dir.resolve("files");
        Path outside = dir.resolve("outside");
        Files.createDirectories(outside);
        Files.writeString(outside.resolve("passwd"), "root:x:0:0");
        ManagedStorage storage = storage("files:fs", root, "recursive", "true");
        Files.createSymbolicLink(root.resolve("link"), outside);
        Files.createSymbolicLink(root.resolve("passwd"), outside.resolve("passwd"));
        Files.createDirectories(root.resolve("inside"));
        Files.createSymbolicLink(root.resolve("alias"), root.resolve("inside"));
        refused(() -> storage.reader().stream(FileData.of(new Location("link/passwd"))), "symbolic link");
        refused(() -> storage.reader().stream(FileData.of(new Location("passwd"))), "symbolic link");
        refused(() -> storage.uploader().upload(new Location("link/planted.txt"), text("planted"), false), "symbolic link");
        refused(() -> storage.manager().exists(FileData.of(new Location("link/passwd"))), "symbolic link");
        // A link below a plain folder, with the rest of the path still to be made.
        Files.createSymbolicLink(root.resolve("inside/deep"), outside);
        refused(() -> storage.uploader().upload(new Location("inside/deep/new/planted.txt"), text("planted"), false), "symbolic link");
        refused(() -> storage.reader().stream(FileData.of(new Location("inside/deep/passwd"))), "symbolic link");
        assertThat(outside.resolve("new")).doesNotExist();
        assertThat(outside.resolve("planted.txt")).doesNotExist();
        // A link that stays inside the folder is fine.
        storage.uploader().upload(new Location("alias/ok.txt"), text("ok"), false);
        assertThat(root.resolve("inside/ok.txt")).hasContent("ok");
        // Scans do not follow links.
        try (Stream<Location> all = storage.manager().scan()) {
            assertThat(all.map(Location::value)).containsExactly("inside/ok.txt");
        }
    }

    @Test
    void withoutRecursiveALocationIsAPlainName() throws Exception {
        ManagedStorage flat = storage("files:fs", dir.resolve("flat"));
        refused(() -> flat.uploader().upload(new Location("a/b.txt"), text("x"), false), "is not recursive",
                "(portal.files.storage.", ".recursive)");
        ManagedStorage deep = storage("files:fs", dir.resolve("deep"), "recursive", "true");
        deep.uploader().upload(new Location("a/b/c.txt"), text("c"), false);
        deep.uploader().upload(new Location("a/d.txt"), text("d"), false);
        assertThat(dir.resolve("deep/a/b/c.txt")).hasContent("c");
        try (Stream<Location> all = deep.manager().scan()) {
            assertThat(all.map(Location::value).sorted()).containsExactly("a/b/c.txt", "a/d.txt");
        }
        // A flat storage over a folder with sub-folders lists only its own level.
        Files.writeString(dir.resolve("flat/top.txt"), "top");
        Files.createDirectories(dir.resolve("flat/sub"));
        Files.writeString(dir.resolve("flat/sub/below.txt"), "below");
        try (Stream<Location> all = flat.manager().scan()) {
            assertThat(all.map(Location::value)).containsExactly("top.txt");
        }
        deep.uploader().upload(new Location("file"), text("f"), false);
        assertThatThrownBy(() -> deep.uploader().upload(new Location("file/x.txt"), text("x"), false))
                .isInstanceOfSatisfying(PortalException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.CONFLICT));
    }

    @Test
    void theReservedFolderIsNeitherReachableNorListedAndFailedUploadsLeaveNoTemporaryFiles() throws Exception {
        ManagedStorage storage = storage("files:fs", dir.resolve("r"), "recursive", "true", "max_size", "100");
        refused(() -> storage.uploader().upload(new Location(".portalkit/tmp/x"), text("x"), false), "reserved");
        storage.uploader().upload(new Location("kept.txt"), text("kept"), false);
        assertThatThrownBy(() -> storage.uploader().upload(new Location("big.txt"),
                Upload.of(new ByteArrayInputStream(new byte[10_000]), "big.txt", null, -1), false))
                .isInstanceOfSatisfying(PortalException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.TOO_LARGE));
        try (Stream<Path> temps = Files.list(dir.resolve("r/.portalkit/tmp"))) {
            assertThat(temps).isEmpty();
        }
        try (Stream<Location> all = storage.manager().scan()) {
            assertThat(all.map(Location::value)).containsExactly("kept.txt");
        }
        var upload = storage.uploader().multipart().orElseThrow().start(new dev.portalkit.api.files.MultipartData(new Location("m.txt"), 3, null, "", null));
        storage.uploader().multipart().orElseThrow().update(upload, 1, text("abc"));
        try (Stream<Location> all = storage.manager().scan()) {
            assertThat(all.map(Location::value)).as("parts are not files yet").containsExactly("kept.txt");
        }
        storage.uploader().multipart().orElseThrow().abort(upload);
        try (Stream<Path> uploads = Files.list(dir.resolve("r/.portalkit/multipart"))) {
            assertThat(uploads).isEmpty();
        }
    }

    @Test
    void aMissingFolderIsCreatedOnlyWhenAskedTo() {
        Path missing = dir.resolve("missing");
        assertThatThrownBy(() -> FilesPlugin.of(portal.portal()).openStorage("nocreate", Map.of("type", "files:fs", "path", missing.toString())))
                .isInstanceOfSatisfying(PortalException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.CONFIG_INVALID))
                .hasMessage("portal.files.storage.nocreate.path: folder " + missing + " does not exist (set create_path = true to create it)");
        try (ManagedStorage s = FilesPlugin.of(portal.portal()).openStorage("init",
                Map.of("type", "files:fs", "path", missing.toString(), "initialize", "true"))) {
            assertThat(missing).isDirectory();
        }
    }

    @Test
    void localFilesAreHandedOutForZeroCopyDownloads() throws Exception {
        ManagedStorage storage = storage("files:fs", dir.resolve("z"));
        FileData data = storage.uploader().upload(new Location("a.bin"), text("bytes"), false);
        assertThat(storage.reader().localFile(data)).contains(dir.resolve("z/a.bin"));
        assertThat(storage.reader().localFile(FileData.of(new Location("missing.bin")))).isEmpty();
        try (InputStream in = storage.reader().range(data, 1, 3)) {
            assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("yt");
        }
    }

    @Test
    void publicFsLinksArePublicRootPlusTheEncodedLocation() {
        ManagedStorage plain = storage("files:fs", dir.resolve("plain"));
        assertThat(plain.supports(Capability.PUBLIC_LINK)).isFalse();
        ManagedStorage pub = storage("files:public_fs", dir.resolve("pub"), "recursive", "true",
                "public_root", "https://cdn.example/uploads/");
        assertThat(pub.supports(Capability.PUBLIC_LINK)).isTrue();
        FileData data = pub.uploader().upload(new Location("a b/ü.txt"), text("x"), false);
        assertThat(pub.reader().publicLink(data)).isEqualTo(URI.create("https://cdn.example/uploads/a%20b/%C3%BC.txt"));
        ManagedStorage relative = storage("files:public_fs", dir.resolve("rel"), "public_root", "/uploads/user");
        assertThat(relative.reader().publicLink(FileData.of(new Location("p.png")))).isEqualTo(URI.create("/uploads/user/p.png"));
        // CKAN 2.12's public_prefix: the web server publishes a parent folder of the storage's path.
        ManagedStorage nested = storage("files:public_fs", dir.resolve("served/nested/in side"), "public_root", "https://cdn.example/",
                "public_prefix", "/nested/in side/");
        assertThat(nested.reader().publicLink(FileData.of(new Location("p.png")))).isEqualTo(URI.create("https://cdn.example/nested/in%20side/p.png"));
        assertThatThrownBy(() -> storage("files:public_fs", dir.resolve("bad"), "public_root", "/u", "public_prefix", "a/../b"))
                .hasMessageContaining("public_prefix").hasMessageContaining("a/../b");
    }
}
