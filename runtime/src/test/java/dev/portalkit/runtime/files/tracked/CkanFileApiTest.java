package dev.portalkit.runtime.files.tracked;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.portalkit.api.ErrorKind;
import dev.portalkit.api.PortalException;
import dev.portalkit.api.action.UserRef;
import dev.portalkit.runtime.files.Downloads;
import dev.portalkit.runtime.files.download.DownloadRequest;
import dev.portalkit.runtime.files.download.DownloadResponse;
import dev.portalkit.runtime.testing.TestDb;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * CKAN 2.12's File API names (seed 001) and its permission functions: {@code file_create} ...
 * {@code file_owner_scan} answer with CKAN's file dict, and {@code permission_*} are auth functions
 * a plugin chains (the files-test plugin grants {@code permission_manage_files} to users named
 * {@code filemanager...} and refuses {@code permission_download_file} for files named
 * {@code no-download...}), asked by both API names and by the download route. H2 only: the actions
 * are the {@code files_*} ones, which run on both databases in the other File API tests.
 */
@ParameterizedClass(name = "{0}")
@EnumSource(value = TestDb.class, names = "H2")
class CkanFileApiTest extends FileApiTestBase {
    static final List<String> CKAN_KEYS = List.of("id", "name", "location", "storage", "content_type", "size", "hash", "algorithm",
            "created", "storage_data", "owner_type", "owner_id", "pinned");

    @Test
    void theLifeOfAFileUnderCkansNames() {
        Optional<UserRef> alice = newUser("alice");
        String name = unique("ckan") + ".txt";
        Map<String, Object> created = dict("file_create", SYSADMIN, map("storage", "mem", "name", name, "upload", "hello world"));
        assertThat(created.keySet()).containsExactlyElementsOf(CKAN_KEYS);
        assertThat(created).containsEntry("name", name).containsEntry("storage", "mem").containsEntry("size", 11L)
                .containsEntry("algorithm", "md5").containsEntry("hash", "5eb63bbbe01eeed093cb22bb8f5acdc3")
                .containsEntry("owner_type", "user").containsEntry("owner_id", "sysadmin-id").containsEntry("pinned", false);
        assertThat(created.get("created")).isNotNull();
        Object id = created.get("id");
        assertThat(dict("file_show", SYSADMIN, map("id", id))).isEqualTo(created);
        assertThat(dict("files_file_show", SYSADMIN, map("id", id))).containsEntry("hash_algorithm", "md5");

        assertThat(dict("file_rename", SYSADMIN, map("id", id, "name", "renamed.txt"))).containsEntry("name", "renamed.txt");
        assertThat(dict("file_pin", SYSADMIN, map("id", id))).containsEntry("pinned", true);
        Map<String, Object> pinned = invalid("file_ownership_transfer", SYSADMIN,
                map("id", id, "owner_type", "user", "owner_id", alice.get().id()));
        assertThat(pinned).containsKey("force");
        Map<String, Object> moved = dict("file_ownership_transfer", SYSADMIN,
                map("id", id, "owner_type", "user", "owner_id", alice.get().id(), "force", true));
        assertThat(moved).containsEntry("owner_id", alice.get().id()).containsEntry("pinned", false);
        assertThat(dict("file_unpin", alice, map("id", id))).containsEntry("pinned", false);

        Map<String, Object> scan = dict("file_owner_scan", alice, map());
        assertThat(scan).containsEntry("count", 1L);
        assertThat(FileApiTestBase.results(scan)).singleElement().satisfies(f -> {
            assertThat(f.keySet()).containsExactlyElementsOf(CKAN_KEYS);
            assertThat(f).containsEntry("id", id);
        });
        Optional<UserRef> bob = newUser("bob");
        denied("file_owner_scan", bob, map("owner_type", "user", "owner_id", alice.get().id()));
        assertThat(dict("file_owner_scan", bob, map())).containsEntry("count", 0L);

        assertThat(dict("file_delete", alice, map("id", id))).containsEntry("id", id).containsEntry("name", "renamed.txt");
        notFound("file_show", SYSADMIN, map("id", id));
        assertThat(stored(created)).isFalse();
    }

    @Test
    void registerTracksAStoredFileAndRefusesItTwice() {
        String location = unique("loose") + ".csv";
        storage("mem").uploader().upload(new dev.portalkit.api.files.Location(location), upload("a,b\n", location, "text/csv"), false);
        Map<String, Object> registered = dict("file_register", SYSADMIN, map("storage", "mem", "location", location));
        assertThat(registered.keySet()).containsExactlyElementsOf(CKAN_KEYS);
        assertThat(registered).containsEntry("location", location).containsEntry("size", 4L);
        assertThat(invalid("file_register", SYSADMIN, map("storage", "mem", "location", location))).isNotEmpty();
        denied("file_register", newUser("alice"), map("storage", "mem", "location", location));
    }

