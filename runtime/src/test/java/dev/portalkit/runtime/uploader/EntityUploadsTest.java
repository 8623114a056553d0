package dev.portalkit.runtime.uploader;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.portalkit.api.ErrorKind;
import dev.portalkit.api.PortalException;
import dev.portalkit.api.files.StorageSettings;
import dev.portalkit.api.files.Upload;
import dev.portalkit.runtime.files.FilesPlugin;
import dev.portalkit.runtime.testing.TestPortal;
import dev.portalkit.runtime.testing.TestImages;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The implicit role storages, portal.uploads_enabled and a plugin's IUploader taking over resource uploads. */
class EntityUploadsTest {
    static final byte[] CSV = "a,b\n1,2\n".getBytes(StandardCharsets.UTF_8);
    static final byte[] PNG = TestImages.png();

    @Test
    void implicitStoragesAreDerivedFromTheDefaultOne() throws Exception {
        Path root = Files.createTempDirectory("roles-");
        try (TestPortal portal = TestPortal.builder()
                .option("portal.files.storage.default.type", "files:fs")
                .option("portal.files.storage.default.path", root.toString())
                .option("portal.files.storage.default.create_path", "true")
                .option("portal.files.storage.groups.type", "files:memory")
                .option("portal.max_image_size", "3")
                .start()) {
            Map<String, StorageSettings> configured = FilesPlugin.of(portal.portal()).storages().configured();
            assertThat(configured).containsOnlyKeys("default", "resources", "groups", "users", "admin");
            StorageSettings resources = configured.get("resources");
            assertThat(resources.type()).isEqualTo("files:fs");
            assertThat(resources.options()).containsEntry("path", root + "/resources");
            assertThat(resources.maxSize()).isEqualTo(10L * 1024 * 1024);
            assertThat(resources.publicStorage()).isFalse();
            StorageSettings users = configured.get("users");
            assertThat(users.options()).containsEntry("path", root + "/storage/uploads/user");
            assertThat(users.maxSize()).isEqualTo(3L * 1024 * 1024);
            assertThat(users.publicStorage()).isTrue();
            assertThat(users.supportedTypes()).containsExactly("image/png", "image/gif", "image/jpeg", "image/webp");
            assertThat(configured.get("admin").supportedTypes()).isEmpty();
            assertThat(configured.get("admin").publicStorage()).isTrue();
            // Configured explicitly: nothing derived.
            assertThat(configured.get("groups").type()).isEqualTo("files:memory");
            assertThat(configured.get("groups").publicStorage()).isFalse();
        }
    }

    @Test
    void aRoleCanPointAtAnyStorageAndAnUnknownOneFailsStart() {
        try (TestPortal portal = TestPortal.builder()
                .option("portal.files.storage.default.type", "files:memory")
                .option("portal.files.storage.big.type", "files:memory")
                .option("portal.files.default_storages.resource", "big")
                .start()) {
            Map<String, Object> dataset = dataset(portal);
            Map<String, Object> resource = createWithUpload(portal, dataset);
            Map<String, Object> file = call(portal, "files_file_show", Map.of("id", resource.get("file_id")));
            assertThat(file).containsEntry("storage", "big");
        }
        assertThatThrownBy(() -> TestPortal.builder().option("portal.files.default_storages.user", "nowhere").start().close())
                .hasMessageContaining("portal.files.default_storages.user").hasMessageContaining("nowhere");
    }

    @Test
    void uploadsDisabledRefusesEveryUploadNamingTheOption() {
        try (TestPortal portal = TestPortal.builder()
                .option("portal.files.storage.default.type", "files:memory")
                .option("portal.uploads_enabled", "false")
                .start()) {
            Map<String, Object> dataset = dataset(portal);
            assertThatThrownBy(() -> createWithUpload(portal, dataset))
                    .isInstanceOfSatisfying(PortalException.class, e -> {
                        assertThat(e.kind()).isEqualTo(ErrorKind.PERMISSION_DENIED);
                        assertThat(e.details()).containsKey("upload");
                    })
                    .hasMessageContaining("portal.uploads_enabled");
            assertThat((List<?>) call(portal, "package_show", Map.of("id", dataset.get("id"))).get("resources")).isEmpty();
            assertThatThrownBy(() -> call(portal, "files_file_create", Map.of("name", "x.csv", "upload", Upload.of(CSV, "x.csv", "text/csv"))))
                    .hasMessageContaining("portal.uploads_enabled");
            assertThat(call(portal, "files_file_search", Map.of()).get("count")).isEqualTo(0L);
            // Links still work.
            Map<String, Object> link = new LinkedHashMap<>(Map.of("package_id", dataset.get("id"), "url", "https://example.org/a.csv"));
            assertThat(call(portal, "resource_create", link)).containsEntry("url", "https://example.org/a.csv");
        }
    }

