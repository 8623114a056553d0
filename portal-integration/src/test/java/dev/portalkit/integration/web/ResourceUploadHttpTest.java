package dev.portalkit.integration.web;

import static dev.portalkit.integration.testing.HttpPortal.map;
import static org.assertj.core.api.Assertions.assertThat;

import dev.portalkit.integration.testing.ApiClient;
import dev.portalkit.integration.testing.ApiClient.Reply;
import dev.portalkit.integration.testing.HttpPortal;
import dev.portalkit.runtime.testing.TestImages;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Seed 001's FileStore API over HTTP on the implicit storages of a files:fs default storage:
 * resource_create with {@code upload}, resource_update with a new upload and with
 * {@code clear_upload}, the resource download route for members and non-members of a private
 * dataset, organization and user images, and the refusals that must leave nothing behind.
 */
class ResourceUploadHttpTest {
    static final String CSV = "river,length_km\nDanube,2850\nRhine,1230\n";
    static final byte[] PNG = TestImages.png();

    static Path storage;
    static HttpPortal http;
    static ApiClient api;
    static HttpPortal.Account editor;
    static HttpPortal.Account outsider;
    static String orgId;
    static String privateDataset;

    @BeforeAll
    static void start() throws IOException {
        storage = Files.createTempDirectory("resource-uploads-");
        http = HttpPortal.start(HttpPortal.builder()
                .option("portal.files.storage.default.type", "files:fs")
                .option("portal.files.storage.default.path", storage.toString())
                .option("portal.files.storage.default.create_path", "true")
                .option("portal.max_resource_size", "1"));
        api = http.api();
        editor = http.newUser("editor");
        outsider = http.newUser("outsider");
        orgId = (String) http.sudo("organization_create", map("name", HttpPortal.unique("org"))).get("id");
        http.sudo("organization_member_create", map("id", orgId, "username", editor.name(), "role", "editor"));
        privateDataset = (String) http.sudo("package_create", map("name", HttpPortal.unique("rivers"), "owner_org", orgId,
                "private", true)).get("id");
    }

    @AfterAll
    static void stop() {
        if (http != null) {
            http.close();
        }
    }

