package dev.portalkit.integration.web;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.type.TypeReference;
import dev.portalkit.integration.testing.HttpPortal;
import dev.portalkit.integration.testing.Spools;
import dev.portalkit.runtime.Json;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A corpus of bad requests over HTTP, of every kind a client or an attacker sends: wrong methods,
 * unknown actions, malformed and mistyped bodies, bad multipart, out-of-range numbers, bad names,
 * ids and durations, bad tokens, bad download routes. Each must be answered with its 4xx in CKAN's
 * error envelope (naming the field where a field is wrong), without a stack trace or a class name,
 * and the corpus as a whole must change nothing: the same rows in every table, the same files in
 * the storage, no spool left.
 */
class BadInputCorpusTest {
    private static final String BOUNDARY = "corpus-boundary";
    private static final List<String> TABLES = List.of("portal_user", "portal_api_token", "portal_group", "portal_member",
            "portal_package", "portal_package_extra", "portal_resource", "files_file", "files_owner", "files_transfer",
            "files_multipart", "files_one_time_link", "portal_task");

    static HttpPortal http;
    static String admin;
    static String alice;
    static String aliceId;
    static String aliceName;
    static String adminName;
    static String fileId;
    static String uploadId;
    static String datasetId;
    static String resourceId;
    static String jsResourceId;
    /** Bad tokens come from addresses of their own: failed authentication is throttled per address. */
    static int nextAddress = 10;

    /** One bad request and what must come of it. */
    record Case(String name, byte[] request, int status, String field, String source) {
    }

    @BeforeAll
    static void start() {
        http = HttpPortal.start(HttpPortal.builder());
        HttpPortal.Account sysadmin = http.newSysadmin("corpus-admin");
        admin = sysadmin.token();
        adminName = sysadmin.name();
        HttpPortal.Account a = http.newUser("alice");
        aliceName = a.name();
        alice = a.token();
        aliceId = a.id();
        http.sudo("organization_create", HttpPortal.map("name", "corpus-org"));
        datasetId = (String) http.sudo("package_create", HttpPortal.map("name", "corpus-data", "owner_org", "corpus-org")).get("id");
        resourceId = (String) http.sudo("resource_create", HttpPortal.map("package_id", datasetId, "url", "https://example.org/a.csv",
                "name", "a.csv")).get("id");
        jsResourceId = (String) http.sudo("resource_create", HttpPortal.map("package_id", datasetId, "url", "javascript:alert(1)",
                "name", "evil")).get("id");
        fileId = (String) http.sudo("files_file_create", HttpPortal.map("name", "alice.txt", "upload", "hello from alice")).get("id");
        http.sudo("files_transfer_ownership", HttpPortal.map("id", fileId, "owner_type", "user", "owner_id", aliceId));
        uploadId = (String) http.sudo("files_multipart_start", HttpPortal.map("name", "parts.bin", "size", 10)).get("id");
    }

    @AfterAll
    static void stop() {
        if (http != null) {
            http.close();
        }
    }

    @Test
    void everyBadRequestIsItsClientErrorInTheEnvelopeAndChangesNothing() throws Exception {
        List<Case> corpus = corpus();
        assertThat(corpus).as("the corpus").hasSizeGreaterThanOrEqualTo(200);
        Map<String, Long> rowsBefore = rows();
        List<String> filesBefore = storedFiles();
        SoftAssertions soft = new SoftAssertions();
        for (Case c : corpus) {
            Answer answer = send(c);
            soft.assertThat(answer.status).as("%s: status (%s)", c.name, answer.text()).isEqualTo(c.status);
            Map<String, Object> envelope = answer.json();
            boolean head = new String(c.request, 0, 5, StandardCharsets.ISO_8859_1).startsWith("HEAD ");
            if (!head) { // an answer to HEAD has no body
                soft.assertThat(envelope).as("%s: CKAN's error envelope (%s)", c.name, answer.text())
                        .containsEntry("success", false).containsKey("error");
            }
            if (envelope.get("error") instanceof Map<?, ?> error) {
                soft.assertThat(error.get("__type")).as("%s: error type", c.name).isNotNull();
                soft.assertThat(error.get("message")).as("%s: message", c.name).isInstanceOf(String.class);
                if (c.field != null) {
                    soft.assertThat(error.containsKey(c.field)).as("%s: names the field %s (%s)", c.name, c.field, answer.text()).isTrue();
                }
            }
            soft.assertThat(answer.text()).as("%s: no internals", c.name)
                    .doesNotContain("\tat ", "Exception", "java.", "org.hibernate", "jakarta.", "SQL");
            soft.assertThat(answer.header("x-content-type-options")).as("%s: nosniff", c.name).isEqualTo("nosniff");
            soft.assertThat(Spools.in(http.portal().dataDir())).as("%s: spools left", c.name).isEmpty();
        }
        soft.assertThat(rows()).as("rows of every table after the corpus").isEqualTo(rowsBefore);
        soft.assertThat(storedFiles()).as("files in the storage after the corpus").isEqualTo(filesBefore);
        soft.assertAll();
    }