    @Test
    void aPluginsUploaderTakesOverResourceUploads() {
        ArchiveUploaderPlugin.REMOVED.clear();
        try (TestPortal portal = TestPortal.builder().plugins("archive-uploader")
                .option("portal.files.storage.default.type", "files:memory")
                .start()) {
            Map<String, Object> dataset = dataset(portal);
            Map<String, Object> resource = createWithUpload(portal, dataset);
            String id = (String) resource.get("id");
            assertThat(resource).containsEntry("url_type", "upload").containsEntry("url", "https://archive.example.org/" + id + "/data.csv")
                    .containsEntry("size", (long) CSV.length).containsEntry("format", "CSV").doesNotContainKey("file_id");
            assertThat(call(portal, "files_file_search", Map.of()).get("count")).isEqualTo(0L);
            Map<String, Object> update = new LinkedHashMap<>(Map.of("id", id, "url", "https://example.org/x", "clear_upload", "true"));
            call(portal, "resource_update", update);
            assertThat(ArchiveUploaderPlugin.REMOVED).containsExactly(id + " https://archive.example.org/" + id + "/data.csv");
        }
    }

    @Test
    void aPluginsUploaderTakesOverGroupAndUserImagesAndIsToldWhenTheyAreReplaced() {
        ImageArchiveUploaderPlugin.SEEN.clear();
        try (TestPortal portal = TestPortal.builder().plugins("image-archive-uploader")
                .option("portal.files.storage.default.type", "files:memory")
                .option("portal.auth.password_iterations", "1000")
                .start()) {
            Map<String, Object> data = new LinkedHashMap<>(Map.of("name", "rivers"));
            data.put("image_upload", Upload.of(PNG, "logo.png", "image/png"));
            Map<String, Object> group = call(portal, "organization_create", data);
            String id = (String) group.get("id");
            String first = "https://images.example.org/group/" + id + "/logo.png";
            assertThat(group).containsEntry("image_url", first).containsEntry("image_display_url", first);
            // Nothing went to the portal's storages.
            assertThat(call(portal, "files_file_search", Map.of()).get("count")).isEqualTo(0L);

            Map<String, Object> replace = new LinkedHashMap<>(Map.of("id", id, "name", "rivers"));
            replace.put("image_upload", Upload.of(PNG, "new.png", "image/png"));
            call(portal, "organization_update", replace);
            call(portal, "organization_update", new LinkedHashMap<>(Map.of("id", id, "name", "rivers", "clear_upload", "true")));
            assertThat(ImageArchiveUploaderPlugin.SEEN).containsExactly("stored group " + id + " " + first,
                    "stored group " + id + " https://images.example.org/group/" + id + "/new.png",
                    "removed group " + id + " " + first,
                    "removed group " + id + " https://images.example.org/group/" + id + "/new.png");
            assertThat(call(portal, "organization_show", Map.of("id", id)).get("image_url")).isIn(null, "");

            Map<String, Object> userData = new LinkedHashMap<>(Map.of("name", "ada", "email", "ada@example.org",
                    "password", "correct horse battery"));
            userData.put("image_upload", Upload.of(PNG, "me.png", "image/png"));
            Map<String, Object> user = call(portal, "user_create", userData);
            assertThat(user).containsEntry("image_url", "https://images.example.org/user/" + user.get("id") + "/me.png");
            assertThat(call(portal, "files_file_search", Map.of()).get("count")).isEqualTo(0L);
        }
    }

