package dev.portalkit.runtime.files;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.portalkit.api.ErrorKind;
import dev.portalkit.api.PortalException;
import dev.portalkit.api.action.UserRef;
import dev.portalkit.api.files.Location;
import dev.portalkit.api.files.Upload;
import dev.portalkit.runtime.testing.CliRun;
import dev.portalkit.runtime.testing.TestDb;
import dev.portalkit.runtime.testing.TestPortal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Seed 003 (ckanext-files) walked through on a running portal, through its actions and its CLI:
 * create a file, show it, stream it, search, delete it (the bytes go after the commit); create one
 * in a second storage; find and track untracked files; give a file to a private dataset and read
 * it as a member of the dataset's organization.
 */
@ParameterizedClass(name = "{0}")
@EnumSource(TestDb.class)
class Seed003WalkthroughTest {
    @Parameter
    TestDb db;

    private Map<String, String> options(Path dir) {
        Map<String, String> o = new LinkedHashMap<>();
        o.put("portal.files.storage.default.type", "files:fs");
        o.put("portal.files.storage.default.path", dir.resolve("example").toString());
        o.put("portal.files.storage.default.create_path", "true");
        o.put("portal.files.storage.memory.type", "files:memory");
        o.put("portal.auth.password_iterations", "1000");
        return o;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> call(TestPortal portal, String action, Optional<UserRef> user, Object... kv) {
        Map<String, Object> data = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            data.put((String) kv[i], kv[i + 1]);
        }
        return (Map<String, Object>) portal.call(action, user, data);
    }

