package dev.portalkit.runtime.files.tracked;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portalkit.api.ErrorKind;
import dev.portalkit.api.PortalException;
import dev.portalkit.runtime.testing.TestDb;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/** Multipart uploads through the File API: start, parts in any order, refresh, verified completion, errors. */
@ParameterizedClass(name = "{0}")
@EnumSource(TestDb.class)
class MultipartTest extends FileApiTestBase {
    static String md5(String content) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(content.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    Map<String, Object> start(String storage, String name, long size, String hash) {
        return dict("files_multipart_start", SYSADMIN, map("storage", storage, "name", name, "size", size, "content_type", "text/plain",
                "hash", hash));
    }

    Map<String, Object> part(Object id, int n, String content) {
        return dict("files_multipart_update", SYSADMIN, map("id", id, "part", n, "upload", content));
    }

    @Test
    void partsInAnyOrderBecomeAVerifiedFile() {
        for (String storageName : List.of("default", "mem", "db")) {
            String name = unique("big") + ".txt";
            String content = "first part|second part|third";
            Map<String, Object> upload = start(storageName, name, content.length(), md5(content));
            // The default storage puts a random prefix in front of the name (uuid_prefix); the others store at the name.
            assertThat((String) upload.get("location")).matches((storageName.equals("default") ? "[0-9a-f-]{36}" : "")
                    + java.util.regex.Pattern.quote(name));
            assertThat(upload).containsEntry("name", name).containsEntry("size", (long) content.length())
                    .containsEntry("parts", Map.of()).containsEntry("initiator_id", "sysadmin-id").containsEntry("multipart", true);
            Object id = upload.get("id");
            assertThat(part(id, 3, "third").get("parts")).isEqualTo(Map.of("3", 5));
            part(id, 1, "FIRST PART|");
            part(id, 1, "first part|");
            Map<String, Object> two = part(id, 2, "second part|");
            assertThat(two.get("parts")).isEqualTo(Map.of("1", 11, "2", 12, "3", 5));
            Map<String, Object> refreshed = dict("files_multipart_refresh", SYSADMIN, map("id", id));
            assertThat(refreshed.get("parts")).isEqualTo(Map.of("1", 11, "2", 12, "3", 5));
            Map<String, Object> file = dict("files_multipart_complete", SYSADMIN, map("id", id));
            assertThat(file).containsEntry("name", name).containsEntry("storage", storageName).containsEntry("size", (long) content.length())
                    .containsEntry("hash", md5(content)).containsEntry("content_type", "text/plain").containsEntry("owner_id", "sysadmin-id");
            assertThat(read(file)).isEqualTo(content);
            assertThat(failure(ErrorKind.NOT_FOUND, "files_multipart_refresh", SYSADMIN, map("id", id)).getMessage())
                    .isEqualTo("Multipart upload not found: " + id);
        }
    }

    @Test
    void partNumbersOutOfRangeAreFieldErrors() {
        Map<String, Object> upload = start("mem", unique("range") + ".txt", 3, "");
        for (long n : new long[] {0, -1, 10_001, 4_294_967_297L}) {
            assertThat(invalid("files_multipart_update", SYSADMIN, map("id", upload.get("id"), "part", n, "upload", "abc")))
                    .containsExactly(Map.entry("part", List.of("Must be a whole number from 1 to 10000")));
        }
        assertThat(invalid("files_multipart_update", SYSADMIN, map("id", upload.get("id"), "part", "one", "upload", "abc")))
                .containsExactly(Map.entry("part", List.of("Invalid integer")));
        assertThat(invalid("files_multipart_update", SYSADMIN, map("id", upload.get("id"), "part", 1)))
                .containsExactly(Map.entry("upload", List.of("Missing value")));
        assertThat(invalid("files_multipart_update", SYSADMIN, map("id", upload.get("id"), "part", 1, "upload", "four")))
                .containsOnlyKeys("upload");
        assertThat(failure(ErrorKind.NOT_FOUND, "files_multipart_update", SYSADMIN, map("id", "nope", "part", 1, "upload", "abc"))
                .details()).containsOnlyKeys("id");
    }

    @Test
    void anUploadNeverHoldsMoreThanItsDeclaredSize() {
        // Issue 11: size=10 accepted 29 parts of 10 bytes.
        Object id = start("mem", unique("bounded") + ".txt", 10, "").get("id");
        part(id, 1, "0123456789");
        for (int n = 2; n <= 10; n++) {
            assertThat(invalid("files_multipart_update", SYSADMIN, map("id", id, "part", n, "upload", "0123456789")))
                    .containsExactly(Map.entry("upload", List.of("Part " + n + " has 10 bytes but the upload was started with a size "
                            + "of 10 bytes, of which its other parts hold 10: at most 0 bytes are left for this part")));
        }
        assertThat(invalid("files_multipart_update", SYSADMIN, map("id", id, "part", 11, "upload", "x")))
                .containsExactly(Map.entry("part", List.of("An upload of 10 bytes has at most 10 part(s); part 11 is out of range")));
        // Sending a part again replaces it: its old size does not count.
        assertThat(part(id, 1, "01234").get("parts")).isEqualTo(Map.of("1", 5));
        // A part of unknown length is stopped from inside its stream once it passes what is left.
        byte[] six = "abcdef".getBytes(StandardCharsets.UTF_8);
        var unknownLength = dev.portalkit.api.files.Upload.of("p", "text/plain", -1, () -> new java.io.ByteArrayInputStream(six));
        assertThat(invalid("files_multipart_update", SYSADMIN, map("id", id, "part", 2, "upload", unknownLength)))
                .containsExactly(Map.entry("upload", List.of("Part 2 has more bytes but the upload was started with a size of 10 "
                        + "bytes, of which its other parts hold 5: at most 5 bytes are left for this part")));
        assertThat(dict("files_multipart_refresh", SYSADMIN, map("id", id)).get("parts")).as("nothing of it kept")
                .isEqualTo(Map.of("1", 5));
        part(id, 2, "abcde");
        assertThat(read(dict("files_multipart_complete", SYSADMIN, map("id", id)))).isEqualTo("01234abcde");
    }

    @Test
    void partNumbersAreBoundedByWhatTheSizeCanNeed() {
        assertThat(MultipartActions.maxParts(10, 1)).isEqualTo(10);
        assertThat(MultipartActions.maxParts(0, 1)).as("an empty file still has a part").isEqualTo(1);
        assertThat(MultipartActions.maxParts(12L << 20, 5L << 20)).as("S3: 5 MiB parts but the last").isEqualTo(3);
        assertThat(MultipartActions.maxParts(10L << 20, 5L << 20)).isEqualTo(2);
        assertThat(MultipartActions.maxParts(1L << 40, 1)).isEqualTo(10_000);
        assertThat(MultipartActions.maxParts(Long.MAX_VALUE, 5L << 20)).isEqualTo(10_000);
    }

    @Test
    void sysadminsSeeTheUploadsInProgress() {
        String name = unique("listed") + ".txt";
        Map<String, Object> upload = start("mem", name, 8, "");
        part(upload.get("id"), 2, "efgh");
        Map<String, Object> listed = dict("files_multipart_list", SYSADMIN, map("storage", "mem", "rows", 1000));
        assertThat(listed.get("count")).isInstanceOf(Long.class);
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> results = (List<Map<String, Object>>) listed.get("results");
        assertThat(results).filteredOn(u -> upload.get("id").equals(u.get("id"))).singleElement().satisfies(u -> assertThat(u)
                .containsEntry("name", name).containsEntry("storage", "mem").containsEntry("size", 8L).containsEntry("received", 4L)
                .containsEntry("parts_received", 1).containsEntry("initiator_id", "sysadmin-id"));
        assertThat(results).allSatisfy(u -> assertThat(u).containsEntry("storage", "mem"));
        denied("files_multipart_list", newUser("curious"), map());
        assertThat(invalid("files_multipart_list", SYSADMIN, map("rows", -1))).containsOnlyKeys("rows");
    }

    @Test
    void sizesAndHashesAreVerifiedAtCompletion() {
        Map<String, Object> missing = start("mem", unique("gap") + ".txt", 6, "");
        part(missing.get("id"), 1, "abc");
        part(missing.get("id"), 3, "ghi");
        assertThat(invalid("files_multipart_complete", SYSADMIN, map("id", missing.get("id"))))
                .containsExactly(Map.entry("parts", List.of("Part 2 is missing (received: 1, 3)")));

        Map<String, Object> shortOne = start("mem", unique("short") + ".txt", 6, "");
        part(shortOne.get("id"), 1, "abc");
        assertThat(invalid("files_multipart_complete", SYSADMIN, map("id", shortOne.get("id"))))
                .containsExactly(Map.entry("size", List.of("The upload was started with 6 bytes but its parts hold 3")));
        assertThat(invalid("files_multipart_complete", SYSADMIN, map("id", start("mem", unique("empty") + ".txt", 1, "").get("id"))))
                .containsExactly(Map.entry("parts", List.of("No part was uploaded")));

        String name = unique("tampered") + ".txt";
        Map<String, Object> wrongHash = start("mem", name, 3, md5("abc"));
        part(wrongHash.get("id"), 1, "abd");
        PortalException conflict = failure(ErrorKind.CONFLICT, "files_multipart_complete", SYSADMIN, map("id", wrongHash.get("id")));
        assertThat(conflict.details()).containsOnlyKeys("hash");
        assertThat(dict("files_file_search", SYSADMIN, map("name", name))).containsEntry("count", 0L);
        assertThat(dict("files_multipart_abort", SYSADMIN, map("id", wrongHash.get("id")))).containsEntry("id", wrongHash.get("id"));
        assertThat(failure(ErrorKind.NOT_FOUND, "files_multipart_abort", SYSADMIN, map("id", wrongHash.get("id")))).isNotNull();
    }

    @Test
    void directUploadsAreRefusedNamingAStorageThatCannotSignParts() {
        for (String storageName : List.of("default", "mem", "db")) {
            String name = unique("direct") + ".txt";
            assertThat(invalid("files_multipart_start", SYSADMIN, map("storage", storageName, "name", name, "size", 3, "direct", true)))
                    .containsExactly(Map.entry("direct", List.of("Storage " + storageName + " cannot sign part uploads for direct "
                            + "uploads; send the parts through files_multipart_update instead")));
            // Nothing was started: the same name starts as an upload through the portal.
            assertThat(start(storageName, name, 3, "")).doesNotContainKey("direct");
        }
        assertThat(invalid("files_multipart_start", SYSADMIN, map("storage", "mem", "name", "d.txt", "size", 3, "direct", "maybe")))
                .containsOnlyKeys("direct");
    }

    @Test
    void directPartSizesKeepUploadsWithinTheStoragesPartsAndTheMaximumCount() {
        long mib = 1024L * 1024;
        assertThat(DirectUploads.partSize(1, 1)).isEqualTo(8 * mib);
        assertThat(DirectUploads.partSize(1L << 30, 5 * mib)).isEqualTo(8 * mib);
        assertThat(DirectUploads.partSize(1, 16 * mib)).isEqualTo(16 * mib);
        // 100 GiB in 10,000 parts needs 10.24 MiB: 11 MiB parts
        assertThat(DirectUploads.partSize(100L << 30, 5 * mib)).isEqualTo(11 * mib);
        for (long size : new long[] {0, 1, 8 * mib, 8 * mib + 1, 80_000 * mib, 80_000 * mib + 1, 5L << 40}) {
            long partSize = DirectUploads.partSize(size, 5 * mib);
            assertThat(DirectUploads.partCount(size, partSize)).isBetween(1, 10_000);
        }
        assertThat(DirectUploads.partCount(8 * mib + 1, 8 * mib)).isEqualTo(2);
        assertThat(DirectUploads.partCount(0, 8 * mib)).isEqualTo(1);
    }

    @Test
    void startIsCheckedAgainstTheStorage() {
        assertThat(failure(ErrorKind.TOO_LARGE, "files_multipart_start", SYSADMIN, map("storage", "images", "name", "huge.png",
                "size", 4096)).details()).containsOnlyKeys("size");
        assertThat(invalid("files_multipart_start", SYSADMIN, map("storage", "mem", "name", "neg.txt", "size", -5)))
                .containsExactly(Map.entry("size", List.of("Must be a natural number")));
        assertThat(invalid("files_multipart_start", SYSADMIN, map("storage", "mem", "name", "x.txt")))
                .containsExactly(Map.entry("size", List.of("Missing value")));
        assertThat(invalid("files_multipart_start", SYSADMIN, map("storage", "mem", "name", "../x.txt", "size", 1))).containsOnlyKeys("name");
        assertThat(failure(ErrorKind.UNSUPPORTED, "files_multipart_start", SYSADMIN, map("storage", "plain", "name", "x.txt", "size", 1))
                .details()).containsOnlyKeys("storage");
        String name = unique("busy") + ".txt";
        start("mem", name, 1, "");
        assertThat(invalid("files_multipart_start", SYSADMIN, map("storage", "mem", "name", name, "size", 1)))
                .containsExactly(Map.entry("name", List.of("An upload to location " + name + " of storage mem is in progress")));
        String tracked = unique("tracked") + ".txt";
        create(SYSADMIN, "mem", tracked, "x");
        assertThat(invalid("files_multipart_start", SYSADMIN, map("storage", "mem", "name", tracked, "size", 1))).containsOnlyKeys("name");
    }

    @Test
    void aSpoofedTypeIsRefusedWithTheFirstPart() {
        String html = "<!DOCTYPE html><html><body>not an image</body></html>";
        Map<String, Object> upload = dict("files_multipart_start", SYSADMIN, map("storage", "images", "name", unique("pic") + ".png",
                "size", html.length(), "content_type", "image/png"));
        assertThat(failure(ErrorKind.WRONG_TYPE, "files_multipart_update", SYSADMIN, map("id", upload.get("id"), "part", 1,
                "upload", html)).details()).containsOnlyKeys("upload");
    }
}
