package dev.portalkit.runtime.files;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.portalkit.runtime.files.content.ContentTypes;
import dev.portalkit.runtime.files.managed.ManagedStorageImpl;
import dev.portalkit.api.ErrorKind;
import dev.portalkit.api.PortalException;
import dev.portalkit.api.files.Capability;
import dev.portalkit.api.files.FileData;
import dev.portalkit.api.files.Location;
import dev.portalkit.api.files.ManagedStorage;
import dev.portalkit.api.files.Upload;
import dev.portalkit.runtime.BootOptions;
import dev.portalkit.runtime.plugins.MinimalFilesPlugin;
import dev.portalkit.runtime.testing.TestPortal;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The host's side of storages: transformers, type detection, emulated operations and their cap. */
class ManagedStorageTest {
    private static final byte[] PNG = Base64.getDecoder().decode(
            "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==");
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

    private ManagedStorage storage(String type, String... keyValues) {
        Map<String, String> options = new LinkedHashMap<>();
        options.put("type", type);
        for (int i = 0; i < keyValues.length; i += 2) {
            options.put(keyValues[i], keyValues[i + 1]);
        }
        ManagedStorage storage = FilesPlugin.of(portal.portal()).openStorage("m" + counter++, options);
        opened.add(storage);
        return storage;
    }

    private static void assertFails(ErrorKind kind, ThrowingCallable call, String... fragments) {
        assertThatThrownBy(call).isInstanceOfSatisfying(PortalException.class, e -> assertThat(e.kind()).as(e.getMessage()).isEqualTo(kind))
                .message().contains(fragments);
    }

    private static Upload text(String content, String name) {
        return Upload.of(content.getBytes(StandardCharsets.UTF_8), name, "text/plain");
    }

