package dev.portalkit.runtime.files.tracked;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portalkit.api.action.UserRef;
import dev.portalkit.runtime.testing.TestDb;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The default permission rules of the File API (only sysadmins upload; owners; cascade access to
 * files of datasets and organizations; transfers), and the IFiles hook of the files-test plugin.
 */
@ParameterizedClass(name = "{0}")
@EnumSource(TestDb.class)
class FilePermissionsTest extends FileApiTestBase {
    /** A file created by a sysadmin and given to {@code owner}. */
    Map<String, Object> fileOf(Optional<UserRef> owner, String prefix) {
        Map<String, Object> file = create(SYSADMIN, "mem", unique(prefix) + ".txt", "content");
        return dict("files_transfer_ownership", SYSADMIN, map("id", file.get("id"), "owner_type", "user", "owner_id", owner.get().id()));
    }

    Map<String, Object> giveTo(Map<String, Object> file, String type, Object id) {
        return dict("files_transfer_ownership", SYSADMIN, map("id", file.get("id"), "owner_type", type, "owner_id", id, "force", true));
    }

    @Test
    void byDefaultOnlySysadminsUpload() {
        Optional<UserRef> alice = newUser("alice");
        assertThat(denied("files_file_create", alice, map("name", "a.txt", "upload", "x")).getMessage())
                .isEqualTo("User " + alice.get().name() + " is not authorized to upload files (only sysadmins may, unless "
                        + "portal.files.authenticated_uploads.allow is set)");
        denied("files_multipart_start", alice, map("name", "a.txt", "size", 1));
        denied("files_file_create", ANONYMOUS, map("name", "a.txt", "upload", "x"));
        assertThat(create(SYSADMIN, "mem", unique("admin") + ".txt", "x")).containsEntry("owner_id", "sysadmin-id");
    }

    @Test
    void theOwnerShowsUpdatesAndDeletesItsFileAndNobodyElseDoes() {
        Optional<UserRef> alice = newUser("alice");
        Optional<UserRef> bob = newUser("bob");
        Map<String, Object> file = fileOf(alice, "own");
        Object id = file.get("id");
        assertThat(dict("files_file_show", alice, map("id", id))).containsEntry("owner_id", alice.get().id());
        assertThat(dict("files_file_rename", alice, map("id", id, "name", "mine.txt"))).containsEntry("name", "mine.txt");
        assertThat(dict("files_file_pin", alice, map("id", id))).containsEntry("pinned", true);
        assertThat(denied("files_file_show", bob, map("id", id)).getMessage())
                .isEqualTo("User " + bob.get().name() + " is not authorized to read file " + id);
        denied("files_file_rename", bob, map("id", id, "name", "theirs.txt"));
        denied("files_file_unpin", bob, map("id", id));
        denied("files_file_delete", bob, map("id", id));
        denied("files_file_link", bob, map("id", id));
        denied("files_file_show", ANONYMOUS, map("id", id));
        denied("files_transfer_ownership", bob, map("id", id, "owner_type", "user", "owner_id", bob.get().id()));
        assertThat(dict("files_file_show", SYSADMIN, map("id", id))).containsEntry("name", "mine.txt");
        assertThat(dict("files_file_delete", alice, map("id", id))).containsEntry("id", id);
    }

    @Test
    void filesOfAPrivateDatasetFollowTheDatasetsPermissions() {
        Map<String, Object> org = newOrg(SYSADMIN);
        Optional<UserRef> member = newUser("member");
        Optional<UserRef> editor = newUser("editor");
        Optional<UserRef> outsider = newUser("outsider");
        addMember(org, member, "member");
        addMember(org, editor, "editor");
        Map<String, Object> dataset = newDataset(org, true);
        Map<String, Object> file = giveTo(create(SYSADMIN, "mem", unique("private") + ".txt", "x"), "package", dataset.get("id"));
        Object id = file.get("id");
        assertThat(dict("files_file_show", member, map("id", id))).containsEntry("owner_type", "package");
        denied("files_file_show", outsider, map("id", id));
        denied("files_file_show", ANONYMOUS, map("id", id));
        denied("files_file_rename", member, map("id", id, "name", "renamed.txt"));
        assertThat(dict("files_file_rename", editor, map("id", id, "name", "renamed.txt"))).containsEntry("name", "renamed.txt");
        denied("files_file_delete", member, map("id", id));
        denied("files_file_delete", outsider, map("id", id));
        assertThat(dict("files_file_delete", editor, map("id", id))).containsEntry("id", id);
    }

    @Test
    void filesOfAPublicDatasetAreReadableByEveryoneAndFilesOfOrganizationsByTheirRules() {
        Map<String, Object> org = newOrg(SYSADMIN);
        Optional<UserRef> admin = newUser("orgadmin");
        addMember(org, admin, "admin");
        Optional<UserRef> outsider = newUser("outsider");
        Map<String, Object> publicFile = giveTo(create(SYSADMIN, "mem", unique("public") + ".txt", "x"), "package",
                newDataset(org, false).get("id"));
        assertThat(dict("files_file_show", ANONYMOUS, map("id", publicFile.get("id")))).isNotNull();
        Map<String, Object> orgFile = giveTo(create(SYSADMIN, "mem", unique("logo") + ".txt", "x"), "organization", org.get("id"));
        assertThat(dict("files_file_show", outsider, map("id", orgFile.get("id")))).isNotNull();
        denied("files_file_rename", outsider, map("id", orgFile.get("id"), "name", "x.txt"));
        assertThat(dict("files_file_rename", admin, map("id", orgFile.get("id"), "name", "logo.txt"))).containsEntry("name", "logo.txt");
    }

