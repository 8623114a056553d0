package dev.portalkit.runtime.model;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portalkit.api.action.UserRef;
import dev.portalkit.api.files.Upload;
import dev.portalkit.runtime.files.tracked.FileApiConfig;
import dev.portalkit.runtime.testing.TestDb;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * {@code resource_create} with {@code file_id} (the resource form's "a file you uploaded before", the
 * upload widget's finished file): a file of the caller's own that no resource uses becomes the
 * resource's, moved to the resource and pinned; another user's file, a file a resource already
 * uses, or a file id together with an upload are refused naming {@code file_id}, and nothing moves.
 */
@ParameterizedClass(name = "{0}")
@EnumSource(TestDb.class)
class ResourceFromEarlierFileTest extends ModelTestBase {
    @Override
    protected Map<String, String> options() {
        return Map.of(FileApiConfig.AUTHENTICATED_UPLOADS_ALLOW, "true", FileApiConfig.AUTHENTICATED_UPLOADS_STORAGES, "default");
    }

    private Map<String, Object> upload(Optional<UserRef> user, String name) {
        return dict("files_file_create", user, map("upload", Upload.of(("bytes of " + name).getBytes(StandardCharsets.UTF_8), name,
                "text/plain"), "name", name));
    }

    @Test
    void anEarlierFileOfTheCallerBecomesTheResourcesFile() {
        Optional<UserRef> editor = newUser("adopter");
        Map<String, Object> org = newOrg(editor);
        Map<String, Object> ds = newDataset(org, false);
        Map<String, Object> file = upload(editor, "notes.txt");

        Map<String, Object> res = dict("resource_create", editor, map("package_id", ds.get("name"), "file_id", file.get("id"),
                "name", "Notes"));
        assertThat(res).containsEntry("url_type", "upload").containsEntry("file_id", file.get("id"))
                .containsEntry("size", ((Number) file.get("size")).longValue()).containsEntry("name", "Notes");
        assertThat((String) res.get("url")).endsWith("/resource/" + res.get("id") + "/download/notes.txt");
        assertThat(dict("files_file_show", SYSADMIN, map("id", file.get("id")))).containsEntry("owner_type", "resource")
                .containsEntry("owner_id", res.get("id")).containsEntry("pinned", true);

        // Now a resource uses it: another resource cannot take it.
        Map<String, Object> taken = invalid("resource_create", editor, map("package_id", ds.get("name"), "file_id", file.get("id")));
        assertThat(taken).containsKey("file_id");
    }

    @Test
    void someoneElsesFileOrAFileIdWithAnUploadIsRefusedAndNothingMoves() {
        Optional<UserRef> owner = newUser("owner");
        Optional<UserRef> editor = newUser("taker");
        Map<String, Object> org = newOrg(editor);
        addMember(org, owner, "editor");
        Map<String, Object> ds = newDataset(org, false);
        Map<String, Object> theirs = upload(owner, "theirs.txt");
        Map<String, Object> refused = invalid("resource_create", editor, map("package_id", ds.get("name"), "file_id", theirs.get("id")));
        assertThat(refused).containsKey("file_id");
        assertThat(dict("files_file_show", SYSADMIN, map("id", theirs.get("id")))).containsEntry("owner_type", "user")
                .containsEntry("owner_id", owner.get().id());

        Map<String, Object> mine = upload(editor, "mine.txt");
        Map<String, Object> both = invalid("resource_create", editor, map("package_id", ds.get("name"), "file_id", mine.get("id"),
                "upload", Upload.of("x".getBytes(StandardCharsets.UTF_8), "x.txt", "text/plain")));
        assertThat(both).containsKey("file_id");
        assertThat(dict("files_file_show", SYSADMIN, map("id", mine.get("id")))).containsEntry("owner_type", "user");
        assertThat(resourcesOf(dict("package_show", SYSADMIN, map("id", ds.get("id"))))).hasSize(1);
    }
}