    private static String read(InputStream in) throws IOException {
        try (in) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    // ---- location transformers ------------------------------------------------------------------

    @Test
    void transformersApplyInOrder() {
        String uuid = "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}";
        String stamp = "\\d{4}-\\d{2}-\\d{2}-\\d{6}\\.\\d{6}";
        assertThat(storage("files:memory", "location_transformers", "uuid").prepareLocation("photo.jpg", null).value()).matches(uuid);
        assertThat(storage("files:memory", "location_transformers", "uuid_prefix").prepareLocation("photo.jpg", null).value())
                .matches(uuid + "photo\\.jpg");
        assertThat(storage("files:memory", "location_transformers", "uuid_with_extension").prepareLocation("photo.jpg", null).value())
                .matches(uuid + "\\.jpg");
        assertThat(storage("files:memory", "location_transformers", "datetime_prefix").prepareLocation("a/photo.jpg", null).value())
                .matches("a/" + stamp + "photo\\.jpg");
        assertThat(storage("files:memory", "location_transformers", "datetime_with_extension").prepareLocation("photo.jpg", null).value())
                .matches(stamp + "\\.jpg");
        ManagedStorage fix = storage("files:memory", "location_transformers", "fix_extension");
        assertThat(fix.prepareLocation("photo.jpg", Upload.of(PNG, "photo.jpg", "image/png")).value()).isEqualTo("photo.png");
        assertThat(fix.prepareLocation("notes", text("x", "notes")).value()).isEqualTo("notes.txt");
        assertThat(fix.prepareLocation("photo.jpg", null).value()).isEqualTo("photo.jpg");
        ManagedStorage safe = storage("files:memory", "location_transformers", "safe_relative_path");
        assertThat(safe.prepareLocation("../../etc/passwd", null).value()).isEqualTo("etc/passwd");
        assertThat(safe.prepareLocation("C:\\Users\\me\\..\\cv.pdf", null).value()).isEqualTo("Users/me/cv.pdf");
        assertThat(safe.prepareLocation("/srv//./a/b.txt", null).value()).isEqualTo("srv/a/b.txt");
        assertFails(ErrorKind.BAD_REQUEST, () -> safe.prepareLocation("../..", null), "nothing is left");
        ManagedStorage chain = storage("files:memory", "location_transformers", "safe_relative_path upper");
        assertThat(chain.prepareLocation("../docs/readme.md", null).value()).isEqualTo("DOCS/README.MD");
    }

    @Test
    void theResultOfTransformersIsCheckedLikeEveryLocation() {
        // A plugin transformer that tries to leave the storage is caught after it ran.
        ManagedStorage escaping = storage("files:memory", "location_transformers", "escape");
        assertFails(ErrorKind.BAD_REQUEST, () -> escaping.prepareLocation("x", null), "location '../x' is not allowed", "'..' segment");
        ManagedStorage uuid = storage("files:memory", "location_transformers", "uuid");
        assertThat(uuid.prepareLocation("../../etc/passwd", null).value()).doesNotContain("..");
        ManagedStorage none = storage("files:memory");
        assertFails(ErrorKind.BAD_REQUEST, () -> none.prepareLocation("a\0b", null), "NUL");
        assertFails(ErrorKind.BAD_REQUEST, () -> none.prepareLocation("/etc/passwd", null), "absolute path");
        assertFails(ErrorKind.BAD_REQUEST, () -> none.prepareLocation("a\\b", null), "backslash");
        assertFails(ErrorKind.BAD_REQUEST, () -> none.prepareLocation("é".repeat(128) + ".txt", null), "longer than 255 bytes");
        assertFails(ErrorKind.BAD_REQUEST, () -> none.prepareLocation("a/".repeat(600) + "b", null), "longer than 1024 bytes");
    }

    // ---- content types --------------------------------------------------------------------------

    @Test
    void typesAreDetectedFromTheContentAndADeclaredTypeMustAgree() {
        assertThat(ContentTypes.detect(PNG, PNG.length, "pixel.png", "image/png")).isEqualTo("image/png");
        assertThat(ContentTypes.detect(PNG, PNG.length, "pixel.dat", null)).isEqualTo("image/png");
        assertThat(ContentTypes.detect(HTML, HTML.length, "evil.png", "image/png")).isEqualTo("text/html");
        byte[] csv = "a,b\n1,2\n".getBytes(StandardCharsets.UTF_8);
        assertThat(ContentTypes.detect(csv, csv.length, "data.csv", null)).isEqualTo("text/csv");
        assertThat(ContentTypes.detect(csv, csv.length, "data", "text/csv")).as("a specialisation the content allows").isEqualTo("text/csv");
        byte[] noise = {(byte) 0x8f, 0x01, (byte) 0xfe, 0x00, 0x13, (byte) 0x99, 0x42, 0x07};
        assertThat(ContentTypes.detect(noise, noise.length, "x", "image/png")).as("PNG has magic bytes; these are not them")
                .isEqualTo("application/octet-stream");
        assertThat(ContentTypes.detect(new byte[0], 0, "empty.txt", null)).isEqualTo("text/plain");
    }

    @Test
    void supportedTypesMatchFullMainAndSubtypes() {
        assertThat(ContentTypes.accepted("image/png", List.of())).isTrue();
        assertThat(ContentTypes.accepted("image/png", List.of("image"))).isTrue();
        assertThat(ContentTypes.accepted("image/png", List.of("image/*"))).isTrue();
        assertThat(ContentTypes.accepted("image/png", List.of("png"))).isTrue();
        assertThat(ContentTypes.accepted("image/png", List.of("image/png"))).isTrue();
        assertThat(ContentTypes.accepted("image/svg+xml", List.of("svg"))).isTrue();
        assertThat(ContentTypes.accepted("text/csv; charset=utf-8", List.of("text/csv"))).isTrue();
        assertThat(ContentTypes.accepted("text/html", List.of("image", "pdf", "text/plain"))).isFalse();
        assertThat(ContentTypes.accepted("application/pdf", List.of("pdf"))).isTrue();
    }

    @Test
    void aRefusedTypeIsRefusedAfterReadingOnlyTheHeadOfTheUpload() {
        ManagedStorage images = storage("files:fs", "path", portal.dataDir().resolve("head").toString(), "create_path", "true",
                "supported_types", "image");
        CountingStream source = new CountingStream(HTML, 50 * 1024 * 1024);
        assertFails(ErrorKind.WRONG_TYPE, () -> images.uploader().upload(new Location("page.png"),
                Upload.of(source, "page.png", "image/png", -1), false), "type text/html is not accepted by storage", "declared image/png");
        assertThat(source.read).as("bytes read before the refusal").isLessThanOrEqualTo(ContentTypes.SNIFF_BYTES);
        assertThat(images.manager().exists(FileData.of(new Location("page.png")))).isFalse();
    }

    @Test
    void anUploadIsReadOnceAndItsDeclaredSizeMustHold() {
        ManagedStorage storage = storage("files:memory");
        // A stream upload can be opened once only: nothing reads it twice.
        FileData data = storage.uploader().upload(new Location("once.txt"),
                Upload.of(new ByteArrayInputStream("once".getBytes(StandardCharsets.UTF_8)), "once.txt", null, -1), false);
        assertThat(data.size()).isEqualTo(4);
        assertFails(ErrorKind.BAD_REQUEST, () -> storage.uploader().upload(new Location("short.txt"),
                Upload.of(new ByteArrayInputStream("four".getBytes(StandardCharsets.UTF_8)), "short.txt", null, 10), false),
                "declared 10 bytes but 4 arrived");
        assertThat(storage.manager().exists(FileData.of(new Location("short.txt")))).isFalse();
    }

    // ---- emulated operations --------------------------------------------------------------------

    @Test
    void whatTheAdapterLacksIsEmulatedAndReportedAsSuch() throws IOException {
        ManagedStorageImpl storage = (ManagedStorageImpl) storage(MinimalFilesPlugin.TYPE);
        assertThat(storage.adapter().capabilities()).doesNotContain(Capability.COPY, Capability.MOVE, Capability.COMPOSE, Capability.RANGE);
        assertThat(storage.emulatedCapabilities()).containsExactlyInAnyOrder(Capability.COPY, Capability.MOVE, Capability.COMPOSE,
                Capability.RANGE);
        assertThat(storage.capabilities()).contains(Capability.COPY, Capability.MOVE, Capability.COMPOSE, Capability.RANGE);
        assertThat(storage.capabilities()).doesNotContain(Capability.APPEND, Capability.ANALYZE);
        FileData a = storage.uploader().upload(new Location("a.txt"), text("hello ", "a.txt"), false);
        FileData b = storage.uploader().upload(new Location("b.txt"), text("world", "b.txt"), false);
        FileData copy = storage.manager().copy(new Location("c.txt"), a, false);
        assertThat(copy.hash()).as("md5 of \"hello \"").isEqualTo("f814893777bcc2295fff05f00e508da6");
        FileData all = storage.manager().compose(new Location("all.txt"), List.of(a, b), false);
        assertThat(all.size()).isEqualTo(11);
        assertThat(read(storage.reader().range(all, 3, 8))).isEqualTo("lo wo");
        storage.manager().move(new Location("moved.txt"), copy, false);
        try (Stream<Location> files = storage.manager().scan()) {
            assertThat(files.map(Location::value)).containsExactly("a.txt", "all.txt", "b.txt", "moved.txt");
        }
    }

    @Test
    void emulationStopsAtTheInefficientOperationCap() {
        ManagedStorage storage = storage(MinimalFilesPlugin.TYPE, "inefficient_operation_cap", "16B");
        byte[] big = new byte[64];
        FileData small = storage.uploader().upload(new Location("small.txt"), text("0123456789", "small.txt"), false);
        FileData large = storage.uploader().upload(new Location("large.bin"), Upload.of(big, "large.bin", null), false);
        assertThat(storage.manager().copy(new Location("small2.txt"), small, false).size()).isEqualTo(10);
        // Known to be too large: refused before a byte moves.
        assertFails(ErrorKind.UNSUPPORTED, () -> storage.manager().copy(new Location("large2.bin"), large, false),
                "inefficient_operation_cap of 16 bytes (portal.files.storage.", ".inefficient_operation_cap); this is 64 bytes");
        // Size unknown: refused once the stream passes the cap, and the partial copy is gone.
        assertFails(ErrorKind.UNSUPPORTED, () -> storage.manager().copy(new Location("large3.bin"), FileData.of(new Location("large.bin")), false),
                "inefficient_operation_cap of 16 bytes");
        assertFails(ErrorKind.UNSUPPORTED, () -> storage.manager().move(new Location("large4.bin"), FileData.of(new Location("large.bin")), false),
                "inefficient_operation_cap");
        assertFails(ErrorKind.UNSUPPORTED, () -> storage.manager().compose(new Location("both.bin"),
                List.of(FileData.of(new Location("small.txt")), FileData.of(new Location("small2.txt"))), false), "inefficient_operation_cap");
        assertFails(ErrorKind.UNSUPPORTED, () -> storage.reader().range(large, 20, 30), "read a range starting at byte 20");
        for (String gone : List.of("large2.bin", "large3.bin", "large4.bin", "both.bin")) {
            assertThat(storage.manager().exists(FileData.of(new Location(gone)))).as(gone).isFalse();
        }
        assertThat(storage.manager().exists(FileData.of(new Location("large.bin")))).as("a refused move keeps its source").isTrue();
    }

    /**
     * file-keeper's skip_in_place_copy / skip_in_place_move: on (the default) a no-op answering the source, off refused
     * (configured at start: CkanResourceFsTest's {@code files} storage).
     */
    @Test
    void inPlaceCopyAndMoveAreSkippedUnlessTheStorageSaysOtherwise() throws IOException {
        // Native COPY / MOVE (files:fs) and emulated ones (the minimal adapter): the layer decides before either.
        for (ManagedStorage storage : List.of(storage("files:fs", "path", portal.dataDir().resolve("in-place").toString(),
                "create_path", "true", "overwrite_existing", "true"), storage(MinimalFilesPlugin.TYPE))) {
            FileData kept = storage.uploader().upload(new Location("kept.txt"), text("kept", "kept.txt"), false);
            assertThat(storage.manager().copy(kept.location(), kept, true)).isSameAs(kept);
            assertThat(storage.manager().move(kept.location(), kept, true)).isSameAs(kept);
            assertThat(storage.manager().move(kept.location(), kept, false)).isSameAs(kept);
            assertThat(read(storage.reader().stream(kept))).as(storage.settings().type()).isEqualTo("kept");
        }
        ManagedStorage strict = storage(MinimalFilesPlugin.TYPE, "skip_in_place_copy", "false", "skip_in_place_move", "false");
        FileData kept = strict.uploader().upload(new Location("kept.txt"), text("kept", "kept.txt"), false);
        String name = strict.settings().name();
        assertFails(ErrorKind.BAD_REQUEST, () -> strict.manager().copy(kept.location(), kept, true),
                "cannot copy kept.txt onto itself in storage " + name + " (portal.files.storage." + name + ".skip_in_place_copy is false)");
        assertFails(ErrorKind.BAD_REQUEST, () -> strict.manager().move(kept.location(), kept, true),
                "(portal.files.storage." + name + ".skip_in_place_move is false)");
        assertThat(read(strict.reader().stream(kept))).isEqualTo("kept");
    }

    @Test
    void disabledCapabilitiesAreNeitherOfferedNorEmulated() {
        ManagedStorageImpl storage = (ManagedStorageImpl) storage(MinimalFilesPlugin.TYPE, "disabled_capabilities", "COPY RANGE");
        assertThat(storage.capabilities()).doesNotContain(Capability.COPY, Capability.RANGE, Capability.MOVE);
        assertThat(storage.emulatedCapabilities()).containsExactly(Capability.COMPOSE);
        FileData a = storage.uploader().upload(new Location("a.txt"), text("a", "a.txt"), false);
        assertFails(ErrorKind.UNSUPPORTED, () -> storage.manager().copy(new Location("b.txt"), a, false), "does not support COPY");
        ManagedStorage noStream = storage(MinimalFilesPlugin.TYPE, "disabled_capabilities", "STREAM");
        assertThat(noStream.capabilities()).doesNotContain(Capability.COPY, Capability.MOVE, Capability.COMPOSE, Capability.RANGE);
    }

    /** A long stream of {@code head} then zeros, counting what was read. */
    private static final class CountingStream extends InputStream {
        private final byte[] head;
        private final long size;
        long read;

        CountingStream(byte[] head, long size) {
            this.head = head;
            this.size = size;
        }

        @Override
        public int read() {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) {
            if (read >= size) {
                return -1;
            }
            int n = (int) Math.min(len, size - read);
            for (int i = 0; i < n; i++) {
                long at = read + i;
                b[off + i] = at < head.length ? head[(int) at] : (byte) ' ';
            }
            read += n;
            return n;
        }
    }
}