    @Test
    void transfersNeedUpdateOnTheFileAndOnTheNewOwner() {
        Map<String, Object> org = newOrg(SYSADMIN);
        Optional<UserRef> editor = newUser("editor");
        Optional<UserRef> member = newUser("member");
        Optional<UserRef> bob = newUser("bob");
        addMember(org, editor, "editor");
        addMember(org, member, "member");
        Map<String, Object> dataset = newDataset(org, true);
        Map<String, Object> editorsFile = fileOf(editor, "attach");
        assertThat(dict("files_transfer_ownership", editor, map("id", editorsFile.get("id"), "owner_type", "package",
                "owner_id", dataset.get("name"), "pin", true))).containsEntry("owner_id", dataset.get("id")).containsEntry("pinned", true);
        Map<String, Object> membersFile = fileOf(member, "attach");
        assertThat(denied("files_transfer_ownership", member, map("id", membersFile.get("id"), "owner_type", "package",
                "owner_id", dataset.get("id"))).getMessage()).contains("to package " + dataset.get("id"));
        denied("files_transfer_ownership", member, map("id", membersFile.get("id"), "owner_type", "user", "owner_id", bob.get().id()));
        Map<String, Object> bobsFile = fileOf(bob, "notyours");
        denied("files_transfer_ownership", editor, map("id", bobsFile.get("id"), "owner_type", "package", "owner_id", dataset.get("id")));
        // The dataset's file can be moved on by whoever may update the dataset (cascade) and the target.
        assertThat(dict("files_transfer_ownership", editor, map("id", editorsFile.get("id"), "owner_type", "user",
                "owner_id", editor.get().id(), "force", true))).containsEntry("owner_type", "user");
    }

    @Test
    void theHookOfAPluginDecidesBeforeTheDefaults() {
        Optional<UserRef> alice = newUser("alice");
        Optional<UserRef> bob = newUser("bob");
        Map<String, Object> open = create(SYSADMIN, "mem", unique("hook-allow") + ".txt", "x");
        assertThat(dict("files_file_show", bob, map("id", open.get("id")))).isNotNull();
        assertThat(dict("files_file_rename", bob, map("id", open.get("id"), "name", "hook-allow-renamed.txt"))).isNotNull();
        denied("files_file_delete", bob, map("id", open.get("id")));
        denied("files_file_show", ANONYMOUS, map("id", open.get("id")));
        Map<String, Object> closed = fileOf(alice, "hook-deny");
        denied("files_file_show", alice, map("id", closed.get("id")));
        assertThat(dict("files_file_show", SYSADMIN, map("id", closed.get("id")))).isNotNull();
        assertThat(dict("files_file_create", alice, map("storage", "mem", "name", unique("hook-upload") + ".txt", "upload", "x")))
                .containsEntry("owner_id", alice.get().id());
        Map<String, Object> alicesFile = fileOf(alice, "widgety");
        denied("files_transfer_ownership", alice, map("id", alicesFile.get("id"), "owner_type", "widget", "owner_id", "w-blocked"));
    }

    @Test
    void searchingNeedsSysadminOrAnOwnerTheCallerMaySee() {
        Map<String, Object> org = newOrg(SYSADMIN);
        Optional<UserRef> alice = newUser("alice");
        Optional<UserRef> member = newUser("member");
        Optional<UserRef> outsider = newUser("outsider");
        addMember(org, member, "member");
        Map<String, Object> mine = fileOf(alice, "searchable");
        Map<String, Object> dataset = newDataset(org, true);
        giveTo(create(SYSADMIN, "mem", unique("ds-file") + ".txt", "x"), "package", dataset.get("id"));
        denied("files_file_search", alice, map());
        assertThat(results(dict("files_file_search", alice, map("owner_type", "user", "owner_id", alice.get().id()))))
                .extracting(f -> f.get("id")).containsExactly(mine.get("id"));
        denied("files_file_search", alice, map("owner_type", "user", "owner_id", member.get().id()));
        assertThat(dict("files_file_search", member, map("owner_type", "package", "owner_id", dataset.get("id"))))
                .containsEntry("count", 1L);
        denied("files_file_search", outsider, map("owner_type", "package", "owner_id", dataset.get("id")));
    }

    @Test
    void multipartUploadsAreContinuedByWhoStartedThem() {
        Optional<UserRef> bob = newUser("bob");
        Map<String, Object> upload = dict("files_multipart_start", SYSADMIN, map("storage", "mem", "name", unique("parts") + ".txt", "size", 3));
        denied("files_multipart_update", bob, map("id", upload.get("id"), "part", 1, "upload", "abc"));
        denied("files_multipart_refresh", bob, map("id", upload.get("id")));
        denied("files_multipart_complete", bob, map("id", upload.get("id")));
        denied("files_multipart_abort", bob, map("id", upload.get("id")));
    }
}
