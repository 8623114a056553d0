package dev.portalkit.runtime.files.tracked;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.portalkit.api.ErrorKind;
import dev.portalkit.api.PortalException;
import dev.portalkit.api.ValidationException;
import dev.portalkit.api.action.UserRef;
import dev.portalkit.api.files.Upload;
import dev.portalkit.api.validation.Schema;
import dev.portalkit.runtime.testing.TestDb;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The files plugin's validators, alone and in the seed's flows: resources whose url is a file id
 * (moved to the resource after commit), organization images uploaded with files_upload_as.
 */
@ParameterizedClass(name = "{0}")
@EnumSource(TestDb.class)
class FileValidatorsTest extends FileApiTestBase {
    @Override
    protected Map<String, String> options() {
        return Map.of("portal.files.authenticated_uploads.allow", "true", "portal.files.authenticated_uploads.storages", "mem");
    }

    private Map<String, Object> validate(Schema schema, Map<String, Object> data) {
        return portal.portal().context(SYSADMIN, false).validate(schema, data);
    }

    private Map<String, Object> errors(Schema schema, Map<String, Object> data) {
        ValidationException e = catchThrowableOfType(ValidationException.class, () -> validate(schema, data));
        assertThat(e).as("validation should fail").isNotNull();
        return e.errors();
    }

