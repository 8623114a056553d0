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
 * The permission options: authenticated uploads into listed storages, cascade access limited to
 * other owner types (a plugin's {@code widget} included), and transfers judged by
 * {@code <type>_file_transfer} when {@code transfer_as_update} is off. (The rules run the same
 * queries as {@link FilePermissionsTest}, which covers both databases; H2 is enough here.)
 */
@ParameterizedClass(name = "{0}")
@EnumSource(value = TestDb.class, names = "H2")
class FilePermissionOptionsTest extends FileApiTestBase {
    @Override
    protected Map<String, String> options() {
        return Map.of("portal.files.authenticated_uploads.allow", "true",
                "portal.files.authenticated_uploads.storages", "mem uuid",
                "portal.files.owner.cascade_access", "organization widget",
                "portal.files.owner.transfer_as_update", "false");
    }

    @Test
    void loggedInUsersUploadIntoTheListedStoragesOnly() {
        Optional<UserRef> alice = newUser("alice");
        assertThat(create(alice, "mem", unique("mine") + ".txt", "x")).containsEntry("owner_type", "user")
                .containsEntry("owner_id", alice.get().id());
        assertThat(create(alice, "uuid", "photo.txt", "x")).containsEntry("owner_id", alice.get().id());
        assertThat(dict("files_multipart_start", alice, map("storage", "mem", "name", unique("big") + ".bin", "size", 10)))
                .containsEntry("initiator_id", alice.get().id());
        assertThat(denied("files_file_create", alice, map("name", "x.txt", "upload", "x")).getMessage())
                .isEqualTo("User " + alice.get().name() + " is not authorized to upload files into storage default (users may upload into: mem, uuid)");
        denied("files_file_create", ANONYMOUS, map("storage", "mem", "name", "x.txt", "upload", "x"));
    }

    @Test
    void cascadeAccessCoversOnlyTheListedOwnerTypes() {
        Map<String, Object> org = newOrg(SYSADMIN);
        Optional<UserRef> member = newUser("member");
        addMember(org, member, "member");
        Map<String, Object> datasetFile = create(SYSADMIN, "mem", unique("ds") + ".txt", "x");
        call("files_transfer_ownership", SYSADMIN, map("id", datasetFile.get("id"), "owner_type", "package",
                "owner_id", newDataset(org, true).get("id")));
        denied("files_file_show", member, map("id", datasetFile.get("id")));
        Map<String, Object> widgetFile = create(SYSADMIN, "mem", unique("widget") + ".txt", "x");
        call("files_transfer_ownership", SYSADMIN, map("id", widgetFile.get("id"), "owner_type", "widget", "owner_id", "w-7"));
        Optional<UserRef> fan = newUser("fan");
        assertThat(dict("files_file_show", fan, map("id", widgetFile.get("id")))).containsEntry("owner_id", "w-7");
        denied("files_file_show", member, map("id", widgetFile.get("id")));
    }

    @Test
    void withoutTransferAsUpdateTransfersNeedTheFileTransferAuthFunction() {
        Optional<UserRef> fan = newUser("fan");
        Optional<UserRef> mover = newUser("mover");
        Map<String, Object> fansFile = create(fan, "mem", unique("f") + ".txt", "x");
        denied("files_transfer_ownership", fan, map("id", fansFile.get("id"), "owner_type", "widget", "owner_id", "w-1"));
        Map<String, Object> moversFile = create(mover, "mem", unique("m") + ".txt", "x");
        assertThat(dict("files_transfer_ownership", mover, map("id", moversFile.get("id"), "owner_type", "widget", "owner_id", "w-1")))
                .containsEntry("owner_type", "widget");
    }
}