    @Test
    @SuppressWarnings("unchecked")
    void createUpdateClearAndDownloadAResourceUpload() throws Exception {
        // curl -H "Authorization: $TOKEN" -F upload=@lengths.csv -F package_id=... .../api/action/resource_create
        Reply created = api.multipart("resource_create", new ApiClient.Multipart()
                .file("upload", "lengths.csv", "application/octet-stream", CSV.getBytes(StandardCharsets.UTF_8))
                .field("package_id", privateDataset), editor.token());
        assertThat(created.status()).as(created.body()).isEqualTo(200);
        Map<String, Object> resource = (Map<String, Object>) created.result();
        String id = (String) resource.get("id");
        String downloadUrl = "http://localhost:5000/dataset/" + privateDataset + "/resource/" + id + "/download/lengths.csv";
        assertThat(resource).containsEntry("url_type", "upload").containsEntry("url", downloadUrl)
                .containsEntry("size", CSV.length()).containsEntry("mimetype", "text/csv").containsEntry("format", "CSV");
        String fileId = (String) resource.get("file_id");
        Map<String, Object> file = http.sudo("files_file_show", map("id", fileId));
        assertThat(file).containsEntry("storage", "resources").containsEntry("owner_type", "resource")
                .containsEntry("owner_id", id).containsEntry("pinned", true).containsEntry("name", "lengths.csv");
        Path firstBytes = storage.resolve("resources").resolve((String) file.get("location"));
        assertThat(firstBytes).hasContent(CSV);

        // The download route follows the dataset's visibility.
        HttpResponse<String> asMember = download(privateDataset, id, "lengths.csv", editor.token(), null);
        assertThat(asMember.statusCode()).isEqualTo(200);
        assertThat(asMember.body()).isEqualTo(CSV);
        assertThat(asMember.headers().firstValue("X-Content-Type-Options")).hasValue("nosniff");
        assertThat(asMember.headers().firstValue("ETag")).isPresent();
        HttpResponse<String> range = download(privateDataset, id, "lengths.csv", editor.token(), "bytes=0-4");
        assertThat(range.statusCode()).isEqualTo(206);
        assertThat(range.body()).isEqualTo("river");
        assertThat(download(privateDataset, id, "lengths.csv", outsider.token(), null).statusCode()).isEqualTo(403);
        assertThat(download(privateDataset, id, "lengths.csv", null, null).statusCode()).isEqualTo(403);

        // curl ... -F upload=@newfile -F id=... .../resource_update: the old bytes go after the commit.
        Reply updated = api.multipart("resource_update", new ApiClient.Multipart()
                .file("upload", "lengths.json", "text/plain", "{\"Danube\": 2850}".getBytes(StandardCharsets.UTF_8))
                .field("id", id), editor.token());
        assertThat(updated.status()).as(updated.body()).isEqualTo(200);
        Map<String, Object> second = (Map<String, Object>) updated.result();
        assertThat(second).containsEntry("url_type", "upload").containsEntry("mimetype", "application/json")
                .containsEntry("size", 16);
        assertThat((String) second.get("url")).endsWith("/download/lengths.json");
        assertThat(second.get("file_id")).isNotEqualTo(fileId);
        assertThat(firstBytes).doesNotExist();
        assertThat(api.call("files_file_show", map("id", fileId), adminToken()).status()).isEqualTo(404);
        assertThat(download(privateDataset, id, "lengths.json", editor.token(), null).body()).isEqualTo("{\"Danube\": 2850}");

        // An update that sends neither upload nor clear_upload keeps the file (resource_patch sends the rendered url back).
        Reply patched = api.call("resource_patch", map("id", id, "name", "Lengths"), editor.token());
        assertThat(patched.status()).as(patched.body()).isEqualTo(200);
        assertThat((Map<String, Object>) patched.result()).containsEntry("url_type", "upload")
                .containsEntry("file_id", second.get("file_id")).containsEntry("name", "Lengths");

        // curl ... --form url=http://example.com --form clear_upload=true --form id=...
        Path secondBytes = storage.resolve("resources").resolve((String) http.sudo("files_file_show",
                map("id", second.get("file_id"))).get("location"));
        Reply cleared = api.multipart("resource_update", new ApiClient.Multipart()
                .field("url", "http://example.com").field("clear_upload", "true").field("id", id), editor.token());
        assertThat(cleared.status()).as(cleared.body()).isEqualTo(200);
        assertThat((Map<String, Object>) cleared.result()).containsEntry("url", "http://example.com")
                .containsEntry("url_type", null).containsEntry("size", null).doesNotContainKey("file_id");
        assertThat(secondBytes).doesNotExist();
        assertThat(ownedFiles(id)).isEmpty();
    }

    @Test
    @SuppressWarnings("unchecked")
    void deletingAResourceRemovesItsFileAfterTheCommit() {
        Reply created = api.multipart("resource_create", new ApiClient.Multipart()
                .file("upload", "gone.csv", "text/csv", CSV.getBytes(StandardCharsets.UTF_8))
                .field("package_id", privateDataset), editor.token());
        assertThat(created.status()).as(created.body()).isEqualTo(200);
        Map<String, Object> resource = (Map<String, Object>) created.result();
        Path bytes = storage.resolve("resources").resolve((String) http.sudo("files_file_show",
                map("id", resource.get("file_id"))).get("location"));
        assertThat(bytes).exists();
        assertThat(api.call("resource_delete", map("id", resource.get("id")), editor.token()).status()).isEqualTo(200);
        assertThat(bytes).doesNotExist();
        assertThat(ownedFiles((String) resource.get("id"))).isEmpty();
    }

