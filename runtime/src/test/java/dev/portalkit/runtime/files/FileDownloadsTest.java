package dev.portalkit.runtime.files;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.portalkit.api.ErrorKind;
import dev.portalkit.api.files.FileData;
import dev.portalkit.api.files.FilesException;
import dev.portalkit.api.files.Location;
import dev.portalkit.api.files.ManagedStorage;
import dev.portalkit.api.files.Upload;
import dev.portalkit.runtime.files.download.DownloadRequest;
import dev.portalkit.runtime.files.download.DownloadResponse;
import dev.portalkit.runtime.files.download.DownloadTarget;
import dev.portalkit.runtime.files.download.DownloadableFile;
import dev.portalkit.runtime.files.download.FileDownloads;
import dev.portalkit.runtime.plugins.MinimalFilesPlugin;
import dev.portalkit.runtime.testing.TestPortal;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The download service without HTTP: bodies, ranges on each kind of storage, edge cases. */
class FileDownloadsTest {
    static TestPortal portal;
    static FileDownloads downloads;
    static ManagedStorage fs;
    static ManagedStorage minimal;

    @BeforeAll
    static void start() throws Exception {
        Path dir = Files.createTempDirectory("downloads-");
        portal = TestPortal.builder().plugins("minimal-files")
                .option("portal.files.storage.fs.type", "files:fs")
                .option("portal.files.storage.fs.path", dir.resolve("fs").toString())
                .option("portal.files.storage.fs.create_path", "true")
                .option("portal.files.storage.min.type", MinimalFilesPlugin.TYPE)
                .option("portal.files.storage.min.inefficient_operation_cap", "1KiB")
                .option("portal.files.inline_content_types", "text/csv image/* pdf video")
                .start();
        FilesPlugin files = FilesPlugin.of(portal.portal());
        downloads = files.downloads();
        fs = files.storages().get("fs");
        minimal = files.storages().get("min");
    }

    @AfterAll
    static void stop() {
        portal.close();
    }

    private static FileData store(ManagedStorage storage, String location, byte[] content) {
        return storage.uploader().upload(new Location(location), Upload.of(content, location, "application/octet-stream"), false);
    }

    private static byte[] body(DownloadResponse response) throws Exception {
        if (response.body() instanceof DownloadResponse.LocalFile f) {
            ByteBuffer buffer = ByteBuffer.allocate((int) f.length());
            f.channel().read(buffer, f.offset());
            return buffer.array();
        }
        if (response.body() instanceof DownloadResponse.Content c) {
            try (InputStream in = c.stream()) {
                return in.readAllBytes();
            }
        }
        return new byte[0];
    }

