package dev.portalkit.integration.web;

import static dev.portalkit.integration.testing.HttpPortal.map;
import static org.assertj.core.api.Assertions.assertThat;

import dev.portalkit.integration.testing.ApiClient;
import dev.portalkit.integration.testing.ApiClient.Reply;
import dev.portalkit.integration.testing.HttpPortal;
import dev.portalkit.integration.testing.RawHttp;
import dev.portalkit.integration.testing.Spools;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Permission and size are decided before a request body is spooled (#11, finding 4). Each
 * request here sends its head (and sometimes the fields and the head of a file part), then stops
 * sending, as a client that has hundreds of megabytes to go would: the answer must come while the
 * body is still incomplete (on the old code the server waited for the rest, spooling it), and no
 * spool file may appear in {@code <data-dir>/tmp}.
 */
class BodyAdmissionTest {
    static final String BOUNDARY = "admission-boundary";
    static final String MULTIPART = "multipart/form-data; boundary=" + BOUNDARY;
    /** Reads wait this long for an answer that must come before the body does. */
    static final int ANSWER_TIMEOUT = 20_000;

    static Path storage;
    static HttpPortal http;
    static ApiClient api;
    static HttpPortal.Account admin;
    static HttpPortal.Account outsider;
    static String datasetId;

    @BeforeAll
    static void start() throws IOException {
        storage = Files.createTempDirectory("body-admission-");
        http = HttpPortal.start(HttpPortal.builder().plugins("example")
                .option("portal.files.storage.default.type", "files:fs")
                .option("portal.files.storage.default.path", storage.resolve("default").toString())
                .option("portal.files.storage.default.create_path", "true")
                .option("portal.files.storage.small.type", "files:fs")
                .option("portal.files.storage.small.path", storage.resolve("small").toString())
                .option("portal.files.storage.small.create_path", "true")
                .option("portal.files.storage.small.max_size", "64KiB")
                .option("portal.max_resource_size", "1")
                .option("portal.max_image_size", "1"));
        api = http.api();
        admin = http.newSysadmin("admission-admin");
        outsider = http.newUser("admission-outsider");
        String org = (String) http.sudo("organization_create", map("name", HttpPortal.unique("org"))).get("id");
        datasetId = (String) http.sudo("package_create", map("name", HttpPortal.unique("guarded"), "owner_org", org)).get("id");
    }

    @AfterAll
    static void stop() {
        if (http != null) {
            http.close();
        }
    }

    @AfterEach
    void nothingSpooled() {
        assertThat(Spools.in(http.portal().portal().dataDirectory())).as("spool files left in <data-dir>/tmp").isEmpty();
    }

    @Test
    void anAnonymousUploadIsRefusedBeforeAContinueIsSent() {
        try (RawHttp c = connect()) {
            c.head("POST", "api/action/files_file_create", "Content-Type", MULTIPART, "Content-Length", "300000000",
                    "Expect", "100-continue");
            RawHttp.Response answer = c.read();
            assertThat(answer.status()).as("the first answer to the head, before any body byte").isEqualTo(403);
            assertThat(answer.head().closes()).isTrue();
            assertThat(answer.error()).containsEntry("__type", "Authorization Error");
            assertThat(answer.error().get("message").toString()).contains("Anonymous", "files_file_create");
        }
    }

    @Test
    void anAnonymousUploadIsRefusedWhileItsBodyIsStillArriving() {
        try (RawHttp c = connect()) {
            c.head("POST", "api/action/files_file_create", "Content-Type", MULTIPART, "Content-Length", "300000000");
            c.send(filePartHead("upload", "big.bin"));
            c.trySend(new byte[1024 * 1024]);
            RawHttp.Response answer = c.read();
            assertThat(answer.status()).isEqualTo(403);
            assertThat(answer.head().closes()).as("the body was not read: the connection cannot carry another request").isTrue();
            assertThat(c.closedByServer()).isTrue();
        }
    }

    @Test
    void anUnknownActionIsAnsweredBeforeItsBody() {
        try (RawHttp c = connect()) {
            c.head("POST", "api/action/no_such_action", "Content-Type", MULTIPART, "Content-Length", "300000000",
                    "Expect", "100-continue");
            RawHttp.Response answer = c.read();
            assertThat(answer.status()).isEqualTo(404);
            assertThat(answer.head().closes()).isTrue();
            assertThat(answer.error()).containsEntry("__type", "Not Found Error");
        }
    }

    @Test
    void aFilePartToAnActionThatTakesNoFilesIsRefusedBeforeItsBytes() {
        try (RawHttp c = connect()) {
            c.head("POST", "api/action/status_show", "Content-Type", MULTIPART, "Content-Length", "50000000");
            c.send(textPart("note", "hello"));
            c.send(filePartHead("attachment", "a.bin"));
            c.trySend(new byte[100]);
            RawHttp.Response answer = c.read();
            assertThat(answer.status()).as(answer.text()).isEqualTo(400);
            assertThat(answer.error()).containsEntry("__type", "Bad Request Error").containsKey("attachment");
            assertThat(answer.head().closes()).isTrue();
        }
    }

    @Test
    void anUploadTheActionsAuthRefusesOnTheFieldsSentFirstIsRefusedBeforeThePart() {
        try (RawHttp c = connect()) {
            c.head("POST", "api/action/resource_create", "Content-Type", MULTIPART, "Content-Length", "900000",
                    "Authorization", outsider.token());
            c.send(textPart("package_id", datasetId));
            c.send(filePartHead("upload", "data.csv"));
            c.trySend("a,b\n1,2\n".getBytes(StandardCharsets.UTF_8));
            RawHttp.Response answer = c.read();
            assertThat(answer.status()).as(answer.text()).isEqualTo(403);
            assertThat(answer.error()).containsEntry("__type", "Authorization Error");
            assertThat(answer.error().get("message").toString()).contains("not authorized to create resources");
        }
    }

    @Test
    void anUploadLargerThanTheRoleStoragesLimitIsRefusedByItsLengthBeforeAContinue() {
        try (RawHttp c = connect()) {
            c.head("POST", "api/action/resource_create", "Content-Type", MULTIPART, "Content-Length", String.valueOf(20L << 20),
                    "Expect", "100-continue", "Authorization", admin.token());
            RawHttp.Response answer = c.read();
            assertThat(answer.status()).as(answer.text()).isEqualTo(413);
            assertThat(answer.error()).containsEntry("__type", "Too Large Error").containsKey("upload");
            assertThat(answer.error().get("message").toString()).contains("1048576 bytes of storage resources");
            assertThat(answer.head().closes()).isTrue();
        }
    }

    @Test
    void aPartForANamedStorageIsRefusedByTheLengthLeftBeforeItsBytes() {
        try (RawHttp c = connect()) {
            c.head("POST", "api/action/files_file_create", "Content-Type", MULTIPART, "Content-Length", String.valueOf(5L << 20),
                    "Authorization", admin.token());
            c.send(textPart("storage", "small"));
            c.send(filePartHead("upload", "big.bin"));
            c.trySend(new byte[100]);
            RawHttp.Response answer = c.read();
            assertThat(answer.status()).as(answer.text()).isEqualTo(413);
            assertThat(answer.error()).containsKey("upload");
            assertThat(answer.error().get("message").toString()).contains("65536 bytes of storage small");
        }
    }

    @Test
    void aChunkedImagePastItsStoragesLimitIsRefusedOnceItPassesIt() {
        try (RawHttp c = connect()) {
            c.head("POST", "api/action/user_update", "Content-Type", MULTIPART, "Transfer-Encoding", "chunked",
                    "Authorization", outsider.token());
            c.chunk(textPart("id", outsider.id()).getBytes(StandardCharsets.UTF_8));
            c.chunk(filePartHead("image_upload", "me.png").getBytes(StandardCharsets.UTF_8));
            byte[] piece = new byte[256 * 1024];
            for (int i = 0; i < 6; i++) {
                if (!c.trySend(chunked(piece))) {
                    break;
                }
            }
            RawHttp.Response answer = c.read();
            assertThat(answer.status()).as(answer.text()).isEqualTo(413);
            assertThat(answer.error()).containsKey("image_upload");
            assertThat(answer.error().get("message").toString()).contains("storage users");
        }
    }

    @Test
    void manyEmptyPartsAreRefusedAfterTheLimitOfParts() {
        StringBuilder body = new StringBuilder();
        for (int i = 0; i < 100_000; i++) {
            body.append(textPart("p", ""));
        }
        body.append("--").append(BOUNDARY).append("--\r\n");
        Reply reply = api.postAnsweredEarly("status_show", MULTIPART,
                HttpRequest.BodyPublishers.ofString(body.toString()), null);
        assertThat(reply.status()).as(reply.body()).isEqualTo(400);
        assertThat(reply.error().get("message").toString()).contains("1000 parts", "portal.http.max_parts");
    }

    @Test
    void manyFilePartsAreRefusedAfterTheLimitOfFileParts() {
        StringBuilder body = new StringBuilder();
        for (int i = 0; i < 1000; i++) {
            body.append(filePartHead("upload", "f" + i + ".bin")).append("x\r\n");
        }
        body.append("--").append(BOUNDARY).append("--\r\n");
        Reply reply = api.postAnsweredEarly("example_upload_digest", MULTIPART,
                HttpRequest.BodyPublishers.ofString(body.toString()), null);
        assertThat(reply.status()).as(reply.body()).isEqualTo(400);
        assertThat(reply.error().get("message").toString()).contains("10 files", "portal.http.max_file_parts");
    }

    @Test
    void emptyFileInputsOfAFormAreNoFiles() {
        StringBuilder body = new StringBuilder();
        for (int i = 0; i < 50; i++) {
            body.append(filePartHead("attachment", "")).append("\r\n");
        }
        body.append("--").append(BOUNDARY).append("--\r\n");
        Reply reply = api.post("status_show", MULTIPART, HttpRequest.BodyPublishers.ofString(body.toString()), null);
        assertThat(reply.status()).as(reply.body()).isEqualTo(200);
    }

    @Test
    void anUploadWithinEveryLimitStillWorks() {
        Reply reply = api.multipart("resource_create", new ApiClient.Multipart()
                .field("package_id", datasetId)
                .file("upload", "ok.csv", "text/csv", "a,b\n1,2\n".getBytes(StandardCharsets.UTF_8)), admin.token());
        assertThat(reply.status()).as(reply.body()).isEqualTo(200);
        Reply first = api.multipart("resource_create", new ApiClient.Multipart()
                .file("upload", "first.csv", "text/csv", "a,b\n1,2\n".getBytes(StandardCharsets.UTF_8))
                .field("package_id", datasetId), admin.token());
        assertThat(first.status()).as("the file part before the fields the auth check needs").isEqualTo(200);
    }

    private static RawHttp connect() {
        return RawHttp.connect(http.uri(), ANSWER_TIMEOUT);
    }

    static String textPart(String name, String value) {
        return "--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"" + name + "\"\r\n\r\n" + value + "\r\n";
    }

    static String filePartHead(String name, String filename) {
        return "--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"" + name + "\"; filename=\"" + filename
                + "\"\r\nContent-Type: application/octet-stream\r\n\r\n";
    }

    private static byte[] chunked(byte[] bytes) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes((Integer.toHexString(bytes.length) + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
        out.writeBytes(bytes);
        out.writeBytes("\r\n".getBytes(StandardCharsets.ISO_8859_1));
        return out.toByteArray();
    }
}