    // ---- the corpus ---------------------------------------------------------------------------

    static List<Case> corpus() {
        List<Case> cases = new ArrayList<>();
        // State changes need POST: GET and HEAD of every action that changes something are 405, before anything runs.
        for (String action : List.of("files_file_create", "files_file_delete", "files_file_rename", "files_file_pin", "files_file_unpin",
                "files_transfer_ownership", "files_file_link", "files_file_link_revoke", "files_multipart_start", "files_multipart_update",
                "files_multipart_complete", "files_multipart_abort", "package_create", "package_update", "package_patch", "package_delete",
                "resource_create", "resource_update", "resource_patch", "resource_delete", "user_create", "user_update", "user_delete",
                "api_token_create", "api_token_revoke", "organization_create", "organization_update", "organization_delete",
                "organization_member_create", "group_create", "group_member_delete")) {
            cases.add(get("GET " + action, action, Map.of("id", fileId), admin, 405, null));
        }
        for (String action : List.of("files_file_delete", "api_token_create", "package_delete", "user_delete")) {
            cases.add(new Case("HEAD " + action, head("HEAD", "api/3/action/" + action + "?id=" + fileId, admin), 405, null, null));
        }
        for (String method : List.of("PUT", "DELETE", "PATCH")) {
            cases.add(new Case(method + " files_file_delete", withBody(method, "api/3/action/files_file_delete", admin, "application/json",
                    json(Map.of("id", fileId)).getBytes(StandardCharsets.UTF_8)), 405, null, null));
        }
        // Unknown actions.
        for (String action : List.of("no_such_action", "x".repeat(3000), "%E2%80%AEwohs_sutats", "files_file_create.json")) {
            cases.add(post("unknown action " + action.substring(0, Math.min(20, action.length())), action, "{}", admin, 404, null));
        }
        // Encoded slashes and NUL in the path are refused by the server before routing.
        for (String action : List.of("..%2Fstatus_show", "status_show%00")) {
            cases.add(post("ambiguous path " + action, action, "{}", admin, 400, null));
        }
        // Bodies that are no JSON object, or not what the action reads.
        for (String body : List.of("{", "{\"id\":}", "[1, 2]", "\"text\"", "42", "null", "true", "{}x", "{\"a\": 1,}", "{'a': 1}",
                "[".repeat(100_000), "{\"id\": \"" + "\\u00".repeat(3) + "\"}")) {
            cases.add(post("JSON " + body.substring(0, Math.min(12, body.length())), "package_create", body, admin, 400, null));
        }
        cases.add(raw("JSON not UTF-8", "package_create", admin, "application/json", new byte[] {'{', '"', 'a', '"', ':', '"', (byte) 0xC3, (byte) 0x28, '"', '}'}, 400, null));
        cases.add(raw("JSON read as bad UTF-32", "package_create", admin, "application/json",
                new byte[] {0x30, 0, 0, 0, 0, 0, 1, 6, 0, 0, 0, 0, (byte) 0x81, (byte) 0x81, 0x25}, 400, null));
        for (String type : List.of("text/plain", "application/xml", "image/png", "application/octet-stream", "text/html")) {
            cases.add(raw("content type " + type, "package_create", admin, type, "{\"name\": \"x\"}".getBytes(StandardCharsets.UTF_8), 415, null));
        }
        cases.add(raw("unknown charset", "package_create", admin, "application/json; charset=no-such-charset", "{}".getBytes(StandardCharsets.UTF_8), 400, null));
        cases.add(raw("form with bad escapes", "package_create", admin, "application/x-www-form-urlencoded", "name=%zz".getBytes(StandardCharsets.UTF_8), 400, null));
        // Malformed multipart.
        cases.add(raw("multipart without boundary", "files_file_create", admin, "multipart/form-data", "--x\r\n\r\n".getBytes(StandardCharsets.UTF_8), 400, null));
        cases.add(multipart("multipart with another boundary", "files_file_create", admin,
                "--other\r\nContent-Disposition: form-data; name=\"name\"\r\n\r\nx\r\n--other--\r\n", 400, null));
        cases.add(multipart("multipart cut in a part", "files_file_create", admin,
                "--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"upload\"; filename=\"a.txt\"\r\n\r\nabc", 400, null));
        cases.add(multipart("multipart without its closing boundary", "files_file_create", admin,
                "--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"name\"\r\n\r\nx\r\n", 400, null));
        cases.add(multipart("multipart part without headers end", "files_file_create", admin,
                "--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"name\"", 400, null));
        cases.add(multipart("a file part to status_show", "status_show", admin, filePart("upload", "a.txt", "hello") + end(), 400, "upload"));
        cases.add(multipart("a file part to package_create", "package_create", admin, field("name", "with-file") + filePart("upload", "a.txt", "x")
                + end(), 400, "upload"));
        StringBuilder many = new StringBuilder();
        for (int i = 0; i < 1100; i++) {
            many.append(field("f" + i, "v"));
        }
        cases.add(multipart("1,100 parts", "status_show", admin, many + end(), 400, null));
        StringBuilder files = new StringBuilder(field("name", "many.txt"));
        for (int i = 0; i < 12; i++) {
            files.append(filePart("upload", "f" + i + ".txt", "x"));
        }
        cases.add(multipart("12 file parts", "files_file_create", admin, files + end(), 400, null));
        cases.add(multipart("a file part in a field that takes none", "files_file_create", admin, field("name", "n.txt")
                + filePart("name2", "f.txt", "x") + end(), 400, "name2"));
        // Anonymous callers of actions that need a user are refused before anything is read.
        for (String action : List.of("files_file_create", "package_create", "api_token_create", "files_multipart_start", "organization_create",
                "files_file_link", "files_file_delete")) {
            cases.add(post("anonymous " + action, action, json(Map.of("name", "anon", "id", fileId)), null, 403, null));
        }
        cases.add(multipart("anonymous upload", "files_file_create", null, filePart("upload", "a.txt", "x") + end(), 403, null));
        // Bad tokens, each from an address of its own (failures are throttled per address).
        for (String token : List.of("garbage", "Bearer", "Bearer ", "Bearer not-a-token", "x".repeat(5000), "Bearer \u00e9t\u00e9",
                "Basic YWRtaW46YWRtaW4=", admin + "x", "Bearer " + admin.substring(1))) {
            cases.add(new Case("bad token " + token.substring(0, Math.min(12, token.length())),
                    withBody("POST", "api/3/action/status_show", token, "application/json", "{}".getBytes(StandardCharsets.UTF_8)), 403, null,
                    "127.0.0." + nextAddress++));
        }
        // Wrong types and values of dataset fields (409 naming the field).
        Object[][] packages = {
                {"name", List.of()}, {"name", Map.of()}, {"name", ""}, {"name", "UPPER case"},
                {"name", "a b"}, {"name", "x".repeat(200)}, {"name", "new"}, {"name", "corpus-data"}, {"name", "\u202etxt.exe"},
                {"title", List.of(1)}, {"private", "maybe"}, {"private", List.of()}, {"owner_org", "no-such-org"}, {"owner_org", Map.of()},
                {"resources", "x"}, {"resources", List.of(1)}, {"extras", "x"}, {"extras", List.of(Map.of("key", 1))},
                {"extras", List.of(Map.of("key", "a", "value", "1"), Map.of("key", "a", "value", "2"))}, {"url", List.of()},
                {"notes", Map.of("a", 1)}, {"state", List.of()}};
        for (Object[] p : packages) {
            Map<String, Object> data = new LinkedHashMap<>();
            data.put("name", "corpus-" + cases.size());
            data.put("owner_org", "corpus-org");
            data.put((String) p[0], p[1]);
            cases.add(post("package_create " + p[0] + "=" + abbreviate(p[1]), "package_create", json(data), admin, 409, (String) p[0]));
        }
        Object[][] users = {{"name", ""}, {"name", "Bad Name"}, {"name", "x".repeat(200)}, {"email", "not-an-email"}, {"email", List.of()},
                {"password", "short"}, {"password", 12345678}, {"name", adminName}, {"fullname", Map.of()}};
        for (Object[] u : users) {
            Map<String, Object> data = new LinkedHashMap<>(Map.of("name", "corpus-user-" + cases.size(), "email", "c" + cases.size()
                    + "@example.org", "password", "correct horse battery"));
            data.put((String) u[0], u[1]);
            cases.add(post("user_create " + u[0] + "=" + abbreviate(u[1]), "user_create", json(data), admin, 409, (String) u[0]));
        }
        cases.add(post("user_update own password without old_password", "user_update", json(Map.of("id", aliceId, "email",
                aliceName + "@example.org", "password", "a new long password")), alice, 409, "old_password"));
        cases.add(post("user_update with a wrong old_password", "user_update", json(Map.of("id", aliceId, "email", aliceName + "@example.org",
                "password", "a new long password", "old_password", "wrong guess")), alice, 409, "old_password"));
        // Out-of-range numbers.
        for (Object limit : List.of(-1, 4294967297L, "abc", 1e10, "1e3", 1.5, List.of(), "9".repeat(40))) {
            cases.add(post("files_file_search limit=" + abbreviate(limit), "files_file_search", json(Map.of("limit", limit)), admin, 409, "limit"));
        }
        for (Object offset : List.of(-1, "x", 4294967297L * 4294967297L)) {
            cases.add(post("files_file_search offset=" + abbreviate(offset), "files_file_search", json(Map.of("offset", offset)), admin, 409, "offset"));
        }
        for (Object rows : List.of(-1, 1_000_000_000_000L, "many", 2.5)) {
            cases.add(post("package_search rows=" + abbreviate(rows), "package_search", json(Map.of("rows", rows)), admin, 409, "rows"));
        }
        for (Object start : List.of(-1, "x")) {
            cases.add(post("package_search start=" + abbreviate(start), "package_search", json(Map.of("start", start)), admin, 409, "start"));
        }
        for (Object part : List.of(0, -1, 4294967297L, "x", 11, 1e3)) {
            cases.add(multipart("files_multipart_update part=" + abbreviate(part), "files_multipart_update", admin, field("id", uploadId)
                    + field("part", String.valueOf(part)) + filePart("upload", "p.bin", "0123") + end(), 409, "part"));
        }
        cases.add(multipart("files_multipart_update past the declared size", "files_multipart_update", admin, field("id", uploadId)
                + field("part", "1") + filePart("upload", "p.bin", "0123456789ABCDEF") + end(), 409, "upload"));
        for (Object size : List.of(-1, "x", 1e30, "99999999999999999999999", List.of())) {
            cases.add(post("files_multipart_start size=" + abbreviate(size), "files_multipart_start", json(Map.of("name", "m.bin", "size", size)),
                    admin, 409, "size"));
        }
        // Link durations and types. (An empty list is "empty" to CKAN's ignore_empty, like "": the default duration.)
        for (Object duration : List.of(3000000000000000L, "1e17", "P99999999999999D", -1, 0, "abc", 1.5, "PT-5M", 100_000_000L,
                List.of("PT5M"), Map.of("seconds", 5), "18446744073709551617")) {
            cases.add(post("files_file_link duration=" + abbreviate(duration), "files_file_link", json(Map.of("id", fileId, "type", "temporal",
                    "duration", duration)), admin, 409, "duration"));
        }
        cases.add(post("files_file_link type=nope", "files_file_link", json(Map.of("id", fileId, "type", "nope")), admin, 409, "type"));
        // File names, ids and storages.
        for (String name : List.of("..", ".", "a/b.txt", "a\\b.txt", "a\u202etxt.exe", "x\u0000y", "zero\u200bwidth",
                "%2e%2e", "..%2Fetc", "\u2066isolate\u2069")) {
            cases.add(multipart("files_file_create name=" + name.replace("\u0000", "NUL"), "files_file_create", admin, field("name", name)
                    + filePart("upload", "a.txt", "x") + end(), 409, "name"));
        }
        cases.add(multipart("files_file_create storage=nope", "files_file_create", admin, field("storage", "no-such-storage")
                + field("name", "a.txt") + filePart("upload", "a.txt", "x") + end(), 409, "storage"));
        cases.add(post("files_file_create without upload", "files_file_create", json(Map.of("name", "a.txt")), admin, 409, "upload"));
        for (Object id : List.of(List.of(), Map.of(), "")) {
            cases.add(post("files_file_show id=" + abbreviate(id), "files_file_show", json(Map.of("id", id)), admin, 409, "id"));
        }
        for (String id : List.of("no-such-file", "../../etc/passwd", "x".repeat(5000), "%00")) {
            cases.add(post("files_file_show id=" + abbreviate(id), "files_file_show", json(Map.of("id", id)), admin, 404, null));
        }
        for (String name : List.of("", "..", "a\u202eb")) {
            cases.add(post("files_file_rename name=" + abbreviate(name), "files_file_rename", json(Map.of("id", fileId, "name", name)), admin, 409, "name"));
        }
        cases.add(post("files_transfer_ownership to nothing", "files_transfer_ownership", json(Map.of("id", fileId, "owner_type", "package",
                "owner_id", "no-such-dataset")), admin, 409, "owner_id"));
        cases.add(post("files_transfer_ownership owner_type missing", "files_transfer_ownership", json(Map.of("id", fileId, "owner_id", "x")),
                admin, 409, "owner_type"));
        // Resources, groups and members.
        cases.add(post("resource_create without package_id", "resource_create", json(Map.of("url", "https://example.org/x")), admin, 409, "package_id"));
        cases.add(post("resource_create of no dataset", "resource_create", json(Map.of("package_id", "no-such", "url", "x")), admin, 404, null));
        cases.add(post("resource_patch of another dataset's resource id", "resource_patch", json(Map.of("id", resourceId + "x")), admin, 404,
                null));
        cases.add(post("resource_update with a list as its name", "resource_update", json(Map.of("id", resourceId, "package_id", datasetId,
                "url", "https://example.org/a.csv", "name", List.of("a", "b"))), admin, 409, "name"));
        cases.add(post("organization_member_create role=emperor", "organization_member_create", json(Map.of("id", "corpus-org",
                "username", aliceName, "role", "emperor")), admin, 409, "role"));
        cases.add(post("organization_create name taken", "organization_create", json(Map.of("name", "corpus-org")), admin, 409, "name"));
        cases.add(post("package_show of nothing", "package_show", json(Map.of("id", "no-such")), admin, 404, null));
        cases.add(post("alice deletes the admin's dataset", "package_delete", json(Map.of("id", datasetId)), alice, 403, null));
        // Download routes.
        for (String path : List.of("files/download/no-such-file", "files/download/", "files/download/%2e%2e%2f%2e%2e%2fetc%2fpasswd",
                "files/link/garbage", "files/link/t.x.y.z", "files/link/p.eA.AAAA", "files/link/o." + "A".repeat(43),
                "files/public-download/default/x.txt", "files/public-download/../../etc/passwd", "files/public-download/no-such-storage/x",
                "dataset/no-such/resource/no-such/download/x", "dataset/" + datasetId + "/resource/" + jsResourceId + "/download/evil")) {
            int status = path.startsWith("files/link/") ? 403 : path.contains("%2e%2e%2f") ? 400 : path.equals("files/download/") ? 409 : 404;
            cases.add(new Case("GET " + path, head("GET", path, admin), status, path.equals("files/download/") ? "id" : null, null));
        }
        return cases;
    }

