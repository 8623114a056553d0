package dev.portalkit.api.files;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.junit.jupiter.api.Assumptions.assumeFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.portalkit.api.ErrorKind;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The contract every storage adapter passes, through the managed storage the host builds around
 * it (what actions get). A test of an adapter extends this class and supplies only
 * {@link #createStorage}: a fresh, empty storage of its type from options. A capability the
 * storage does not have skips the cases that need it, with the reason.
 *
 * <pre>{@code
 * class S3StorageTest extends StorageContractTest {
 *     protected ManagedStorage createStorage(Map<String, String> options) {
 *         Map<String, String> all = new HashMap<>(Map.of("type", "s3", "bucket", freshBucket()));
 *         all.putAll(options);
 *         return files.openStorage("s3-" + counter++, all);
 *     }
 *     protected int multipartPartSize() { return 5 * 1024 * 1024; }
 * }
 * }</pre>
 *
 * Storages that keep files in a local folder take it from their {@code path} option; the cases
 * about a sibling folder ({@code path + "-secret"}) use it. {@code -Dportalkit.contract.skipLarge=true} skips
 * the 2 GiB case ({@link #SKIP_LARGE}) while iterating.
 */
public abstract class StorageContractTest {
    /** MD5 of {@link PatternStream} over {@link #LARGE_SIZE} bytes. */
    private static final String LARGE_MD5 = "353b8b1ee6762352aff7ad458adbd10b";
    /** 2 GiB and 7 bytes: past every int-sized counter. */
    protected static final long LARGE_SIZE = (2L << 30) + 7;
    /**
     * The system property that skips the {@link #LARGE_SIZE} case while iterating on an adapter:
     * {@code mvn test -Dportalkit.contract.skipLarge=true}. The case runs by default.
     */
    public static final String SKIP_LARGE = "portalkit.contract.skipLarge";
    private static final String HELLO_MD5 = "5eb63bbbe01eeed093cb22bb8f5acdc3";
    private static final String EMPTY_MD5 = "d41d8cd98f00b204e9800998ecf8427e";
    /** A 1x1 PNG. */
    protected static final byte[] PNG = Base64.getDecoder().decode(
            "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==");
    protected static final byte[] HTML = "<!DOCTYPE html>\n<html><head><title>x</title></head><body><script>alert(1)</script></body></html>\n"
            .getBytes(StandardCharsets.UTF_8);

    private final List<ManagedStorage> opened = new ArrayList<>();

    /**
     * A fresh, empty storage of the adapter under test, managed by the host, with these options
     * (keys relative to the storage: {@code max_size}, {@code supported_types},
     * {@code overwrite_existing}, ...) over whatever the adapter needs. Default hashing: md5.
     */
    protected abstract ManagedStorage createStorage(Map<String, String> options);

    /** The part size for multipart cases (parts but the last have it); S3-like backends need 5 MiB. */
    protected int multipartPartSize() {
        return 16;
    }

    /**
     * Whether a storage of this adapter can hold a file of {@code bytes} here. Only adapters that
     * keep content in the JVM's memory say no, when the heap is too small; the case is skipped.
     */
    protected boolean canHold(long bytes) {
        return true;
    }

    @AfterEach
    void closeStorages() {
        for (ManagedStorage s : opened) {
            s.close();
        }
        opened.clear();
    }

    /** A storage from {@code key, value, key, value...}; closed after the test. */
    protected ManagedStorage storage(String... keyValues) {
        Map<String, String> options = new LinkedHashMap<>();
        for (int i = 0; i < keyValues.length; i += 2) {
            options.put(keyValues[i], keyValues[i + 1]);
        }
        ManagedStorage storage = createStorage(options);
        opened.add(storage);
        return storage;
    }

    // ---- helpers --------------------------------------------------------------------------------

    protected static Upload bytes(String content, String filename, String type) {
        return Upload.of(content.getBytes(StandardCharsets.UTF_8), filename, type);
    }

    protected static Upload unsized(byte[] content, String filename, String type) {
        return Upload.of(new java.io.ByteArrayInputStream(content), filename, type, -1);
    }

    protected static Location at(String location) {
        return new Location(location);
    }

    protected static FileData file(String location) {
        return FileData.of(new Location(location));
    }

    protected static byte[] read(InputStream in) {
        try (in) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    protected static String text(InputStream in) {
        return new String(read(in), StandardCharsets.UTF_8);
    }

    protected static String md5(byte[] content) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(content));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    protected static void assertFails(ErrorKind kind, ThrowingCallable call) {
        assertThatThrownBy(call).isInstanceOfSatisfying(dev.portalkit.api.PortalException.class,
                e -> assertThat(e.kind()).as(e.getMessage()).isEqualTo(kind));
    }

    protected static FileData upload(ManagedStorage storage, String location, String content) {
        return storage.uploader().upload(at(location), bytes(content, LocationName.of(location), "text/plain"), false);
    }

    private static Set<String> scan(ManagedStorage storage) {
        try (Stream<Location> all = storage.manager().scan()) {
            return all.map(Location::value).collect(Collectors.toCollection(TreeSet::new));
        }
    }

    private static boolean exists(ManagedStorage storage, String location) {
        return storage.manager().exists(file(location));
    }

    /** The name part of a location. */
    private static final class LocationName {
        static String of(String location) {
            return location.substring(location.lastIndexOf('/') + 1);
        }
    }

    // ---- capabilities ---------------------------------------------------------------------------

    @Test
    void everyOperationOutsideTheCapabilitiesIsRefusedAsUnsupported() {
        ManagedStorage storage = storage();
        Set<Capability> have = storage.capabilities();
        assertThat(have).as("a storage that cannot store anything is of no use").contains(Capability.CREATE);
        Map<Capability, ThrowingCallable> calls = new LinkedHashMap<>();
        FileData some = file("some.txt");
        calls.put(Capability.STREAM, () -> storage.reader().stream(some));
        calls.put(Capability.RANGE, () -> storage.reader().range(some, 0, 1));
        calls.put(Capability.REMOVE, () -> storage.manager().remove(some));
        calls.put(Capability.EXISTS, () -> storage.manager().exists(some));
        calls.put(Capability.SCAN, () -> storage.manager().scan().close());
        calls.put(Capability.ANALYZE, () -> storage.manager().analyze(some.location()));
        calls.put(Capability.COPY, () -> storage.manager().copy(at("other.txt"), some, false));
        calls.put(Capability.MOVE, () -> storage.manager().move(at("other.txt"), some, false));
        calls.put(Capability.APPEND, () -> storage.manager().append(some, bytes("x", "x", null)));
        calls.put(Capability.COMPOSE, () -> storage.manager().compose(at("other.txt"), List.of(some), false));
        calls.put(Capability.PUBLIC_LINK, () -> storage.reader().publicLink(some));
        calls.put(Capability.TEMPORAL_LINK, () -> storage.reader().temporalLink(some, java.time.Duration.ofMinutes(1), "x"));
        calls.put(Capability.PERMANENT_LINK, () -> storage.reader().permanentLink(some));
        calls.put(Capability.ONE_TIME_LINK, () -> storage.reader().oneTimeLink(some));
        calls.forEach((capability, call) -> {
            if (!have.contains(capability)) {
                assertFails(ErrorKind.UNSUPPORTED, call);
            }
        });
        assertThat(storage.uploader().multipart().isPresent()).as("multipart() is there exactly when MULTIPART is")
                .isEqualTo(have.contains(Capability.MULTIPART));
        Set<Capability> services = java.util.EnumSet.noneOf(Capability.class);
        services.addAll(storage.uploader().capabilities());
        services.addAll(storage.reader().capabilities());
        services.addAll(storage.manager().capabilities());
        assertThat(services).as("the services together declare the storage's capabilities").isEqualTo(have);
    }

    @Test
    void disabledCapabilitiesAreGoneAndRefused() {
        ManagedStorage full = storage();
        assumeTrue(full.supports(Capability.STREAM), "the storage cannot stream");
        ManagedStorage storage = storage("disabled_capabilities", "STREAM");
        assertThat(storage.capabilities()).doesNotContain(Capability.STREAM);
        upload(storage, "a.txt", "a");
        assertFails(ErrorKind.UNSUPPORTED, () -> storage.reader().stream(file("a.txt")));
    }

    // ---- create and read ------------------------------------------------------------------------

    @Test
    void anUploadIsMeasuredHashedTypedAndReadBack() {
        ManagedStorage storage = storage();
        assumeTrue(storage.supports(Capability.STREAM), "the storage cannot stream");
        FileData data = storage.uploader().upload(at("hello.txt"), bytes("hello world", "hello.txt", null), false);
        assertThat(data.location()).isEqualTo(at("hello.txt"));
        assertThat(data.size()).isEqualTo(11);
        assertThat(data.hash()).isEqualTo(HELLO_MD5);
        assertThat(data.hashAlgorithm()).isEqualTo("md5");
        assertThat(data.contentType()).isEqualTo("text/plain");
        assertThat(text(storage.reader().stream(data))).isEqualTo("hello world");
        assertThat(text(storage.reader().stream(file("hello.txt")))).as("the location alone is enough").isEqualTo("hello world");
    }

    @Test
    void emptyFilesAreFiles() {
        ManagedStorage storage = storage();
        FileData data = storage.uploader().upload(at("empty.bin"), Upload.of(new byte[0], "empty.bin", null), false);
        assertThat(data.size()).isZero();
        assertThat(data.hash()).isEqualTo(EMPTY_MD5);
        FileData unsized = storage.uploader().upload(at("empty2.bin"), unsized(new byte[0], "empty2.bin", null), false);
        assertThat(unsized.size()).isZero();
        if (storage.supports(Capability.STREAM)) {
            assertThat(read(storage.reader().stream(data))).isEmpty();
        }
        if (storage.supports(Capability.EXISTS)) {
            assertThat(exists(storage, "empty.bin")).isTrue();
        }
        if (storage.supports(Capability.ANALYZE)) {
            assertThat(storage.manager().analyze(at("empty.bin")).size()).isZero();
        }
        if (storage.supports(Capability.SCAN)) {
            assertThat(scan(storage)).containsExactly("empty.bin", "empty2.bin");
        }
    }

    @Test
    void unicodeNamesWork() {
        ManagedStorage storage = storage();
        String name = "naïve façade 文件 😀.txt";
        Location location = storage.prepareLocation(name, null);
        assertThat(location.value()).isEqualTo(name);
        storage.uploader().upload(location, bytes("unicode", name, "text/plain"), false);
        if (storage.supports(Capability.STREAM)) {
            assertThat(text(storage.reader().stream(FileData.of(location)))).isEqualTo("unicode");
        }
        if (storage.supports(Capability.SCAN)) {
            assertThat(scan(storage)).containsExactly(name);
        }
        if (storage.supports(Capability.EXISTS)) {
            assertThat(storage.manager().exists(FileData.of(location))).isTrue();
        }
    }

    @Test
    void aFileOfMoreThanTwoGibibytesStreamsInAndOut() {
        assumeFalse(Boolean.getBoolean(SKIP_LARGE), "-D" + SKIP_LARGE + "=true skips the 2 GiB case");
        assumeTrue(canHold(LARGE_SIZE), "the storage keeps content in memory and this JVM's heap cannot hold 2 GiB");
        ManagedStorage storage = storage();
        FileData data = storage.uploader().upload(at("large.bin"),
                Upload.of(new PatternStream(LARGE_SIZE), "large.bin", "application/octet-stream", -1), false);
        try {
            assertThat(data.size()).isEqualTo(LARGE_SIZE);
            assertThat(data.hash()).isEqualTo(LARGE_MD5);
            if (storage.supports(Capability.STREAM)) {
                try (InputStream in = storage.reader().stream(data)) {
                    assertThat(PatternStream.matches(in, LARGE_SIZE)).as("the content read back is the content written").isTrue();
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
            if (storage.supports(Capability.RANGE)) {
                long start = (1L << 31) - 3;
                Throwable refused = catchThrowable(() -> {
                    byte[] slice = read(storage.reader().range(data, start, start + 10));
                    assertThat(slice).isEqualTo(PatternStream.slice(start, 10));
                });
                if (refused != null) {
                    // Only an emulated range may refuse, beyond its inefficient_operation_cap.
                    assertThat(refused).isInstanceOfSatisfying(FilesException.class,
                            e -> assertThat(e.kind()).isEqualTo(ErrorKind.UNSUPPORTED));
                }
            }
            if (storage.supports(Capability.EXISTS)) {
                assertThat(exists(storage, "large.bin")).isTrue();
            }
        } finally {
            if (storage.supports(Capability.REMOVE)) {
                storage.manager().remove(data);
            }
        }
    }

    /**
     * {@link Manager#stat} (part of EXISTS) finds stored files and no missing ones; a size it knows
     * is the stored size, a time it knows is when the bytes were written (not before the test began,
     * allowing a backend's whole-second timestamps, and not in the future).
     */
    @Test
    void statDescribesStoredFilesWithoutReadingThem() {
        ManagedStorage storage = storage();
        assumeTrue(storage.supports(Capability.EXISTS), "the storage cannot tell whether a file exists");
        java.time.Instant before = java.time.Instant.now().minusSeconds(2);
        FileData data = storage.uploader().upload(at("stat-seven.txt"), bytes("1234567", "seven.txt", "text/plain"), false);
        java.time.Instant after = java.time.Instant.now().plusSeconds(2);
        FileStat stat = storage.manager().stat(data).orElseThrow(() -> new AssertionError("stat found no stored file"));
        assertThat(stat.size()).as("a size stat knows").isIn(-1L, 7L);
        if (stat.modified() != null) {
            assertThat(stat.modified()).isBetween(before, after);
        }
        assertThat(storage.manager().stat(FileData.of(at("stat-missing.txt")))).isEmpty();
    }

    @Test
    void missingFilesAreNotFound() {
        ManagedStorage storage = storage();
        FileData missing = file("missing.txt");
        if (storage.supports(Capability.STREAM)) {
            assertFails(ErrorKind.NOT_FOUND, () -> read(storage.reader().stream(missing)));
        }
        if (storage.supports(Capability.RANGE)) {
            assertFails(ErrorKind.NOT_FOUND, () -> read(storage.reader().range(missing, 0, 2)));
        }
        if (storage.supports(Capability.EXISTS)) {
            assertThat(storage.manager().exists(missing)).isFalse();
        }
        if (storage.supports(Capability.REMOVE)) {
            assertThat(storage.manager().remove(missing)).isFalse();
        }
        if (storage.supports(Capability.ANALYZE)) {
            assertFails(ErrorKind.NOT_FOUND, () -> storage.manager().analyze(missing.location()));
        }
        if (storage.supports(Capability.COPY)) {
            assertFails(ErrorKind.NOT_FOUND, () -> storage.manager().copy(at("copy.txt"), missing, false));
        }
        if (storage.supports(Capability.MOVE)) {
            assertFails(ErrorKind.NOT_FOUND, () -> storage.manager().move(at("moved.txt"), missing, false));
        }
        if (storage.supports(Capability.APPEND)) {
            assertFails(ErrorKind.NOT_FOUND, () -> storage.manager().append(missing, bytes("x", "x", null)));
        }
        if (storage.supports(Capability.COMPOSE)) {
            assertFails(ErrorKind.NOT_FOUND, () -> storage.manager().compose(at("all.txt"), List.of(missing), false));
        }
        if (storage.supports(Capability.SCAN)) {
            assertThat(scan(storage)).isEmpty();
        }
    }

    @Test
    void removeRemoves() {
        ManagedStorage storage = storage();
        assumeTrue(storage.supports(Capability.REMOVE), "the storage cannot remove files");
        FileData data = upload(storage, "gone.txt", "soon gone");
        assertThat(storage.manager().remove(data)).isTrue();
        assertThat(storage.manager().remove(data)).isFalse();
        if (storage.supports(Capability.EXISTS)) {
            assertThat(exists(storage, "gone.txt")).isFalse();
        }
        if (storage.supports(Capability.STREAM)) {
            assertFails(ErrorKind.NOT_FOUND, () -> read(storage.reader().stream(data)));
        }
    }

    // ---- overwrite ------------------------------------------------------------------------------

    @Test
    void withoutOverwriteAnExistingFileStays() {
        ManagedStorage storage = storage("overwrite_existing", "false");
        upload(storage, "same.txt", "first");
        assertFails(ErrorKind.ALREADY_EXISTS, () -> upload(storage, "same.txt", "second"));
        assertFails(ErrorKind.ALREADY_EXISTS, () -> storage.uploader().upload(at("same.txt"), bytes("third", "same.txt", null), true));
        if (storage.supports(Capability.STREAM)) {
            assertThat(text(storage.reader().stream(file("same.txt")))).isEqualTo("first");
        }
    }

    @Test
    void withOverwriteAnUploadReplacesTheFileWhenAskedTo() {
        ManagedStorage storage = storage("overwrite_existing", "true");
        upload(storage, "same.txt", "first");
        assertFails(ErrorKind.ALREADY_EXISTS, () -> upload(storage, "same.txt", "not asked to replace"));
        FileData replaced = storage.uploader().upload(at("same.txt"), bytes("second", "same.txt", null), true);
        assertThat(replaced.size()).isEqualTo(6);
        if (storage.supports(Capability.STREAM)) {
            assertThat(text(storage.reader().stream(file("same.txt")))).isEqualTo("second");
        }
        if (storage.supports(Capability.SCAN)) {
            assertThat(scan(storage)).containsExactly("same.txt");
        }
    }

    // ---- limits ---------------------------------------------------------------------------------

    @Test
    void maxSizeIsEnforcedWhileStreamingAndLeavesNothingBehind() {
        ManagedStorage storage = storage("max_size", "1KiB", "overwrite_existing", "true");
        byte[] big = new byte[64 * 1024];
        Arrays.fill(big, (byte) 'x');
        assertFails(ErrorKind.TOO_LARGE, () -> storage.uploader().upload(at("big.txt"), unsized(big, "big.txt", "text/plain"), false));
        assertFails(ErrorKind.TOO_LARGE, () -> storage.uploader().upload(at("big2.txt"), Upload.of(big, "big2.txt", "text/plain"), false));
        byte[] exact = Arrays.copyOf(big, 1024);
        assertThat(storage.uploader().upload(at("exact.txt"), unsized(exact, "exact.txt", "text/plain"), false).size()).isEqualTo(1024);
        // A refused replacement leaves the existing file as it was.
        upload(storage, "kept.txt", "kept");
        assertFails(ErrorKind.TOO_LARGE, () -> storage.uploader().upload(at("kept.txt"), unsized(big, "kept.txt", "text/plain"), true));
        if (storage.supports(Capability.EXISTS)) {
            assertThat(exists(storage, "big.txt")).isFalse();
            assertThat(exists(storage, "big2.txt")).isFalse();
        }
        if (storage.supports(Capability.STREAM)) {
            assertThat(text(storage.reader().stream(file("kept.txt")))).isEqualTo("kept");
            assertFails(ErrorKind.NOT_FOUND, () -> read(storage.reader().stream(file("big.txt"))));
        }
        if (storage.supports(Capability.SCAN)) {
            assertThat(scan(storage)).containsExactly("exact.txt", "kept.txt");
        }
    }

    @Test
    void supportedTypesAreCheckedAgainstTheContent() {
        ManagedStorage images = storage("supported_types", "image");
        FileData png = images.uploader().upload(at("pixel.png"), Upload.of(PNG, "pixel.png", "image/png"), false);
        assertThat(png.contentType()).isEqualTo("image/png");
        FileData undeclared = images.uploader().upload(at("pixel2.png"), Upload.of(PNG, "pixel2.png", null), false);
        assertThat(undeclared.contentType()).isEqualTo("image/png");
        assertFails(ErrorKind.WRONG_TYPE, () -> images.uploader().upload(at("note.txt"), bytes("just text", "note.txt", "text/plain"), false));
        // An HTML page declared and named as a PNG is still HTML.
        assertFails(ErrorKind.WRONG_TYPE, () -> images.uploader().upload(at("evil.png"), Upload.of(HTML, "evil.png", "image/png"), false));
        assertFails(ErrorKind.WRONG_TYPE, () -> images.uploader().upload(at("evil2.png"), unsized(HTML, "evil2.png", "image/png"), false));
        if (images.supports(Capability.EXISTS)) {
            assertThat(exists(images, "evil.png")).isFalse();
            assertThat(exists(images, "note.txt")).isFalse();
        }
        if (images.supports(Capability.SCAN)) {
            assertThat(scan(images)).containsExactly("pixel.png", "pixel2.png");
        }
        ManagedStorage csv = storage("supported_types", "csv");
        FileData table = csv.uploader().upload(at("data.csv"), bytes("a,b\n1,2\n", "data.csv", "text/csv"), false);
        assertThat(table.contentType()).isEqualTo("text/csv");
        ManagedStorage full = storage("supported_types", "text/plain application/pdf");
        assertThat(full.uploader().upload(at("a.txt"), bytes("plain", "a.txt", null), false).contentType()).isEqualTo("text/plain");
        assertFails(ErrorKind.WRONG_TYPE, () -> full.uploader().upload(at("b.png"), Upload.of(PNG, "b.png", "image/png"), false));
    }

    // ---- locations ------------------------------------------------------------------------------

    @Test
    void traversalAndMalformedLocationsAreRefused() {
        ManagedStorage storage = storage();
        assertThat(storage.prepareLocation("fine.txt", null)).isEqualTo(at("fine.txt"));
        for (String bad : List.of("../x", "a/../../x", "..", "/etc/passwd", "a\\..\\b", "a\0b", "a/./b", "a//b", "",
                "x".repeat(300), "C:/Windows/win.ini", "line\nbreak")) {
            assertFails(ErrorKind.BAD_REQUEST, () -> storage.prepareLocation(bad, null));
        }
        // Locations that did not come from prepareLocation are checked too.
        Location sneaky = new Location("../x");
        assertFails(ErrorKind.BAD_REQUEST, () -> storage.uploader().upload(sneaky, bytes("x", "x", null), false));
        if (storage.supports(Capability.STREAM)) {
            assertFails(ErrorKind.BAD_REQUEST, () -> storage.reader().stream(FileData.of(sneaky)));
            assertFails(ErrorKind.BAD_REQUEST, () -> storage.reader().stream(file("/etc/passwd")));
        }
        if (storage.supports(Capability.EXISTS)) {
            assertFails(ErrorKind.BAD_REQUEST, () -> storage.manager().exists(FileData.of(sneaky)));
        }
        if (storage.supports(Capability.REMOVE)) {
            assertFails(ErrorKind.BAD_REQUEST, () -> storage.manager().remove(FileData.of(sneaky)));
        }
        if (storage.supports(Capability.COPY)) {
            upload(storage, "src.txt", "src");
            assertFails(ErrorKind.BAD_REQUEST, () -> storage.manager().copy(sneaky, file("src.txt"), false));
        }
    }

    @Test
    void aSiblingFolderOfTheStorageCannotBeReached() throws IOException {
        ManagedStorage storage = storage();
        String path = storage.settings().option("path");
        assumeTrue(path != null, "the storage keeps no files in a local folder");
        Path root = Path.of(path).toAbsolutePath().normalize();
        Path sibling = root.resolveSibling(root.getFileName() + "-secret");
        Files.createDirectories(sibling);
        Files.writeString(sibling.resolve("secret.txt"), "secret");
        String escape = "../" + sibling.getFileName() + "/secret.txt";
        assertFails(ErrorKind.BAD_REQUEST, () -> storage.prepareLocation(escape, null));
        assertFails(ErrorKind.BAD_REQUEST, () -> storage.prepareLocation(sibling.resolve("secret.txt").toString(), null));
        assertFails(ErrorKind.BAD_REQUEST, () -> storage.uploader().upload(at(escape), bytes("overwritten", "secret.txt", null), false));
        assertFails(ErrorKind.BAD_REQUEST, () -> storage.uploader().upload(at("../" + sibling.getFileName() + "/new.txt"),
                bytes("planted", "new.txt", null), false));
        if (storage.supports(Capability.STREAM)) {
            assertFails(ErrorKind.BAD_REQUEST, () -> read(storage.reader().stream(file(escape))));
            assertFails(ErrorKind.BAD_REQUEST, () -> read(storage.reader().stream(file(sibling.resolve("secret.txt").toString()))));
        }
        if (storage.supports(Capability.REMOVE)) {
            assertFails(ErrorKind.BAD_REQUEST, () -> storage.manager().remove(file(escape)));
        }
        try (Stream<Path> left = Files.list(sibling)) {
            assertThat(left.map(p -> p.getFileName().toString())).containsExactly("secret.txt");
        }
        assertThat(Files.readString(sibling.resolve("secret.txt"))).isEqualTo("secret");
    }

    // ---- management -----------------------------------------------------------------------------

    @Test
    void copyMakesASecondFile() {
        ManagedStorage storage = storage();
        assumeTrue(storage.supports(Capability.COPY, Capability.STREAM), "the storage cannot copy or stream");
        FileData source = upload(storage, "src.txt", "copy me");
        FileData copy = storage.manager().copy(at("dst.txt"), source, false);
        assertThat(copy.location()).isEqualTo(at("dst.txt"));
        assertThat(copy.size()).isEqualTo(7);
        assertThat(text(storage.reader().stream(copy))).isEqualTo("copy me");
        assertThat(text(storage.reader().stream(source))).isEqualTo("copy me");
        upload(storage, "taken.txt", "taken");
        assertFails(ErrorKind.ALREADY_EXISTS, () -> storage.manager().copy(at("taken.txt"), source, false));
        assertThat(text(storage.reader().stream(file("taken.txt")))).isEqualTo("taken");
        // In place (skip_in_place_copy, on by default): nothing happens, the source's data comes back.
        assertThat(storage.manager().copy(at("src.txt"), source, true)).isEqualTo(source);
        assertThat(text(storage.reader().stream(source))).isEqualTo("copy me");
    }

    @Test
    void moveTakesTheFileAway() {
        ManagedStorage storage = storage();
        assumeTrue(storage.supports(Capability.MOVE, Capability.STREAM), "the storage cannot move or stream");
        FileData source = upload(storage, "from.txt", "move me");
        FileData moved = storage.manager().move(at("to.txt"), source, false);
        assertThat(moved.location()).isEqualTo(at("to.txt"));
        assertThat(text(storage.reader().stream(moved))).isEqualTo("move me");
        assertFails(ErrorKind.NOT_FOUND, () -> read(storage.reader().stream(source)));
        FileData other = upload(storage, "other.txt", "other");
        assertFails(ErrorKind.ALREADY_EXISTS, () -> storage.manager().move(at("to.txt"), other, false));
        assertThat(text(storage.reader().stream(other))).isEqualTo("other");
        // In place (skip_in_place_move, on by default): nothing happens, the file stays.
        assertThat(storage.manager().move(at("other.txt"), other, true)).isEqualTo(other);
        assertThat(text(storage.reader().stream(other))).isEqualTo("other");
        if (storage.supports(Capability.SCAN)) {
            assertThat(scan(storage)).containsExactly("other.txt", "to.txt");
        }
    }

    @Test
    void composeConcatenates() {
        ManagedStorage storage = storage();
        assumeTrue(storage.supports(Capability.COMPOSE, Capability.STREAM), "the storage cannot compose or stream");
        FileData a = upload(storage, "a.txt", "hello ");
        FileData b = upload(storage, "b.txt", "world");
        FileData all = storage.manager().compose(at("all.txt"), List.of(a, b), false);
        assertThat(all.size()).isEqualTo(11);
        if (!all.hash().isEmpty()) {
            assertThat(all.hash()).isEqualTo(HELLO_MD5);
        }
        assertThat(text(storage.reader().stream(all))).isEqualTo("hello world");
        assertThat(text(storage.reader().stream(a))).isEqualTo("hello ");
        assertFails(ErrorKind.ALREADY_EXISTS, () -> storage.manager().compose(at("a.txt"), List.of(b), false));
    }

    @Test
    void appendAddsAtTheEnd() {
        ManagedStorage storage = storage();
        assumeTrue(storage.supports(Capability.APPEND, Capability.STREAM), "the storage cannot append or stream");
        FileData data = upload(storage, "log.txt", "hello ");
        FileData appended = storage.manager().append(data, bytes("world", "part", null));
        assertThat(appended.size()).isEqualTo(11);
        assertThat(text(storage.reader().stream(data))).isEqualTo("hello world");
    }

    @Test
    void appendKeepsTheFileWhenTheAddedPartIsTooLarge() {
        ManagedStorage storage = storage("max_size", "16");
        assumeTrue(storage.supports(Capability.APPEND, Capability.STREAM), "the storage cannot append or stream");
        FileData data = upload(storage, "log.txt", "start");
        assertFails(ErrorKind.TOO_LARGE, () -> storage.manager().append(data, unsized(new byte[100], "part", null)));
        assertThat(text(storage.reader().stream(data))).isEqualTo("start");
    }

    @Test
    void rangesAreHalfOpenAndClipped() {
        ManagedStorage storage = storage();
        assumeTrue(storage.supports(Capability.RANGE), "the storage cannot read ranges");
        FileData data = upload(storage, "hello.txt", "hello world");
        assertThat(text(storage.reader().range(data, 2, 5))).isEqualTo("llo");
        assertThat(text(storage.reader().range(data, 0, 0))).isEmpty();
        assertThat(text(storage.reader().range(data, 6, 100))).isEqualTo("world");
        assertThat(text(storage.reader().range(data, 20, 30))).isEmpty();
        assertFails(ErrorKind.BAD_REQUEST, () -> storage.reader().range(data, -1, 3));
        assertFails(ErrorKind.BAD_REQUEST, () -> storage.reader().range(data, 5, 2));
    }

    @Test
    void scanListsEveryFile() {
        ManagedStorage storage = storage();
        assumeTrue(storage.supports(Capability.SCAN), "the storage cannot list its files");
        assertThat(scan(storage)).isEmpty();
        for (String name : List.of("c.txt", "a.txt", "b.txt")) {
            upload(storage, name, name);
        }
        assertThat(scan(storage)).containsExactly("a.txt", "b.txt", "c.txt");
    }

    @Test
    void analyzeDescribesAStoredFile() {
        ManagedStorage storage = storage();
        assumeTrue(storage.supports(Capability.ANALYZE), "the storage cannot analyze files");
        upload(storage, "hello.txt", "hello world");
        FileData data = storage.manager().analyze(at("hello.txt"));
        assertThat(data.size()).isEqualTo(11);
        assertThat(data.hash()).isEqualTo(HELLO_MD5);
        assertThat(data.hashAlgorithm()).isEqualTo("md5");
        assertThat(data.contentType()).isEqualTo("text/plain");
        storage.uploader().upload(at("pixel.png"), Upload.of(PNG, "pixel.png", null), false);
        assertThat(storage.manager().analyze(at("pixel.png")).contentType()).isEqualTo("image/png");
    }

    // ---- multipart ------------------------------------------------------------------------------

    private byte[] multipartContent() {
        int part = Math.max(multipartPartSize(), 16);
        byte[] content = new byte[part * 2 + 5];
        for (int i = 0; i < content.length; i++) {
            content[i] = (byte) ('a' + i % 26);
        }
        return content;
    }

    private Upload part(byte[] content, int number) {
        int size = Math.max(multipartPartSize(), 16);
        int from = (number - 1) * size;
        return Upload.of(Arrays.copyOfRange(content, from, Math.min(content.length, from + size)), "part" + number, null);
    }

    @Test
    void multipartUploadsAssembleInOrderWhateverOrderThePartsCameIn() {
        ManagedStorage storage = storage();
        assumeTrue(storage.supports(Capability.MULTIPART, Capability.STREAM), "the storage has no multipart uploads");
        byte[] content = multipartContent();
        MultipartData upload = storage.uploader().multipart().orElseThrow().start(new MultipartData(at("big.txt"), content.length, "text/plain",
                md5(content), Map.of()));
        upload = storage.uploader().multipart().orElseThrow().update(upload, 3, part(content, 3));
        upload = storage.uploader().multipart().orElseThrow().update(upload, 1, Upload.of("wrong first part".getBytes(StandardCharsets.UTF_8), "p", null));
        upload = storage.uploader().multipart().orElseThrow().update(upload, 2, part(content, 2));
        // Part 1 sent again replaces what came before.
        upload = storage.uploader().multipart().orElseThrow().update(upload, 1, part(content, 1));
        MultipartData state = upload;
        assertFails(ErrorKind.BAD_REQUEST, () -> storage.uploader().multipart().orElseThrow().update(state, 0, part(content, 1)));
        assertFails(ErrorKind.BAD_REQUEST, () -> storage.uploader().multipart().orElseThrow().update(state, MultipartData.MAX_PARTS + 1, part(content, 1)));
        assertFails(ErrorKind.TOO_LARGE, () -> storage.uploader().multipart().orElseThrow().update(state, 4,
                Upload.of(new byte[content.length + 1], "p", null)));
        FileData data = storage.uploader().multipart().orElseThrow().complete(upload);
        assertThat(data.size()).isEqualTo(content.length);
        assertThat(data.hash()).isEqualTo(md5(content));
        assertThat(data.contentType()).isEqualTo("text/plain");
        assertThat(read(storage.reader().stream(data))).isEqualTo(content);
        if (storage.supports(Capability.SCAN)) {
            assertThat(scan(storage)).containsExactly("big.txt");
        }
    }

    @Test
    void multipartCompletionRefusesAWrongSizeAndLeavesNothing() {
        ManagedStorage storage = storage();
        assumeTrue(storage.supports(Capability.MULTIPART), "the storage has no multipart uploads");
        byte[] content = multipartContent();
        MultipartData upload = storage.uploader().multipart().orElseThrow().start(new MultipartData(at("short.txt"), content.length + 1, "text/plain",
                "", Map.of()));
        for (int n = 1; n <= 3; n++) {
            upload = storage.uploader().multipart().orElseThrow().update(upload, n, part(content, n));
        }
        MultipartData done = upload;
        assertFails(ErrorKind.BAD_REQUEST, () -> storage.uploader().multipart().orElseThrow().complete(done));
        assertNothingAt(storage, "short.txt");
    }

    @Test
    void multipartCompletionRefusesAWrongHashAndLeavesNothing() {
        ManagedStorage storage = storage();
        assumeTrue(storage.supports(Capability.MULTIPART), "the storage has no multipart uploads");
        byte[] content = multipartContent();
        MultipartData upload = storage.uploader().multipart().orElseThrow().start(new MultipartData(at("tampered.txt"), content.length, "text/plain",
                md5("something else".getBytes(StandardCharsets.UTF_8)), Map.of()));
        for (int n = 1; n <= 3; n++) {
            upload = storage.uploader().multipart().orElseThrow().update(upload, n, part(content, n));
        }
        MultipartData done = upload;
        assertFails(ErrorKind.CONFLICT, () -> storage.uploader().multipart().orElseThrow().complete(done));
        assertNothingAt(storage, "tampered.txt");
    }

    @Test
    void multipartCompletionNeedsEveryPart() {
        ManagedStorage storage = storage();
        assumeTrue(storage.supports(Capability.MULTIPART), "the storage has no multipart uploads");
        byte[] content = multipartContent();
        MultipartData upload = storage.uploader().multipart().orElseThrow().start(new MultipartData(at("gap.txt"), content.length, null, "", Map.of()));
        upload = storage.uploader().multipart().orElseThrow().update(upload, 1, part(content, 1));
        upload = storage.uploader().multipart().orElseThrow().update(upload, 3, part(content, 3));
        MultipartData gap = upload;
        assertFails(ErrorKind.BAD_REQUEST, () -> storage.uploader().multipart().orElseThrow().complete(gap));
        storage.uploader().multipart().orElseThrow().abort(gap);
        assertFails(ErrorKind.NOT_FOUND, () -> storage.uploader().multipart().orElseThrow().update(gap, 2, part(content, 2)));
        assertNothingAt(storage, "gap.txt");
    }

    @Test
    void multipartUploadsAreTypeCheckedAndSizeLimited() {
        ManagedStorage storage = storage("supported_types", "image", "max_size", "1KiB");
        assumeTrue(storage.supports(Capability.MULTIPART), "the storage has no multipart uploads");
        assertFails(ErrorKind.TOO_LARGE, () -> storage.uploader().multipart().orElseThrow().start(new MultipartData(at("huge.png"), 4096, "image/png",
                "", Map.of())));
        MultipartData upload = storage.uploader().multipart().orElseThrow().start(new MultipartData(at("evil.png"), HTML.length, "image/png", "", Map.of()));
        assertFails(ErrorKind.WRONG_TYPE, () -> storage.uploader().multipart().orElseThrow().update(upload, 1, Upload.of(HTML, "evil.png", "image/png")));
        storage.uploader().multipart().orElseThrow().abort(upload);
        assertNothingAt(storage, "evil.png");
    }

    private static void assertNothingAt(ManagedStorage storage, String location) {
        if (storage.supports(Capability.EXISTS)) {
            assertThat(exists(storage, location)).isFalse();
        }
        if (storage.supports(Capability.SCAN)) {
            assertThat(scan(storage)).doesNotContain(location);
        }
    }

    /**
     * A generated stream of any length: a 65521-byte block repeated, so a multi-GiB upload costs no
     * memory and little CPU.
     */
    protected static final class PatternStream extends InputStream {
        private static final byte[] BLOCK = new byte[65521];

        static {
            for (int i = 0; i < BLOCK.length; i++) {
                BLOCK[i] = (byte) (i * 131 + (i >>> 7) * 17 + 1);
            }
        }

        private final long size;
        private long position;

        public PatternStream(long size) {
            this.size = size;
        }

        @Override
        public int read() {
            if (position >= size) {
                return -1;
            }
            return BLOCK[(int) (position++ % BLOCK.length)] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) {
            if (len == 0) {
                return 0;
            }
            if (position >= size) {
                return -1;
            }
            int n = (int) Math.min(len, size - position);
            fill(position, b, off, n);
            position += n;
            return n;
        }

        private static void fill(long from, byte[] b, int off, int n) {
            int done = 0;
            while (done < n) {
                int at = (int) ((from + done) % BLOCK.length);
                int chunk = Math.min(n - done, BLOCK.length - at);
                System.arraycopy(BLOCK, at, b, off + done, chunk);
                done += chunk;
            }
        }

        /** {@code length} bytes of the pattern from {@code start}. */
        public static byte[] slice(long start, int length) {
            byte[] out = new byte[length];
            fill(start, out, 0, length);
            return out;
        }

        /** Whether {@code in} holds exactly the pattern's first {@code size} bytes. */
        public static boolean matches(InputStream in, long size) throws IOException {
            byte[] got = new byte[1 << 20];
            byte[] want = new byte[got.length];
            long position = 0;
            int n;
            while ((n = in.read(got)) >= 0) {
                if (position + n > size) {
                    return false;
                }
                fill(position, want, 0, n);
                if (Arrays.mismatch(got, 0, n, want, 0, n) >= 0) {
                    return false;
                }
                position += n;
            }
            return position == size;
        }
    }

    /** Collects what a stream gave, for adapters' own tests. */
    protected static byte[] drain(InputStream in) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        in.transferTo(out);
        return out.toByteArray();
    }
}