    @Test
    void theOwnerReadsEditsAndDeletesAndOthersDoNot() {
        Optional<UserRef> alice = newUser("alice");
        Optional<UserRef> bob = newUser("bob");
        Map<String, Object> file = create(SYSADMIN, "mem", unique("own") + ".txt", "x");
        Object id = file.get("id");
        dict("file_ownership_transfer", SYSADMIN, map("id", id, "owner_type", "user", "owner_id", alice.get().id()));
        assertThat(dict("file_show", alice, map("id", id))).containsEntry("owner_id", alice.get().id());
        assertThat(denied("file_show", bob, map("id", id)).getMessage()).isEqualTo("User " + bob.get().name()
                + " is not authorized to read file " + id);
        denied("file_show", ANONYMOUS, map("id", id));
        denied("file_rename", bob, map("id", id, "name", "b.txt"));
        denied("file_pin", bob, map("id", id));
        denied("file_delete", bob, map("id", id));
        denied("file_create", bob, map("storage", "mem", "name", "b.txt", "upload", "x"));
        assertThat(portal.portal().context(alice, false).checkAccess("permission_owns_file", map("id", id)).allowed()).isTrue();
        assertThat(portal.portal().context(bob, false).checkAccess("permission_owns_file", map("id", id)).allowed()).isFalse();
        assertThat(portal.portal().context(alice, false).checkAccess("permission_manage_files", map()).allowed()).isFalse();
    }

    @Test
    void aPluginGrantingPermissionManageFilesOpensEveryFileAndUploadsUnderBothNames() {
        Optional<UserRef> manager = newUser("filemanager");
        Optional<UserRef> alice = newUser("alice");
        Map<String, Object> file = create(SYSADMIN, "mem", unique("theirs") + ".txt", "x");
        Object id = file.get("id");
        dict("file_ownership_transfer", SYSADMIN, map("id", id, "owner_type", "user", "owner_id", alice.get().id()));
        assertThat(dict("file_show", manager, map("id", id))).containsEntry("id", id);
        assertThat(dict("files_file_show", manager, map("id", id))).containsEntry("id", id);
        assertThat(dict("files_file_rename", manager, map("id", id, "name", "managed.txt"))).containsEntry("name", "managed.txt");
        assertThat(dict("file_create", manager, map("storage", "mem", "name", unique("m") + ".txt", "upload", "y")))
                .containsEntry("owner_id", manager.get().id());
        assertThat(dict("files_file_search", manager, map())).containsKey("count");
        assertThat(dict("file_delete", manager, map("id", id))).containsEntry("id", id);
    }

    @Test
    void aChainedPermissionOwnsFileDecidesWhoOwnsAFile() {
        Optional<UserRef> alice = newUser("alice");
        Optional<UserRef> coOwner = newUser("co-owner");
        Map<String, Object> shared = create(SYSADMIN, "mem", unique("shared-") + ".txt", "shared");
        Map<String, Object> own = create(SYSADMIN, "mem", unique("alices-") + ".txt", "alice's");
        for (Map<String, Object> f : List.of(shared, own)) {
            dict("files_transfer_ownership", SYSADMIN, map("id", f.get("id"), "owner_type", "user", "owner_id", alice.get().id()));
        }
        // Not by the owner column: by the chain, which the File API asks while a plugin chains it.
        assertThat(dict("file_show", coOwner, map("id", shared.get("id")))).containsEntry("owner_id", alice.get().id());
        assertThat(dict("file_rename", coOwner, map("id", shared.get("id"), "name", unique("shared-renamed") + ".txt")))
                .containsEntry("owner_id", alice.get().id());
        denied("file_show", coOwner, map("id", own.get("id")));
        assertThat(dict("file_show", alice, map("id", own.get("id")))).containsEntry("id", own.get("id"));
    }

    @Test
    void downloadsAreCheckedByPermissionDownloadFileOnItsOwn() {
        Optional<UserRef> alice = newUser("alice");
        Downloads downloads = new Downloads(portal.portal());
        Map<String, Object> open = create(SYSADMIN, "mem", unique("open") + ".txt", "open");
        Map<String, Object> closed = create(SYSADMIN, "mem", unique("no-download") + ".txt", "closed");
        for (Map<String, Object> f : List.of(open, closed)) {
            dict("files_transfer_ownership", SYSADMIN, map("id", f.get("id"), "owner_type", "user", "owner_id", alice.get().id()));
        }
        try (DownloadResponse ok = downloads.trackedFile((String) open.get("id"), () -> alice, DownloadRequest.get()).response()) {
            assertThat(ok.status()).isEqualTo(200);
        }
        // The metadata stays readable under both names; the bytes do not, by route or by link.
        assertThat(dict("file_show", alice, map("id", closed.get("id")))).containsEntry("id", closed.get("id"));
        assertThat(dict("files_file_show", alice, map("id", closed.get("id")))).containsEntry("id", closed.get("id"));
        PortalException refused = catchThrowableOfType(PortalException.class,
                () -> downloads.trackedFile((String) closed.get("id"), () -> alice, DownloadRequest.get()));
        assertThat(refused.kind()).isEqualTo(ErrorKind.PERMISSION_DENIED);
        assertThat(refused.getMessage()).contains("downloads of this file are off");
        denied("files_file_link", alice, map("id", closed.get("id")));
        // Sysadmins pass the chain, as every auth function lets them.
        try (DownloadResponse admin = downloads.trackedFile((String) closed.get("id"), () -> SYSADMIN, DownloadRequest.get()).response()) {
            assertThat(admin.status()).isEqualTo(200);
        }
        // Anonymous callers reach the chain (it allows anonymous) and are refused by the default rule.
        PortalException anonymous = catchThrowableOfType(PortalException.class,
                () -> downloads.trackedFile((String) open.get("id"), Optional::empty, DownloadRequest.get()));
        assertThat(anonymous.kind()).isEqualTo(ErrorKind.PERMISSION_DENIED);
    }
}