    // ---- requests -----------------------------------------------------------------------------

    private static Case get(String name, String action, Map<String, String> query, String token, int status, String field) {
        StringBuilder q = new StringBuilder();
        query.forEach((k, v) -> q.append(q.isEmpty() ? "?" : "&").append(k).append('=').append(URLEncoder.encode(v, StandardCharsets.UTF_8)));
        return new Case(name, head("GET", "api/3/action/" + action + q, token), status, field, null);
    }

    private static Case post(String name, String action, String body, String token, int status, String field) {
        return raw(name, action, token, "application/json", body.getBytes(StandardCharsets.UTF_8), status, field);
    }

    private static Case raw(String name, String action, String token, String contentType, byte[] body, int status, String field) {
        return new Case(name, withBody("POST", "api/3/action/" + action, token, contentType, body), status, field, null);
    }

    private static Case multipart(String name, String action, String token, String body, int status, String field) {
        return raw(name, action, token, "multipart/form-data; boundary=" + BOUNDARY, body.getBytes(StandardCharsets.UTF_8), status, field);
    }

    private static String field(String name, String value) {
        return "--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"" + name + "\"\r\n\r\n" + value + "\r\n";
    }

    private static String filePart(String name, String filename, String content) {
        return "--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"" + name + "\"; filename=\"" + filename
                + "\"\r\nContent-Type: text/plain\r\n\r\n" + content + "\r\n";
    }