    private static byte[] digits(int n) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) ('0' + i % 10);
        }
        return b;
    }

    @Test
    void localFilesAreOpenChannelsOtherStoragesStreams() throws Exception {
        byte[] content = digits(5000);
        FileData onDisk = store(fs, "a.bin", content);
        try (DownloadResponse r = downloads.respond(fs, DownloadTarget.tracked(onDisk, "a.bin", null), DownloadRequest.get())) {
            assertThat(r.body()).isInstanceOf(DownloadResponse.LocalFile.class);
            assertThat(body(r)).isEqualTo(content);
        }
        FileData elsewhere = store(minimal, "a.bin", content);
        try (DownloadResponse r = downloads.respond(minimal, DownloadTarget.tracked(elsewhere, "a.bin", null),
                DownloadRequest.get().withRange("bytes=100-199"))) {
            assertThat(r.status()).isEqualTo(206);
            assertThat(r.body()).isInstanceOf(DownloadResponse.Content.class);
            assertThat(body(r)).isEqualTo(java.util.Arrays.copyOfRange(content, 100, 200));
        }
        // Emulated ranges stop at inefficient_operation_cap (1 KiB here): past it the file goes whole.
        try (DownloadResponse r = downloads.respond(minimal, DownloadTarget.tracked(elsewhere, "a.bin", null),
                DownloadRequest.get().withRange("bytes=4000-4009"))) {
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.header("Content-Length")).isEqualTo("5000");
            assertThat(body(r)).isEqualTo(content);
        }
        // HEAD opens nothing.
        try (DownloadResponse r = downloads.respond(fs, DownloadTarget.tracked(onDisk, "a.bin", null),
                new DownloadRequest(true, "bytes=0-0", null, null, null))) {
            assertThat(r.status()).isEqualTo(206);
            assertThat(r.body()).isInstanceOf(DownloadResponse.None.class);
            assertThat(r.header("Content-Length")).isEqualTo("1");
        }
    }

    @Test
    void emptyFiles() throws Exception {
        FileData empty = store(fs, "empty.txt", new byte[0]);
        try (DownloadResponse r = downloads.respond(fs, DownloadTarget.tracked(empty, "empty.txt", null), DownloadRequest.get())) {
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.header("Content-Length")).isEqualTo("0");
        }
        for (String range : List.of("bytes=0-", "bytes=-1", "bytes=0-0")) {
            try (DownloadResponse r = downloads.respond(fs, DownloadTarget.tracked(empty, "empty.txt", null),
                    DownloadRequest.get().withRange(range))) {
                assertThat(r.status()).as(range).isEqualTo(416);
                assertThat(r.header("Content-Range")).isEqualTo("bytes */0");
            }
        }
    }

    @Test
    void theDiskWinsOverAStaleRecordedSize() throws Exception {
        FileData data = store(fs, "grown.bin", digits(10));
        FileData stale = new FileData(data.location(), 4, data.contentType(), data.hash(), data.hashAlgorithm(), Map.of());
        try (DownloadResponse r = downloads.respond(fs, DownloadTarget.tracked(stale, null, null), DownloadRequest.get())) {
            assertThat(r.header("Content-Length")).isEqualTo("10");
            assertThat(r.header("Content-Disposition")).isEqualTo("attachment; filename=\"grown.bin\"; filename*=UTF-8''grown.bin");
        }
    }

    /**
     * The public route detects a local file's type once for each version of the file (path, inode,
     * modification time, size): a file written again is detected again; one rewritten in place
     * with its size and modification time put back keeps the type detected first (as it keeps its
     * entity tag), which shows the type came from the cache.
     */
    @Test
    void publicFilesAreDetectedOncePerVersion() throws Exception {
        byte[] png = java.util.Arrays.copyOf(new byte[]{(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'}, 64);
        FileData data = store(fs, "kind.dat", png);
        Path path = fs.reader().localFile(data).orElseThrow();
        assertThat(downloads.describe(fs, data.location()).data().contentType()).isEqualTo("image/png");
        byte[] pdf = java.util.Arrays.copyOf("%PDF-1.4\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII), 64);
        java.nio.file.attribute.FileTime first = Files.getLastModifiedTime(path);
        Files.write(path, pdf);
        Files.setLastModifiedTime(path, first);
        assertThat(downloads.describe(fs, data.location()).data().contentType()).as("same version: cached").isEqualTo("image/png");
        Files.setLastModifiedTime(path, java.nio.file.attribute.FileTime.from(first.toInstant().plusSeconds(5)));
        assertThat(downloads.describe(fs, data.location()).data().contentType()).as("a new version").isEqualTo("application/pdf");
    }

    @Test
    void missingFiles() {
        FileData ghost = new FileData(new Location("ghost.bin"), 3, null, "abc", "md5", Map.of());
        for (ManagedStorage storage : List.of(fs, minimal)) {
            assertThatThrownBy(() -> downloads.respond(storage, DownloadTarget.tracked(ghost, null, null), DownloadRequest.get()))
                    .isInstanceOf(FilesException.class)
                    .satisfies(e -> assertThat(((FilesException) e).kind()).isEqualTo(ErrorKind.NOT_FOUND));
        }
        assertThatThrownBy(() -> downloads.describe(fs, new Location("ghost.bin"))).isInstanceOf(FilesException.class);
    }

    @Test
    void inlineTypesMatchLikeSupportedTypes() {
        assertThat(downloads.inline("text/csv")).isTrue();
        assertThat(downloads.inline("text/plain")).isFalse();
        assertThat(downloads.inline("image/svg+xml")).isTrue();
        assertThat(downloads.inline("application/pdf")).isTrue();
        assertThat(downloads.inline("video/mp4")).isTrue();
        assertThat(downloads.inline("text/html")).isFalse();
        assertThat(new FileDownloads(List.of(), Duration.ofMinutes(1)).inline("image/png")).isFalse();
    }

    @Test
    void contentDispositionNames() {
        assertThat(FileDownloads.contentDisposition("attachment", "../../etc/passwd"))
                .isEqualTo("attachment; filename=\"passwd\"; filename*=UTF-8''passwd");
        assertThat(FileDownloads.contentDisposition("inline", "C:\\Users\\me\\a \"b\"%.txt"))
                .isEqualTo("inline; filename=\"a _b__.txt\"; filename*=UTF-8''a%20%22b%22%25.txt");
        assertThat(FileDownloads.contentDisposition("attachment", "r\u00e9sum\u00e9\r\n.pdf"))
                .isEqualTo("attachment; filename=\"r_sum_.pdf\"; filename*=UTF-8''r%C3%A9sum%C3%A9.pdf");
        assertThat(FileDownloads.contentDisposition("attachment", "")).contains("filename=\"download\"");
        assertThat(FileDownloads.contentDisposition("attachment", "\u6587\u66f8.txt"))
                .isEqualTo("attachment; filename=\"__.txt\"; filename*=UTF-8''%E6%96%87%E6%9B%B8.txt");
    }

    @Test
    void aTrackedFileIsTaggedByItsHashAndSavedUnderItsName() {
        DownloadableFile file = new DownloadableFile("f1", "fs", new FileData(new Location("x/a.csv"), 12, "text/csv", "abc", "sha256",
                Map.of("k", "v")), "a.csv", Instant.parse("2024-06-14T13:38:40.539670Z"));
        assertThat(file.target().etag()).isEqualTo("\"abc\"");
        DownloadableFile unhashed = new DownloadableFile("f2", "fs", new FileData(new Location("a"), 1, "text/plain", "", "md5",
                Map.of()), "a", null);
        assertThat(unhashed.target().etag()).isNull();
    }
}
