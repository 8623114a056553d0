package dev.portalkit.runtime.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.portalkit.api.ErrorKind;
import dev.portalkit.api.PortalException;
import dev.portalkit.api.ValidationException;
import dev.portalkit.api.action.UserRef;
import dev.portalkit.api.files.Upload;
import dev.portalkit.runtime.testing.TestImages;
import dev.portalkit.runtime.testing.TestPortal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * CKAN's config_option_update: sysadmins change the site's title, texts and logo while the portal
 * runs; the values outlive a restart; an uploaded logo goes into the 'admin' storage and a replaced
 * or cleared one is deleted after the commit.
 */
class SiteOptionsTest {
    private static final byte[] PNG = TestImages.png();

    @Test
    void sysadminsUpdateTheSiteOptionsAndTheLogoGoesIntoTheAdminStorage() throws Exception {
        Path root = Files.createTempDirectory("site-");
        Path dataDir = Files.createTempDirectory("site-data-");
        Path admin = root.resolve("storage/uploads/admin");
        String firstLogo;
        try (TestPortal portal = start(root, dataDir)) {
            Map<String, Object> user = call(portal, TestPortal.SYSADMIN, "user_create",
                    map("name", "mallory", "email", "m@example.org", "password", "correct horse battery"));
            Optional<UserRef> mallory = Optional.of(new UserRef((String) user.get("id"), "mallory", false));
            assertThatThrownBy(() -> call(portal, mallory, "config_option_update", map("portal.site_title", "Mine")))
                    .isInstanceOfSatisfying(PortalException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.PERMISSION_DENIED));
            assertThatThrownBy(() -> call(portal, TestPortal.SYSADMIN, "config_option_update", map("portal.db.url", "jdbc:h2:mem:x")))
                    .isInstanceOfSatisfying(ValidationException.class, e -> assertThat(e.errors()).containsKey("portal.db.url"));

            // CKAN's names work too; a stored value wins over the command line's.
            Map<String, Object> updated = call(portal, TestPortal.SYSADMIN, "config_option_update",
                    map("ckan.site_title", "Rivers portal", "portal.site_description", "Open river data"));
            assertThat(updated).containsEntry("portal.site_title", "Rivers portal").containsEntry("portal.site_description", "Open river data");
            assertThat(call(portal, TestPortal.SYSADMIN, "status_show", map())).containsEntry("site_title", "Rivers portal");
            assertThat(portal.call("config_option_show", TestPortal.SYSADMIN, map("key", "portal.site_description")))
                    .isEqualTo("Open river data");

            // Not an image: refused on the logo field, nothing stored.
            assertThatThrownBy(() -> call(portal, TestPortal.SYSADMIN, "config_option_update",
                    map("logo_upload", Upload.of("not an image".getBytes(StandardCharsets.UTF_8), "logo.png", "image/png"))))
                    .isInstanceOfSatisfying(PortalException.class, e -> {
                        assertThat(e.kind()).isEqualTo(ErrorKind.WRONG_TYPE);
                        assertThat(e.details()).containsKey("logo_upload");
                    });
            assertThat(portal.call("config_option_show", TestPortal.SYSADMIN, map("key", "portal.site_logo"))).isEqualTo("");

            firstLogo = logo(call(portal, TestPortal.SYSADMIN, "config_option_update", map("logo_upload", Upload.of(PNG, "logo.png", "image/png"))));
            assertThat(admin.resolve(firstLogo)).exists().hasBinaryContent(PNG);
            Map<?, ?> file = (Map<?, ?>) ((List<?>) call(portal, TestPortal.SYSADMIN, "files_file_search",
                    map("owner_type", "admin", "owner_id", "site")).get("results")).get(0);
            assertThat(file.get("storage")).isEqualTo("admin");
            assertThat(file.get("location")).isEqualTo(firstLogo);
        }
        // After a restart the stored values are the portal's.
        try (TestPortal portal = start(root, dataDir)) {
            assertThat(call(portal, TestPortal.SYSADMIN, "status_show", map())).containsEntry("site_title", "Rivers portal");
            assertThat((String) portal.call("config_option_show", TestPortal.SYSADMIN, map("key", "portal.site_logo")))
                    .isEqualTo("http://localhost:5000/files/public-download/admin/" + firstLogo);

            // A new logo replaces the old one, whose bytes go after the commit.
            String second = logo(call(portal, TestPortal.SYSADMIN, "config_option_update", map("logo_upload", Upload.of(PNG, "new.png", "image/png"))));
            assertThat(second).isNotEqualTo(firstLogo);
            assertThat(admin.resolve(second)).exists();
            assertThat(admin.resolve(firstLogo)).doesNotExist();

            // clear_logo_upload drops it.
            Map<String, Object> cleared = call(portal, TestPortal.SYSADMIN, "config_option_update", map("clear_logo_upload", "true"));
            assertThat(cleared).containsEntry("portal.site_logo", "");
            assertThat(admin.resolve(second)).doesNotExist();
            assertThat(call(portal, TestPortal.SYSADMIN, "files_file_search", map("owner_type", "admin")).get("count")).isEqualTo(0L);

            // A link is just a link.
            call(portal, TestPortal.SYSADMIN, "config_option_update", map("ckan.site_logo", "https://cdn.example.org/logo.svg"));
            assertThat(portal.call("config_option_show", TestPortal.SYSADMIN, map("key", "portal.site_logo")))
                    .isEqualTo("https://cdn.example.org/logo.svg");
        }
    }

    private static TestPortal start(Path root, Path dataDir) {
        return TestPortal.builder().dataDir(dataDir)
                .option("portal.site_title", "From the command line")
                .option("portal.auth.password_iterations", "1000")
                .option("portal.files.storage.default.type", "files:fs")
                .option("portal.files.storage.default.path", root.toString())
                .option("portal.files.storage.default.create_path", "true")
                .start();
    }

    /** The location of the uploaded logo, from the URL config_option_update answered. */
    private static String logo(Map<String, Object> updated) {
        String url = (String) updated.get("portal.site_logo");
        String prefix = "http://localhost:5000/files/public-download/admin/";
        assertThat(url).startsWith(prefix);
        return url.substring(prefix.length());
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> call(TestPortal portal, Optional<UserRef> user, String action, Map<String, Object> data) {
        return (Map<String, Object>) portal.call(action, user, data);
    }

    private static Map<String, Object> map(Object... kv) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put((String) kv[i], kv[i + 1]);
        }
        return m;
    }
}