    static byte[] png() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n', 0, 0, 0, 13, 'I', 'H', 'D', 'R'});
        out.writeBytes(new byte[64]);
        return out.toByteArray();
    }

    // ---- alone -----------------------------------------------------------------------------------

    @Test
    void uploadsSizesAndNames() {
        Schema schema = Schema.empty().with("upload", "ignore_missing", "files_into_upload", "files_ensure_name(title)")
                .with("title", "ignore_missing").with("limit", "ignore_missing", "files_parse_filesize");
        Map<String, Object> valid = validate(schema, map("upload", upload("x", "C:\\Users\\me\\cv.pdf", "application/pdf"), "limit", "10MiB"));
        assertThat(valid).containsEntry("title", "cv.pdf").containsEntry("limit", 10_485_760L);
        assertThat(validate(schema, map("upload", "text", "title", "kept")).get("upload")).isInstanceOf(Upload.class);
        assertThat(validate(schema, map("upload", "text", "title", "kept"))).containsEntry("title", "kept");
        assertThat(validate(schema, map("limit", "2GB"))).containsEntry("limit", 2_000_000_000L);
        assertThat(validate(schema, map("limit", 42))).containsEntry("limit", 42L);
        assertThat(errors(schema, map("upload", List.of(1), "limit", "lots")))
                .containsExactly(Map.entry("upload", List.of("Must be a file upload")),
                        Map.entry("limit", List.of("Must be a size such as 42, 10MiB or 2GB")));
    }

    @Test
    void fileIdsTypesAndStorages() {
        Map<String, Object> csv = create(SYSADMIN, "mem", unique("table") + ".csv", "a,b\n1,2\n");
        Map<String, Object> text = create(SYSADMIN, "default", unique("note") + ".txt", "hello");
        Schema schema = Schema.empty().with("f", "files_file_id_exists", "files_accept_file_with_type(csv, image)",
                "files_accept_file_with_storage(mem)");
        assertThat(validate(schema, map("f", csv.get("id")))).containsEntry("f", csv.get("id"));
        assertThat(errors(schema, map("f", "nope"))).containsExactly(Map.entry("f", List.of("File not found: nope")));
        assertThat(errors(schema, map("f", text.get("id")))).containsExactly(Map.entry("f",
                List.of("File " + text.get("id") + " has type text/plain; accepted: csv, image")));
        assertThat(errors(Schema.empty().with("f", "files_accept_file_with_storage(mem, uuid)"), map("f", List.of(csv.get("id"), text.get("id")))))
                .containsExactly(Map.entry("f", List.of("File " + text.get("id") + " is in storage default; accepted: mem, uuid")));
    }

    @Test
    void validateWithStorageChecksDeclaredSizeAndType() {
        Schema schema = Schema.empty().with("image", "files_into_upload", "files_validate_with_storage(images)");
        assertThat(validate(schema, map("image", Upload.of(png(), "me.png", "image/png"))).get("image")).isInstanceOf(Upload.class);
        assertThat(errors(schema, map("image", Upload.of(new byte[2048], "big.png", "image/png"))))
                .containsExactly(Map.entry("image", List.of("The file is larger than the 1024 bytes storage images accepts")));
        assertThat(errors(schema, map("image", upload("<html></html>", "page.html", "text/html"))))
                .containsExactly(Map.entry("image", List.of("Type text/html is not accepted by storage images (accepted: image)")));
        assertThat(errors(Schema.empty().with("image", "files_validate_with_storage(nope)"), map("image", upload("x", "x.png", null))))
                .containsExactly(Map.entry("image", List.of("Storage nope is not configured")));
    }

    @Test
    void resourceHelpers() {
        Map<String, Object> csv = create(SYSADMIN, "mem", unique("rows") + ".csv", "a,b\n");
        Schema schema = Schema.empty().with("url_type", "ignore_missing")
                .with("url", "files_verify_url_type_and_value", "files_file_id_exists")
                .with("format", "files_content_type_from_file(url)");
        assertThat(validate(schema, map("url", "https://example.org/x.csv"))).containsEntry("url", "https://example.org/x.csv");
        assertThat(validate(schema, map("url_type", "file", "url", csv.get("id")))).containsEntry("format", "text/csv");
        assertThat(validate(schema, map("url_type", "file", "url", csv.get("id"), "format", "CSV"))).containsEntry("format", "CSV");
        assertThat(errors(schema, map("url_type", "file", "url", ""))).containsExactly(Map.entry("url", List.of("Missing value")));
        Schema show = Schema.empty().with("url", "files_id_into_resource_download_url");
        assertThat(validate(show, map("url", csv.get("id")))).containsEntry("url", "http://localhost:5000/files/download/" + csv.get("id"));
        assertThat(validate(show, map("url", "https://example.org/x"))).containsEntry("url", "https://example.org/x");
    }

    @Test
    void badFactoryArgumentsAreConfigurationErrors() {
        for (String expression : List.of("files_transfer_ownership(spaceship)", "files_validate_with_storage()",
                "files_accept_file_with_type()", "files_upload_as(a, b)")) {
            PortalException e = catchThrowableOfType(PortalException.class, () -> validate(Schema.empty().with("x", expression), map()));
            assertThat(e).as(expression).isNotNull();
            assertThat(e.kind()).isEqualTo(ErrorKind.CONFIG_INVALID);
        }
    }

    // ---- the seed's flows ------------------------------------------------------------------------

    @Test
    void aFileGivenAsAResourceUrlMovesToTheResourceAfterCommit() {
        Map<String, Object> org = newOrg(SYSADMIN);
        Optional<UserRef> editor = newUser("editor");
        Optional<UserRef> other = newUser("other");
        Optional<UserRef> member = newUser("member");
        addMember(org, editor, "editor");
        addMember(org, other, "editor");
        addMember(org, member, "member");
        Map<String, Object> dataset = newDataset(org, true);
        Map<String, Object> file = create(editor, "mem", unique("data") + ".csv", "a,b\n1,2\n");
        assertThat(file).containsEntry("owner_id", editor.get().id());
        denied("files_file_show", member, map("id", file.get("id")));

        assertThat(invalid("resource_create", other, map("package_id", dataset.get("id"), "url_type", "file", "url", file.get("id"))))
                .containsExactly(Map.entry("url", List.of("You are not allowed to attach file " + file.get("id"))));
        assertThat(dict("files_file_show", SYSADMIN, map("id", file.get("id")))).containsEntry("owner_type", "user");

        Map<String, Object> resource = dict("resource_create", editor, map("package_id", dataset.get("id"), "url_type", "file",
                "url", file.get("id")));
        assertThat(resource).containsEntry("format", "text/csv");
        assertThat(dict("files_file_show", member, map("id", file.get("id")))).containsEntry("owner_type", "resource")
                .containsEntry("owner_id", resource.get("id")).containsEntry("pinned", true);
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> shown = (List<Map<String, Object>>) dict("package_show", member, map("id", dataset.get("id"))).get("resources");
        assertThat(shown.get(0)).containsEntry("url", "http://localhost:5000/files/download/" + file.get("id"));

        Map<String, Object> second = create(editor, "mem", unique("more") + ".csv", "c,d\n");
        assertThat(invalid("resource_create", editor, map("package_id", dataset.get("id"), "url_type", "file", "url", file.get("id"))))
                .containsExactly(Map.entry("url", List.of("File " + file.get("id") + " is pinned to resource " + resource.get("id"))));
        // Inside package_create the task finds the new resource in the dataset it returns.
        Map<String, Object> created = dict("package_create", editor, map("name", unique("with-file"), "owner_org", org.get("id"),
                "private", true, "resources", List.of(map("name", "link", "url", "https://example.org/x"),
                        map("name", "file", "url_type", "file", "url", second.get("id")))));
        @SuppressWarnings("unchecked")
        Map<String, Object> fileResource = ((List<Map<String, Object>>) created.get("resources")).get(1);
        assertThat(dict("files_file_show", SYSADMIN, map("id", second.get("id")))).containsEntry("owner_type", "resource")
                .containsEntry("owner_id", fileResource.get("id"));
    }

    @Test
    void organizationImagesAreUploadedAsFilesOfTheOrganization() {
        String name = unique("logo-org");
        Map<String, Object> org = dict("organization_create", SYSADMIN, map("name", name,
                "files_image_upload", Upload.of(png(), "logo.png", "image/png")));
        String url = (String) org.get("image_url");
        assertThat(url).matches("https://cdn\\.example\\.org/avatars/[0-9a-f-]{36}\\.png");
        String location = url.substring(url.lastIndexOf('/') + 1);
        Map<String, Object> search = dict("files_file_search", SYSADMIN, map("storage", "avatars", "location", location));
        assertThat(results(search)).singleElement().satisfies(f -> assertThat(f).containsEntry("owner_type", "organization")
                .containsEntry("owner_id", org.get("id")).containsEntry("pinned", true).containsEntry("name", "logo.png"));

        long before = (long) dict("files_file_search", SYSADMIN, map("storage", "avatars")).get("count");
        List<String> stored = dev.portalkit.runtime.plugins.FilesTestPlugin.sorted(storage("avatars").manager().scan());
        assertThat(invalid("organization_create", SYSADMIN, map("name", name, "files_image_upload", Upload.of(png(), "again.png", "image/png"))))
                .containsKey("name");
        assertThat(dict("files_file_search", SYSADMIN, map("storage", "avatars"))).containsEntry("count", before);
        assertThat(dev.portalkit.runtime.plugins.FilesTestPlugin.sorted(storage("avatars").manager().scan()))
                .as("the failed action's upload was removed").isEqualTo(stored);
        assertThat(invalid("organization_create", SYSADMIN, map("name", unique("bad-logo"),
                "files_image_upload", upload("<html></html>", "logo.html", "text/html")))).containsKey("files_image_upload");
        assertThat(new String(png(), StandardCharsets.ISO_8859_1)).startsWith("\u0089PNG");
    }
}