    /**
     * Resources left out of package_update / package_patch's {@code resources} are removed as
     * resource_delete removes them: their files untracked, the bytes gone after the commit.
     * Resources kept in the list keep their files.
     */
    @Test
    @SuppressWarnings("unchecked")
    void resourcesLeftOutOfAPackageUpdateReleaseTheirFiles() throws Exception {
        String dataset = (String) http.sudo("package_create", map("name", HttpPortal.unique("basins"), "owner_org", orgId,
                "private", true)).get("id");
        Map<String, Object> kept = uploadResource(dataset, "kept.csv");
        Map<String, Object> dropped = uploadResource(dataset, "dropped.csv");
        Path keptBytes = bytesOf(kept);
        Path droppedBytes = bytesOf(dropped);

        // package_patch without resources keeps them and their files.
        Reply patched = api.call("package_patch", map("id", dataset, "notes", "Basins"), editor.token());
        assertThat(patched.status()).as(patched.body()).isEqualTo(200);
        assertThat(keptBytes).exists();
        assertThat(droppedBytes).exists();

        // package_patch with only the first resource: the second is deleted with its file.
        Reply one = api.call("package_patch", map("id", dataset, "resources", List.of(map("id", kept.get("id")))), editor.token());
        assertThat(one.status()).as(one.body()).isEqualTo(200);
        assertThat((List<Object>) ((Map<String, Object>) one.result()).get("resources")).hasSize(1);
        assertThat(droppedBytes).doesNotExist();
        assertThat(ownedFiles((String) dropped.get("id"))).isEmpty();
        assertThat(http.sudo("files_file_search", map("id", dropped.get("file_id"))).get("count")).isEqualTo(0L);
        assertThat(keptBytes).exists();
        // The resource kept in the list keeps its file, as resource_update without clear_upload does.
        assertThat(http.sudo("resource_show", map("id", kept.get("id")))).containsEntry("url_type", "upload")
                .containsEntry("file_id", kept.get("file_id")).containsEntry("url", kept.get("url"));

        // package_update with resources: [] releases the rest.
        Map<String, Object> full = http.sudo("package_show", map("id", dataset));
        full.put("resources", List.of());
        Reply none = api.call("package_update", full, editor.token());
        assertThat(none.status()).as(none.body()).isEqualTo(200);
        assertThat(keptBytes).doesNotExist();
        assertThat(ownedFiles((String) kept.get("id"))).isEmpty();
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> uploadResource(String dataset, String name) {
        Reply created = api.multipart("resource_create", new ApiClient.Multipart()
                .file("upload", name, "text/csv", CSV.getBytes(StandardCharsets.UTF_8))
                .field("package_id", dataset), editor.token());
        assertThat(created.status()).as(created.body()).isEqualTo(200);
        return (Map<String, Object>) created.result();
    }

    private static Path bytesOf(Map<String, Object> resource) {
        Path bytes = storage.resolve("resources").resolve((String) http.sudo("files_file_show",
                map("id", resource.get("file_id"))).get("location"));
        assertThat(bytes).exists();
        return bytes;
    }

    @Test
    void refusedUploadsLeaveNothingBehind() throws IOException {
        long before = storedFiles();
        int resources = resourceCount();
        // Not an editor of the dataset: 403, before a byte is stored.
        Reply foreign = api.multipart("resource_create", new ApiClient.Multipart()
                .file("upload", "x.csv", "text/csv", CSV.getBytes(StandardCharsets.UTF_8))
                .field("package_id", privateDataset), outsider.token());
        assertThat(foreign.status()).isEqualTo(403);
        // Larger than portal.max_resource_size (1 MiB): 413 naming the field.
        Reply big = api.multipart("resource_create", new ApiClient.Multipart()
                .file("upload", "big.csv", "text/csv", new byte[1024 * 1024 + 1])
                .field("package_id", privateDataset), editor.token());
        assertThat(big.status()).as(big.body()).isEqualTo(413);
        assertThat(big.error()).containsKey("upload");
        // An HTML page as an avatar: 415 naming image_upload, and the user keeps no image.
        Reply html = api.multipart("user_update", new ApiClient.Multipart()
                .file("image_upload", "avatar.png", "image/png", "<!DOCTYPE html><html><script>alert(1)</script></html>"
                        .getBytes(StandardCharsets.UTF_8))
                .field("id", editor.id()), editor.token());
        assertThat(html.status()).as(html.body()).isEqualTo(415);
        assertThat(html.error()).containsKey("image_upload");
        assertThat(http.sudo("user_show", map("id", editor.id())).get("image_url")).isNull();
        assertThat(storedFiles()).isEqualTo(before);
        assertThat(resourceCount()).isEqualTo(resources);
        assertThat(http.sudo("files_file_search", map()).get("count")).isEqualTo(trackedCount());
    }

    @Test
    @SuppressWarnings("unchecked")
    void organizationAndUserImagesAreServedByPublicUrl() throws Exception {
        Reply org = api.multipart("organization_update", new ApiClient.Multipart()
                .file("image_upload", "logo.png", "image/png", PNG)
                .field("id", orgId).field("name", (String) http.sudo("organization_show", map("id", orgId)).get("name")),
                adminToken());
        assertThat(org.status()).as(org.body()).isEqualTo(200);
        Map<String, Object> dict = (Map<String, Object>) org.result();
        String location = (String) dict.get("image_url");
        assertThat(location).doesNotContain(":").endsWith("logo.png");
        String display = (String) dict.get("image_display_url");
        assertThat(display).isEqualTo("http://localhost:5000/files/public-download/groups/" + location);
        HttpResponse<byte[]> image = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                http.uri().resolve(URI.create(display).getRawPath().substring(1))).build(), HttpResponse.BodyHandlers.ofByteArray());
        assertThat(image.statusCode()).isEqualTo(200);
        assertThat(image.body()).isEqualTo(PNG);
        assertThat(image.headers().firstValue("Content-Type")).hasValue("image/png");