    @Test
    void theImageTypeListsDecideWhatGroupAndUserImagesMayBe() {
        try (TestPortal portal = TestPortal.builder()
                .option("portal.files.storage.default.type", "files:memory")
                .option("portal.auth.password_iterations", "1000")
                .start()) {
            // WebP, as docs/resources.md says, by default.
            assertThat(group(portal, "webp", TestImages.webp(), "logo.webp").get("image_url")).asString().endsWith("logo.webp");
            assertThat(FilesPlugin.of(portal.portal()).storages().configured().get("groups").supportedTypes())
                    .containsExactly("image/png", "image/gif", "image/jpeg", "image/webp");
        }
        // An explicitly configured groups storage accepts anything; the lists still decide.
        try (TestPortal portal = TestPortal.builder()
                .option("portal.files.storage.default.type", "files:memory")
                .option("portal.files.storage.groups.type", "files:memory")
                .option("portal.upload.group.mimetypes", "image/png")
                .option("portal.auth.password_iterations", "1000")
                .start()) {
            assertThatThrownBy(() -> group(portal, "gif", TestImages.gif(), "logo.gif"))
                    .isInstanceOfSatisfying(PortalException.class, e -> {
                        assertThat(e.kind()).isEqualTo(ErrorKind.WRONG_TYPE);
                        assertThat(e.details()).containsKey("image_upload");
                    })
                    .hasMessageContaining("image/gif").hasMessageContaining("portal.upload.group.mimetypes");
            assertThat(group(portal, "png", PNG, "logo.png").get("image_url")).asString().endsWith("logo.png");
            // The user lists are their own: a GIF avatar is fine.
            Map<String, Object> user = new LinkedHashMap<>(Map.of("name", "ada", "email", "ada@example.org", "password", "correct horse battery"));
            user.put("image_upload", Upload.of(TestImages.gif(), "me.gif", "image/gif"));
            assertThat(call(portal, "user_create", user).get("image_url")).asString().endsWith("me.gif");
        }
        // '*' allows any type (CKAN: dangerous; downloads are sandboxed here).
        try (TestPortal portal = TestPortal.builder()
                .option("portal.files.storage.default.type", "files:memory")
                .option("portal.upload.group.mimetypes", "*")
                .option("portal.upload.group.types", "*")
                .start()) {
            assertThat(FilesPlugin.of(portal.portal()).storages().configured().get("groups").supportedTypes()).isEmpty();
            assertThat(group(portal, "text", CSV, "logo.csv").get("image_url")).asString().endsWith("logo.csv");
        }
    }

    private static Map<String, Object> group(TestPortal portal, String name, byte[] bytes, String filename) {
        Map<String, Object> data = new LinkedHashMap<>(Map.of("name", name));
        data.put("image_upload", Upload.of(bytes, filename, "application/octet-stream"));
        return call(portal, "group_create", data);
    }

    @Test
    void anImageIsShownAtThePortalsPublicRouteEvenWhenItsStorageHasAPublicUrlOfItsOwn() throws Exception {
        // A storage's own public URL (an S3 object URL, a public_root) works only if the backend lets everyone read;
        // the portal's route works whatever the backend grants (a groups storage derived from a private bucket).
        Path root = Files.createTempDirectory("images-");
        try (TestPortal portal = TestPortal.builder()
                .option("portal.files.storage.default.type", "files:memory")
                .option("portal.files.storage.groups.type", "files:public_fs")
                .option("portal.files.storage.groups.path", root.toString())
                .option("portal.files.storage.groups.create_path", "true")
                .option("portal.files.storage.groups.public_root", "https://cdn.example.org/logos")
                .option("portal.files.storage.groups.public", "true")
                .start()) {
            Map<String, Object> data = new LinkedHashMap<>(Map.of("name", "rivers"));
            data.put("image_upload", Upload.of(PNG, "logo.png", "image/png"));
            Map<String, Object> group = call(portal, "group_create", data);
            String location = (String) group.get("image_url");
            assertThat(root.resolve(location)).exists();
            assertThat(group).containsEntry("image_display_url", "http://localhost:5000/files/public-download/groups/" + location);
            // The storage's own URL stays available to whoever asks for it.
            Object fileId = ((List<?>) call(portal, "files_file_search", Map.of("owner_type", "group")).get("results")).stream()
                    .map(f -> ((Map<?, ?>) f).get("id")).findFirst().orElseThrow();
            assertThat(call(portal, "files_file_link", Map.of("id", fileId, "type", "public")))
                    .containsEntry("url", "https://cdn.example.org/logos/" + location);
        }
    }

    static Map<String, Object> dataset(TestPortal portal) {
        Map<String, Object> org = call(portal, "organization_create", Map.of("name", "org"));
        return call(portal, "package_create", Map.of("name", "data", "owner_org", org.get("id")));
    }

    static Map<String, Object> createWithUpload(TestPortal portal, Map<String, Object> dataset) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("package_id", dataset.get("id"));
        data.put("upload", Upload.of(CSV, "data.csv", "application/octet-stream"));
        return call(portal, "resource_create", data);
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> call(TestPortal portal, String action, Map<String, Object> data) {
        return (Map<String, Object>) portal.call(action, TestPortal.SYSADMIN, new LinkedHashMap<>(data));
    }
}
