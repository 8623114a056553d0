package dev.portalkit.integration.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.portalkit.api.ErrorKind;
import dev.portalkit.api.PortalException;
import dev.portalkit.api.files.Upload;
import dev.portalkit.runtime.files.content.ContentTypes;
import dev.portalkit.runtime.files.content.Hashing;
import dev.portalkit.runtime.files.managed.LocalUpload;
import dev.portalkit.runtime.intake.FilePlan;
import dev.portalkit.runtime.intake.PartPlanner;
import dev.portalkit.runtime.intake.SpooledParts;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MultipartReaderTest {
    private static final String BOUNDARY = "----portalkitBoundary7MA4YWxkTrZu0gW";

    @TempDir
    Path tmp;

    /** Delivers the body in small random pieces, so parts and delimiters straddle every buffer edge. */
    private static InputStream trickle(byte[] body, long seed) {
        Random random = new Random(seed);
        return new ByteArrayInputStream(body) {
            @Override
            public synchronized int read(byte[] b, int off, int len) {
                return super.read(b, off, Math.min(len, 1 + random.nextInt(5000)));
            }
        };
    }

    private ActionInput read(byte[] body, long seed, long maxBody, long maxUpload) {
        return ActionInput.fromBody("multipart/form-data", BOUNDARY, null, -1, trickle(body, seed), limits(maxBody, maxUpload,
                fields -> FilePlan.PLAIN));
    }

    /** Limits whose intake accepts every file part under the plan {@code plans} gives, spooled to {@link #tmp}. */
    private ActionInput.Limits limits(long maxBody, long maxUpload, Function<Map<String, Object>, FilePlan> plans) {
        return new ActionInput.Limits(maxBody, maxUpload, 1000, new SpooledParts(new PartPlanner() {
            @Override
            public FilePlan filePart(String field, String filename, Map<String, Object> fields, long remaining) {
                return plans.apply(fields);
            }

            @Override
            public Path newSpool() throws IOException {
                return Files.createTempFile(tmp, "upload-", ".part");
            }
        }, 10, "portal.http.max_file_parts"));
    }

    @Test
    void filePartBeforeFieldsWithDelimiterLookalikesInside() throws IOException {
        Random random = new Random(42);
        ByteArrayOutputStream content = new ByteArrayOutputStream();
        for (int i = 0; i < 300; i++) {
            byte[] chunk = new byte[random.nextInt(3000)];
            random.nextBytes(chunk);
            content.write(chunk);
            // Almost-delimiters: the file must keep them.
            content.write(("\r\n--" + BOUNDARY.substring(0, random.nextInt(BOUNDARY.length()))).getBytes(StandardCharsets.ISO_8859_1));
        }
        byte[] file = content.toByteArray();
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.write(("preamble to ignore\r\n--" + BOUNDARY + "\r\n"
                + "Content-Disposition: form-data; name=\"upload\"; filename=\"C:\\\\Users\\\\me\\\\data \\\"v2\\\".csv\"\r\n"
                + "Content-Type: text/csv\r\n\r\n").getBytes(StandardCharsets.UTF_8));
        body.write(file);
        body.write(("\r\n--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"package_id\"\r\n\r\nmy-dataset"
                + "\r\n--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"tag\"\r\n\r\na"
                + "\r\n--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"tag\"\r\n\r\nb"
                + "\r\n--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"title\"\r\nContent-Type: text/plain; charset=UTF-8\r\n\r\nDonn\u00e9es"
                + "\r\n--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"empty\"; filename=\"\"\r\n"
                + "Content-Type: application/octet-stream\r\n\r\n"
                + "\r\n--" + BOUNDARY + "--\r\nepilogue").getBytes(StandardCharsets.UTF_8));
        for (long seed = 0; seed < 5; seed++) {
            try (ActionInput input = read(body.toByteArray(), seed, 1024, 10_000_000)) {
                assertThat(input.data()).containsOnlyKeys("upload", "package_id", "tag", "title");
                Upload upload = (Upload) input.data().get("upload");
                assertThat(upload.filename()).isEqualTo("data \"v2\".csv");
                assertThat(upload.contentType()).isEqualTo("text/csv");
                assertThat(upload.size()).isEqualTo(file.length);
                try (InputStream in = upload.open()) {
                    assertThat(in.readAllBytes()).isEqualTo(file);
                }
                assertThat(input.data().get("package_id")).isEqualTo("my-dataset");
                assertThat(input.data().get("tag")).isEqualTo(List.of("a", "b"));
                assertThat(input.data().get("title")).isEqualTo("Donn\u00e9es");
                assertThat(Files.list(tmp)).hasSize(1);
            }
            assertThat(Files.list(tmp)).isEmpty();
        }
    }

    @Test
    void limitsAndMalformedBodies() {
        String big = "--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"f\"; filename=\"x\"\r\n\r\n"
                + "x".repeat(5000) + "\r\n--" + BOUNDARY + "--\r\n";
        assertThatThrownBy(() -> read(big.getBytes(StandardCharsets.UTF_8), 1, 1024, 4000))
                .isInstanceOfSatisfying(PortalException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.TOO_LARGE));
        String text = "--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"f\"\r\n\r\n"
                + "x".repeat(2000) + "\r\n--" + BOUNDARY + "--\r\n";
        assertThatThrownBy(() -> read(text.getBytes(StandardCharsets.UTF_8), 1, 1024, 100_000))
                .isInstanceOfSatisfying(PortalException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.TOO_LARGE));
        String unterminated = "--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"f\"; filename=\"x\"\r\n\r\nabc";
        assertThatThrownBy(() -> read(unterminated.getBytes(StandardCharsets.UTF_8), 1, 1024, 100_000))
                .isInstanceOfSatisfying(PortalException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.BAD_REQUEST));
        assertThat(tmp.toFile().list()).isEmpty();
    }

    /** A body of {@code fields} (text, in order) then one file part {@code upload} of {@code file}. */
    private static byte[] form(Map<String, String> fields, byte[] file) throws IOException {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        for (Map.Entry<String, String> field : fields.entrySet()) {
            body.write(("--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"" + field.getKey() + "\"\r\n\r\n"
                    + field.getValue() + "\r\n").getBytes(StandardCharsets.UTF_8));
        }
        body.write(("--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"upload\"; filename=\"data.bin\"\r\n"
                + "Content-Type: application/octet-stream\r\n\r\n").getBytes(StandardCharsets.UTF_8));
        body.write(file);
        body.write(("\r\n--" + BOUNDARY + "--\r\n").getBytes(StandardCharsets.UTF_8));
        return body.toByteArray();
    }

    @Test
    void aFilePartIsHashedAndItsHeadKeptWhileItIsSpooled() throws IOException {
        byte[] file = new byte[3 * 1024 * 1024 + 5];
        new Random(7).nextBytes(file);
        MessageDigest md5 = Hashing.digest("md5");
        String expected = HexFormat.of().formatHex(md5.digest(file));
        ActionInput.Limits limits = limits(1024, 10_000_000, fields -> new FilePlan("md5", Long.MAX_VALUE, null, null));
        try (ActionInput input = ActionInput.fromBody("multipart/form-data", BOUNDARY, null, -1, trickle(form(Map.of(), file), 3),
                limits)) {
            LocalUpload upload = (LocalUpload) input.data().get("upload");
            assertThat(upload.hash("md5")).contains(expected);
            assertThat(upload.hash("MD5")).as("configured names are compared as algorithms").contains(expected);
            assertThat(upload.hash("sha256")).isEmpty();
            assertThat(upload.head()).isEqualTo(Arrays.copyOf(file, ContentTypes.SNIFF_BYTES));
            assertThat(upload.size()).isEqualTo(file.length);
            assertThat(Files.readAllBytes(upload.file())).isEqualTo(file);
        }
        assertThat(tmp.toFile().list()).isEmpty();
    }

    @Test
    void aFilePartPastTheNamedStoragesMaxSizeIsRefusedBeforeTheRestArrives() throws IOException {
        byte[] file = new byte[4 * 1024 * 1024];
        byte[] body = form(new LinkedHashMap<>(Map.of("storage", "small")), file);
        long[] consumed = {0};
        InputStream counting = new ByteArrayInputStream(body) {
            @Override
            public synchronized int read(byte[] b, int off, int len) {
                int n = super.read(b, off, len);
                consumed[0] += Math.max(n, 0);
                return n;
            }
        };
        ActionInput.Limits limits = limits(1024, 100_000_000, fields -> "small".equals(fields.get("storage"))
                ? new FilePlan("md5", 100_000, "small", null) : FilePlan.PLAIN);
        assertThatThrownBy(() -> ActionInput.fromBody("multipart/form-data", BOUNDARY, null, -1, counting, limits))
                .isInstanceOfSatisfying(PortalException.class, e -> {
                    assertThat(e.kind()).isEqualTo(ErrorKind.TOO_LARGE);
                    assertThat(e.details()).containsKey("upload");
                })
                .hasMessageContaining("100000 bytes of storage small");
        assertThat(consumed[0]).as("bytes read before the refusal").isLessThan(1024 * 1024);
        assertThat(tmp.toFile().list()).as("the refused part's spool is deleted").isEmpty();
    }

    @Test
    void extendedFilenameAndBaseName() {
        assertThat(ContentDisposition.parse("form-data; name=\"a\"; filename*=UTF-8''%E2%82%AC%20rates.csv"))
                .containsEntry("name", "a").containsEntry("filename*", "\u20ac rates.csv");
        assertThat(SpooledParts.baseName("../../etc/passwd")).isEqualTo("passwd");
        assertThat(SpooledParts.baseName("..")).isEmpty();
    }
}