        Reply user = api.multipart("user_update", new ApiClient.Multipart()
                .file("image_upload", "me.png", "image/png", PNG).field("id", outsider.id()), outsider.token());
        assertThat(user.status()).as(user.body()).isEqualTo(200);
        String userImage = (String) ((Map<String, Object>) user.result()).get("image_url");
        assertThat((String) ((Map<String, Object>) user.result()).get("image_display_url"))
                .isEqualTo("http://localhost:5000/files/public-download/users/" + userImage);
        Path bytes = storage.resolve("storage/uploads/user").resolve(userImage);
        assertThat(bytes).exists();
        // A link replaces the upload; the uploaded image goes after the commit.
        Reply cleared = api.call("user_update", map("id", outsider.id(), "image_url", "https://example.org/me.png",
                "clear_upload", true), outsider.token());
        assertThat(cleared.status()).as(cleared.body()).isEqualTo(200);
        assertThat((Map<String, Object>) cleared.result()).containsEntry("image_url", "https://example.org/me.png")
                .containsEntry("image_display_url", "https://example.org/me.png");
        assertThat(bytes).doesNotExist();
    }

    private static String adminTokenValue;

    private static synchronized String adminToken() {
        if (adminTokenValue == null) {
            adminTokenValue = http.newSysadmin("admin").token();
        }
        return adminTokenValue;
    }

    @SuppressWarnings("unchecked")
    private static List<Object> ownedFiles(String resourceId) {
        return (List<Object>) http.sudo("files_file_search", map("owner_type", "resource", "owner_id", resourceId)).get("results");
    }

    private static Object trackedCount() {
        return http.sudo("files_file_search", map()).get("count");
    }

    @SuppressWarnings("unchecked")
    private static int resourceCount() {
        return ((List<Object>) http.sudo("package_show", map("id", privateDataset)).get("resources")).size();
    }

    private static long storedFiles() throws IOException {
        try (Stream<Path> all = Files.walk(storage)) {
            return all.filter(Files::isRegularFile).count();
        }
    }

    static HttpResponse<String> download(String dataset, String resource, String name, String token, String range) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(http.uri().resolve("dataset/" + dataset + "/resource/" + resource
                + "/download/" + name));
        if (token != null) {
            b.header("Authorization", token);
        }
        if (range != null) {
            b.header("Range", range);
        }
        return HttpClient.newHttpClient().send(b.build(), HttpResponse.BodyHandlers.ofString());
    }
}