    @Test
    void theSeedsWalkThrough(@TempDir Path dir) throws Exception {
        Map<String, String> options = options(dir);
        TestPortal.Builder builder = TestPortal.builder().db(db).dataDir(dir.resolve("data"));
        options.forEach(builder::option);
        try (TestPortal portal = builder.start()) {
            if (db == TestDb.POSTGRES) {
                options.put("portal.db.url", portal.portal().config().string("portal.db.url"));
                options.put("portal.db.user", "postgres");
                options.put("portal.db.password", "postgres");
            }
            Optional<UserRef> admin = TestPortal.SYSADMIN;

            // echo -n 'hello world' > /tmp/myfile.txt; ckanapi action files_file_create name=hello.txt upload@/tmp/myfile.txt
            Path myfile = Files.writeString(dir.resolve("myfile.txt"), "hello world");
            Map<String, Object> hello = call(portal, "files_file_create", admin, "name", "hello.txt", "upload", Upload.of(myfile, null));
            assertThat(hello).containsEntry("atime", null).containsEntry("content_type", "text/plain")
                    .containsEntry("hash", "5eb63bbbe01eeed093cb22bb8f5acdc3").containsEntry("mtime", null).containsEntry("name", "hello.txt")
                    .containsEntry("size", 11L).containsEntry("storage", "default").containsEntry("storage_data", Map.of())
                    .containsEntry("owner_type", "user").containsEntry("owner_id", "sysadmin-id").containsEntry("pinned", false)
                    .containsKeys("id", "location", "ctime");
            assertThat(call(portal, "files_file_show", admin, "id", hello.get("id"))).isEqualTo(hello);

            // ckan files stream ID
            Path out = dir.resolve("streamed.txt");
            CliRun stream = cli(dir, options, "files", "stream", (String) hello.get("id"), "--output", out.toString());
            assertThat(stream.code()).as(stream.err()).isZero();
            assertThat(out).hasContent("hello world");

            // ckanapi action files_file_search [content_type=application/pdf]
            Map<String, Object> all = call(portal, "files_file_search", admin);
            assertThat(all).containsEntry("count", 1L);
            assertThat(call(portal, "files_file_search", admin, "content_type", "application/pdf")).containsEntry("count", 0L)
                    .containsEntry("results", List.of());

            // ckanapi action files_file_delete id=...: the record now, the bytes after the commit
            call(portal, "files_file_delete", admin, "id", hello.get("id"));
            PortalException gone = catchThrowableOfType(PortalException.class, () -> call(portal, "files_file_show", admin, "id", hello.get("id")));
            assertThat(gone.kind()).isEqualTo(ErrorKind.NOT_FOUND);
            assertThat(dir.resolve("example").resolve((String) hello.get("location"))).doesNotExist();

            // Multi-storage: files_file_create ... storage=memory
            Map<String, Object> inMemory = call(portal, "files_file_create", admin, "name", "hello.txt", "upload", "hello world\n",
                    "storage", "memory");
            assertThat(inMemory).containsEntry("storage", "memory").containsEntry("size", 12L);
            assertThat(call(portal, "files_file_search", admin, "storage", "memory")).containsEntry("count", 1L);

            // Untracked files: uploaded by code straight to the storage; ckan files scan [-u] [-t]
            FilesPlugin.of(portal.portal()).storages().get("default").uploader()
                    .upload(new Location("file.txt"), Upload.of("hello world".getBytes(StandardCharsets.UTF_8), "file.txt", null), false);
            Map<String, Object> tracked = call(portal, "files_file_create", admin, "name", "tracked.txt", "upload", "tracked");
            // The default storage puts a random prefix in front of each uploaded file's name (unguessable locations).
            assertThat(cli(dir, options, "files", "scan").out().lines()).containsExactlyInAnyOrder("file.txt", (String) tracked.get("location"));
            assertThat((String) tracked.get("location")).matches("[0-9a-f-]{36}tracked\\.txt");
            assertThat(cli(dir, options, "files", "scan", "-u").out()).isEqualTo("file.txt\n");
            CliRun track = cli(dir, options, "files", "scan", "-t");
            assertThat(track.code()).as(track.err()).isZero();
            assertThat(cli(dir, options, "files", "scan", "-u").out()).isEmpty();
            Map<String, Object> registered = (Map<String, Object>) ((List<?>) call(portal, "files_file_search", admin, "storage", "default",
                    "name", "file.txt").get("results")).get(0);
            assertThat(registered).containsEntry("size", 11L).containsEntry("hash", "5eb63bbbe01eeed093cb22bb8f5acdc3")
                    .containsEntry("owner_type", null);

            // Ownership: a file given to a private dataset is readable by members of its organization
            Map<String, Object> org = call(portal, "organization_create", admin, "name", "sample-org");
            Map<String, Object> member = call(portal, "user_create", admin, "name", "member", "email", "member@example.org",
                    "password", "correct horse battery");
            call(portal, "user_create", admin, "name", "outsider", "email", "outsider@example.org", "password", "correct horse battery");
            call(portal, "organization_member_create", admin, "id", org.get("id"), "username", "member", "role", "member");
            Map<String, Object> dataset = call(portal, "package_create", admin, "name", "rivers", "owner_org", org.get("id"), "private", true);
            Map<String, Object> moved = call(portal, "files_transfer_ownership", admin, "id", tracked.get("id"), "owner_type", "package",
                    "owner_id", "rivers", "pin", true);
            assertThat(moved).containsEntry("owner_type", "package").containsEntry("owner_id", dataset.get("id")).containsEntry("pinned", true);
            Optional<UserRef> asMember = Optional.of(new UserRef((String) member.get("id"), "member", false));
            assertThat(call(portal, "files_file_show", asMember, "id", tracked.get("id"))).containsEntry("name", "tracked.txt");
            Optional<UserRef> asOutsider = Optional.of(new UserRef("outsider-id", "outsider", false));
            PortalException denied = catchThrowableOfType(PortalException.class,
                    () -> call(portal, "files_file_show", asOutsider, "id", tracked.get("id")));
            assertThat(denied.kind()).isEqualTo(ErrorKind.PERMISSION_DENIED);
            // A pinned file does not move without force.
            PortalException pinned = catchThrowableOfType(PortalException.class, () -> call(portal, "files_transfer_ownership", admin,
                    "id", tracked.get("id"), "owner_type", "organization", "owner_id", "sample-org"));
            assertThat(pinned.getMessage()).contains("is pinned to package");
        }
    }

    private static CliRun cli(Path dir, Map<String, String> options, String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        options.forEach((k, v) -> {
            all.add("-o");
            all.add(k + "=" + v);
        });
        return CliRun.in(dir.resolve("data"), all.toArray(new String[0]));
    }
}