    private static String end() {
        return "--" + BOUNDARY + "--\r\n";
    }

    private static byte[] head(String method, String path, String token) {
        StringBuilder head = new StringBuilder(method).append(" /").append(path).append(" HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n");
        if (token != null) {
            head.append("Authorization: ").append(token).append("\r\n");
        }
        return head.append("\r\n").toString().getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] withBody(String method, String path, String token, String contentType, byte[] body) {
        StringBuilder head = new StringBuilder(method).append(" /").append(path).append(" HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n")
                .append("Content-Type: ").append(contentType).append("\r\nContent-Length: ").append(body.length).append("\r\n");
        if (token != null) {
            head.append("Authorization: ").append(token).append("\r\n");
        }
        byte[] h = head.append("\r\n").toString().getBytes(StandardCharsets.UTF_8);
        byte[] all = new byte[h.length + body.length];
        System.arraycopy(h, 0, all, 0, h.length);
        System.arraycopy(body, 0, all, h.length, body.length);
        return all;
    }

    private static String json(Map<String, ?> data) {
        try {
            return Json.MAPPER.writeValueAsString(data);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String abbreviate(Object value) {
        String s = String.valueOf(value);
        return s.length() > 16 ? s.substring(0, 16) + "..." : s;
    }

    // ---- answers ------------------------------------------------------------------------------

    /** A response read whole (the requests ask the server to close the connection after it). */
    record Answer(int status, Map<String, String> headers, byte[] body) {
        String header(String name) {
            return headers.get(name);
        }

        String text() {
            return new String(body, StandardCharsets.UTF_8);
        }

        Map<String, Object> json() {
            try {
                return Json.MAPPER.readValue(body, new TypeReference<Map<String, Object>>() { });
            } catch (IOException e) {
                return Map.of();
            }
        }
    }

    private static Answer send(Case c) throws IOException {
        try (Socket socket = new Socket()) {
            if (c.source != null) {
                socket.bind(new InetSocketAddress(InetAddress.getByName(c.source), 0));
            }
            socket.connect(new InetSocketAddress(http.uri().getHost(), http.uri().getPort()), 10_000);
            socket.setSoTimeout(30_000);
            OutputStream out = socket.getOutputStream();
            try {
                out.write(c.request);
                out.flush();
                socket.shutdownOutput();
            } catch (IOException answeredEarly) {
                // the server answered and closed before it read the whole request: read that answer
            }
            InputStream in = socket.getInputStream();
            byte[] all = in.readAllBytes();
            return parse(all);
        }
    }

    private static Answer parse(byte[] all) {
        String text = new String(all, StandardCharsets.ISO_8859_1);
        int end = text.indexOf("\r\n\r\n");
        assertThat(end).as("a response head in: %s", text).isPositive();
        String[] lines = text.substring(0, end).split("\r\n");
        int status = Integer.parseInt(lines[0].split(" ")[1]);
        Map<String, String> headers = new TreeMap<>();
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            headers.put(lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT), lines[i].substring(colon + 1).trim());
        }
        byte[] body = java.util.Arrays.copyOfRange(all, end + 4, all.length);
        if ("chunked".equalsIgnoreCase(headers.get("transfer-encoding"))) {
            body = dechunk(body);
        }
        return new Answer(status, headers, body);
    }

