package dev.portalkit.example;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.portalkit.api.ErrorKind;
import dev.portalkit.api.PortalException;
import dev.portalkit.api.ValidationException;
import dev.portalkit.api.action.UserRef;
import dev.portalkit.runtime.testing.TestDb;
import dev.portalkit.runtime.testing.TestPortal;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The example's {@code attachment_id} dataset field (seed 003's task queue example): a user uploads
 * a file, which is theirs; a dataset that names it becomes its owner after the commit, pinned; the
 * dataset's organization members may then read the file, outsiders may not; a dataset change that
 * fails validation moves nothing.
 */
@ParameterizedClass(name = "{0}")
@EnumSource(TestDb.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ExamplePluginAttachmentTest {
    @Parameter
    TestDb db;

    private TestPortal portal;
    private Optional<UserRef> editor;
    private Optional<UserRef> otherEditor;
    private Optional<UserRef> member;
    private Optional<UserRef> outsider;
    private String orgId;
    private int counter;

    @BeforeParameterizedClassInvocation
    @SuppressWarnings("unchecked")
    void start() {
        portal = TestPortal.builder().db(db).plugins("example").option("portal.auth.password_iterations", "1000")
                .option("portal.files.authenticated_uploads.allow", "true").start();
        editor = user("editor");
        otherEditor = user("other-editor");
        member = user("member");
        outsider = user("outsider");
        orgId = (String) ((Map<String, Object>) portal.call("organization_create", TestPortal.SYSADMIN, Map.of("name", "files-org"))).get("id");
        for (var entry : Map.of("editor", "editor", "other-editor", "editor", "member", "member").entrySet()) {
            portal.call("organization_member_create", TestPortal.SYSADMIN, Map.of("id", orgId, "username", entry.getKey(), "role", entry.getValue()));
        }
    }

    @AfterParameterizedClassInvocation
    void stop() {
        portal.close();
    }

    @SuppressWarnings("unchecked")
    private Optional<UserRef> user(String name) {
        Map<String, Object> u = (Map<String, Object>) portal.call("user_create", TestPortal.SYSADMIN, Map.of("name", name,
                "email", name + "@example.org", "password", "long enough"));
        return Optional.of(new UserRef((String) u.get("id"), name, false));
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> call(String action, Optional<UserRef> user, Object... kv) {
        Map<String, Object> data = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            data.put((String) kv[i], kv[i + 1]);
        }
        return (Map<String, Object>) portal.call(action, user, data);
    }

    private PortalException failure(String action, Optional<UserRef> user, Object... kv) {
        PortalException e = catchThrowableOfType(PortalException.class, () -> call(action, user, kv));
        assertThat(e).as("%s should fail", action).isNotNull();
        return e;
    }

    private Map<String, Object> upload(Optional<UserRef> user) {
        return call("files_file_create", user, "name", "attachment-" + (++counter) + ".pdf", "upload", "%PDF-1.4 not much of a pdf");
    }

    private Map<String, Object> show(String id) {
        return call("files_file_show", TestPortal.SYSADMIN, "id", id);
    }

    @Test
    void aDatasetBecomesTheOwnerOfItsAttachmentAndItsMembersMayReadIt() {
        Map<String, Object> file = upload(editor);
        String id = (String) file.get("id");
        assertThat(file).containsEntry("owner_type", "user").containsEntry("owner_id", editor.get().id())
                .containsEntry("content_type", "application/pdf");
        assertThat(failure("files_file_show", member, "id", id).kind()).isEqualTo(ErrorKind.PERMISSION_DENIED);

        Map<String, Object> dataset = call("package_create", editor, "name", "with-attachment-" + counter, "owner_org", orgId,
                "private", true, "attachment_id", id);
        assertThat(dataset).containsEntry("attachment_id", id);
        assertThat(show(id)).containsEntry("owner_type", "package").containsEntry("owner_id", dataset.get("id")).containsEntry("pinned", true);
        assertThat(call("files_file_show", member, "id", id)).containsEntry("id", id);
        assertThat(failure("files_file_show", outsider, "id", id).kind()).isEqualTo(ErrorKind.PERMISSION_DENIED);
        assertThat(call("files_file_show", editor, "id", id)).as("the editor reads it now as a file of the dataset")
                .containsEntry("owner_type", "package");
    }

    @Test
    void aDatasetChangeThatFailsValidationMovesNothing() {
        Map<String, Object> first = upload(editor);
        Map<String, Object> dataset = call("package_create", editor, "name", "attached-" + counter, "owner_org", orgId,
                "private", true, "attachment_id", first.get("id"));
        Map<String, Object> second = upload(editor);
        PortalException e = failure("package_patch", editor, "id", dataset.get("id"), "attachment_id", second.get("id"),
                "example_code", "XY-1");
        assertThat(e).isInstanceOfSatisfying(ValidationException.class, v ->
                assertThat(v.errors()).containsExactly(Map.entry("example_code", List.of("Must start with EX-"))));
        assertThat(show((String) second.get("id"))).containsEntry("owner_type", "user").containsEntry("owner_id", editor.get().id())
                .containsEntry("pinned", false);
        assertThat(show((String) first.get("id"))).containsEntry("owner_id", dataset.get("id"));

        call("package_patch", editor, "id", dataset.get("id"), "attachment_id", second.get("id"), "example_code", "EX-2");
        assertThat(show((String) second.get("id"))).containsEntry("owner_type", "package").containsEntry("owner_id", dataset.get("id"))
                .containsEntry("pinned", true);
        assertThat(call("files_file_show", member, "id", second.get("id"))).containsEntry("id", second.get("id"));
    }

    @Test
    void onlyFilesTheCallerControlsCanBeAttached() {
        Map<String, Object> editorsFile = upload(editor);
        PortalException stolen = failure("package_create", otherEditor, "name", "stolen-" + counter, "owner_org", orgId,
                "attachment_id", editorsFile.get("id"));
        assertThat(stolen).isInstanceOfSatisfying(ValidationException.class, v -> assertThat(v.errors()).containsExactly(
                Map.entry("attachment_id", List.of("You are not allowed to attach file " + editorsFile.get("id")))));
        PortalException missing = failure("package_create", editor, "name", "missing-" + counter, "owner_org", orgId,
                "attachment_id", "no-such-file");
        assertThat(missing).isInstanceOfSatisfying(ValidationException.class, v -> assertThat(v.errors()).containsExactly(
                Map.entry("attachment_id", List.of("File not found: no-such-file"))));
        Map<String, Object> first = call("package_create", editor, "name", "owner-" + counter, "owner_org", orgId,
                "attachment_id", editorsFile.get("id"));
        PortalException pinned = failure("package_create", editor, "name", "second-owner-" + counter, "owner_org", orgId,
                "attachment_id", editorsFile.get("id"));
        assertThat(pinned).isInstanceOfSatisfying(ValidationException.class, v -> assertThat(v.errors()).containsExactly(
                Map.entry("attachment_id", List.of("File " + editorsFile.get("id") + " is pinned to package " + first.get("id")))));
    }
}
