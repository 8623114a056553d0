package dev.portalkit.runtime.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.portalkit.api.files.Upload;
import dev.portalkit.runtime.testing.TestPortal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * CKAN's {@code ckan.mimetype_guess} as {@code portal.mimetype_guess}, and extra types by extension
 * from {@code portal.mimetypes_file}: what a resource's {@code mimetype} becomes when the caller
 * gives none. The upload is PNG bytes under a {@code .txt} name, so the name and the content
 * disagree and each mode shows which one it follows.
 */
class ResourceMimetypesTest {
    private static final byte[] PNG = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n', 0, 0, 0, 13, 'I', 'H', 'D', 'R'};

    private static TestPortal portal(Path dir, String... options) {
        TestPortal.Builder b = TestPortal.builder().dataDir(dir.resolve("data-" + options.length + "-" + (options.length > 1 ? options[1] : "")))
                .option("portal.auth.create_unowned_dataset", "true");
        for (int i = 0; i < options.length; i += 2) {
            b.option(options[i], options[i + 1]);
        }
        return b.start();
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> call(TestPortal portal, String action, Object... kv) {
        Map<String, Object> data = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            data.put((String) kv[i], kv[i + 1]);
        }
        return (Map<String, Object>) portal.call(action, TestPortal.SYSADMIN, data);
    }

    /** The mimetype of a new resource of {@code portal} made from {@code kv} (null when none is stored). */
    private static Object mimetype(TestPortal portal, Object... kv) {
        Map<String, Object> ds = call(portal, "package_create", "name", "ds-" + System.nanoTime());
        Object[] all = new Object[kv.length + 2];
        all[0] = "package_id";
        all[1] = ds.get("id");
        System.arraycopy(kv, 0, all, 2, kv.length);
        return call(portal, "resource_create", all).get("mimetype");
    }

    @Test
    void fileExtGuessesFromNamesAndTheTypesFileComesFirst(@TempDir Path dir) throws Exception {
        Path types = dir.resolve("mime.types");
        Files.writeString(types, "# types of this portal\napplication/x-river-gauge  gauge rgx\napplication/json geojson\n");
        try (TestPortal portal = portal(dir, "portal.mimetypes_file", types.toString())) {
            assertThat(mimetype(portal, "upload", Upload.of(PNG, "table.txt", null))).isEqualTo("text/plain");
            assertThat(mimetype(portal, "upload", Upload.of("1;2".getBytes(), "levels.GAUGE", null))).isEqualTo("application/x-river-gauge");
            assertThat(mimetype(portal, "url", "https://example.org/data/rivers.geojson?v=2")).isEqualTo("application/json");
            assertThat(mimetype(portal, "url", "https://example.org/report.pdf")).isEqualTo("application/pdf");
            assertThat(mimetype(portal, "url", "https://example.org/download")).isNull();
            // A caller's mimetype for a link is kept.
            assertThat(mimetype(portal, "url", "https://example.org/report.pdf", "mimetype", "application/x-custom")).isEqualTo("application/x-custom");
            // The file itself is still typed by its bytes: that is how it is served.
            Map<String, Object> ds = call(portal, "package_create", "name", "served");
            Map<String, Object> r = call(portal, "resource_create", "package_id", ds.get("id"), "upload", Upload.of(PNG, "table.txt", null));
            assertThat(call(portal, "files_file_show", "id", r.get("file_id"))).containsEntry("content_type", "image/png");
        }
    }

    @Test
    void fileContentsFollowsTheBytesAndNoneStoresNothing(@TempDir Path dir) {
        try (TestPortal portal = portal(dir, "portal.mimetype_guess", "file_contents")) {
            assertThat(mimetype(portal, "upload", Upload.of(PNG, "table.txt", null))).isEqualTo("image/png");
            assertThat(mimetype(portal, "url", "https://example.org/report.pdf")).isNull();
        }
        try (TestPortal portal = portal(dir, "portal.mimetype_guess", "None")) {
            assertThat(mimetype(portal, "upload", Upload.of(PNG, "table.txt", null))).isNull();
            assertThat(mimetype(portal, "url", "https://example.org/report.pdf")).isNull();
        }
    }

    @Test
    void aBrokenTypesFileStopsStartNamingTheKey(@TempDir Path dir) throws Exception {
        Path types = dir.resolve("bad.types");
        Files.writeString(types, "not-a-type gauge\n");
        assertThatThrownBy(() -> portal(dir, "portal.mimetypes_file", types.toString()).close())
                .hasMessageContaining("portal.mimetypes_file: line 1 of " + types);
        assertThatThrownBy(() -> portal(dir, "portal.mimetypes_file", dir.resolve("missing.types").toString()).close())
                .hasMessageContaining("portal.mimetypes_file");
    }
}