    private static byte[] dechunk(byte[] chunked) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int at = 0;
        while (at < chunked.length) {
            int lineEnd = at;
            while (lineEnd + 1 < chunked.length && !(chunked[lineEnd] == '\r' && chunked[lineEnd + 1] == '\n')) {
                lineEnd++;
            }
            int size = Integer.parseInt(new String(chunked, at, lineEnd - at, StandardCharsets.ISO_8859_1).split(";")[0].trim(), 16);
            if (size == 0) {
                break;
            }
            out.write(chunked, lineEnd + 2, size);
            at = lineEnd + 2 + size + 2;
        }
        return out.toByteArray();
    }

    // ---- what must not change -----------------------------------------------------------------

    private static Map<String, Long> rows() throws SQLException {
        Map<String, Long> counts = new LinkedHashMap<>();
        try (Connection c = http.portal().portal().database().dataSource().getConnection(); Statement s = c.createStatement()) {
            for (String table : TABLES) {
                try (ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM " + table)) {
                    rs.next();
                    counts.put(table, rs.getLong(1));
                }
            }
        }
        return counts;
    }

    private static List<String> storedFiles() throws IOException {
        Path storage = http.portal().dataDir().resolve("storage");
        if (!Files.isDirectory(storage)) {
            return List.of();
        }
        try (Stream<Path> files = Files.walk(storage)) {
            return files.filter(Files::isRegularFile).map(p -> storage.relativize(p).toString()).sorted().toList();
        }
    }
}
