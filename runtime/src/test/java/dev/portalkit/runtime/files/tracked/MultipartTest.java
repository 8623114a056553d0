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
            assertThat(upload).containsEntry("name", name).containsEntry("location", name).containsEntry("size", (long) content.length())
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
        assertThat(failure(ErrorKind.TOO_LARGE, "files_multipart_update", SYSADMIN, map("id", upload.get("id"), "part", 1,
                "upload", "four")).details()).containsOnlyKeys("upload");
        assertThat(failure(ErrorKind.NOT_FOUND, "files_multipart_update", SYSADMIN, map("id", "nope", "part", 1, "upload", "abc"))
                .details()).containsOnlyKeys("id");
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
