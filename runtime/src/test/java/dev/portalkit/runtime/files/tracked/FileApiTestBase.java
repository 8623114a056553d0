package dev.portalkit.runtime.files.tracked;

import dev.portalkit.api.action.UserRef;
import dev.portalkit.api.files.FileData;
import dev.portalkit.api.files.Location;
import dev.portalkit.api.files.ManagedStorage;
import dev.portalkit.api.files.Upload;
import dev.portalkit.runtime.files.FilesPlugin;
import dev.portalkit.runtime.testing.PortalTestBase;
import dev.portalkit.runtime.testing.TestPortal;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One real portal per test class and database (subclasses are {@code @ParameterizedClass}) with
 * the files-test plugin and these storages: {@code default} (files:fs), {@code mem},
 * {@code images} (image types, at most 1 KiB), {@code uuid} (uuid_with_extension locations),
 * {@code tagged} (storage data on files), {@code flaky} (removals fail on demand),
 * {@code hooked} (no links of its own: the portal signs them), {@code public} and {@code avatars}
 * (files:public_fs, public links), {@code db} (files:db), {@code plain} (no MULTIPART, no ANALYZE), {@code keeper} (no REMOVE).
 */
abstract class FileApiTestBase extends PortalTestBase {
    Path storageDir;

    /** The task queue's clock for this class's portal ({@code null}: the system clock). */
    java.time.Clock clock() {
        return null;
    }

    @Override
    protected void configure(TestPortal.Builder builder) throws IOException {
        storageDir = Files.createTempDirectory("files-api-");
        builder.plugins("files-test").clock(clock());
        storageOptions(storageDir).forEach(builder::option);
    }

    static Map<String, String> storageOptions(Path dir) {
        Map<String, String> o = new LinkedHashMap<>();
        storage(o, "default", "files:fs", "path", dir.resolve("default").toString(), "create_path", "true");
        storage(o, "mem", "files:memory");
        storage(o, "images", "files:memory", "supported_types", "image", "max_size", "1KiB");
        storage(o, "uuid", "files:memory", "location_transformers", "uuid_with_extension");
        storage(o, "tagged", "test:tagged", "bucket", "b1");
        storage(o, "tagged2", "test:tagged", "bucket", "b2", "region", "us");
        storage(o, "flaky", "test:flaky", "retries", "0"); // the task queue retries here, not the storage
        storage(o, "hooked", "files:memory");
        storage(o, "public", "files:public_fs", "path", dir.resolve("public").toString(), "create_path", "true",
                "public_root", "https://cdn.example.org/pub");
        storage(o, "avatars", "files:public_fs", "path", dir.resolve("avatars").toString(), "create_path", "true",
                "public_root", "https://cdn.example.org/avatars", "supported_types", "image", "location_transformers", "uuid_with_extension");
        storage(o, "db", "files:db");
        storage(o, "plain", "files:memory", "disabled_capabilities", "MULTIPART ANALYZE");
        storage(o, "keeper", "files:memory", "disabled_capabilities", "REMOVE");
        return o;
    }

    static void storage(Map<String, String> options, String name, String type, String... more) {
        options.put("portal.files.storage." + name + ".type", type);
        for (int i = 0; i < more.length; i += 2) {
            options.put("portal.files.storage." + name + "." + more[i], more[i + 1]);
        }
    }

    // ---- files -----------------------------------------------------------------------------------

    Map<String, Object> create(Optional<UserRef> user, String storage, String name, String content) {
        return dict("files_file_create", user, map("storage", storage, "name", name, "upload", content));
    }

    ManagedStorage storage(String name) {
        return FilesPlugin.of(portal.portal()).storages().get(name);
    }

    static FileData content(Map<String, Object> file) {
        return FileData.of(new Location((String) file.get("location")));
    }

    String read(Map<String, Object> file) {
        try (InputStream in = storage((String) file.get("storage")).reader().stream(content(file))) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    boolean stored(Map<String, Object> file) {
        return storage((String) file.get("storage")).manager().exists(content(file));
    }

    static Upload upload(String content, String filename, String type) {
        return Upload.of(content.getBytes(StandardCharsets.UTF_8), filename, type);
    }

    // ---- the portal model ------------------------------------------------------------------------

    protected Map<String, Object> newDataset(Map<String, Object> org, boolean isPrivate) {
        return dict("package_create", SYSADMIN, map("name", unique("ds"), "title", "A dataset", "owner_org", org.get("id"),
                "private", isPrivate));
    }

    @SuppressWarnings("unchecked")
    static List<Map<String, Object>> results(Map<String, Object> search) {
        return (List<Map<String, Object>>) search.get("results");
    }
}
