package dev.portalkit.runtime.files.tracked;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.portalkit.api.ErrorKind;
import dev.portalkit.api.PortalException;
import dev.portalkit.api.ValidationException;
import dev.portalkit.api.action.UserRef;
import dev.portalkit.api.files.FileData;
import dev.portalkit.api.files.Location;
import dev.portalkit.api.files.ManagedStorage;
import dev.portalkit.api.files.Upload;
import dev.portalkit.runtime.files.FilesPlugin;
import dev.portalkit.runtime.testing.TestDb;
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
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.Parameter;

/**
 * One real portal per test class and database (subclasses are {@code @ParameterizedClass}) with
 * the files-test plugin and these storages: {@code default} (files:fs), {@code mem},
 * {@code images} (image types, at most 1 KiB), {@code uuid} (uuid_with_extension locations),
 * {@code tagged} (storage data on files), {@code flaky} (removals fail on demand),
 * {@code hooked} (no links of its own: the portal signs them), {@code public} and {@code avatars}
 * (files:public_fs, public links), {@code db} (files:db), {@code plain} (no MULTIPART, no ANALYZE), {@code keeper} (no REMOVE).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class FileApiTestBase {
    static final Optional<UserRef> ANONYMOUS = TestPortal.ANONYMOUS;
    static final Optional<UserRef> SYSADMIN = TestPortal.SYSADMIN;
    private static final AtomicInteger COUNTER = new AtomicInteger();

    @Parameter
    TestDb db;

    TestPortal portal;
    Path storageDir;

    /** The task queue's clock for this class's portal ({@code null}: the system clock). */
    java.time.Clock clock() {
        return null;
    }

    /** Extra config options of this class's portal. */
    Map<String, String> options() {
        return Map.of();
    }

    @BeforeParameterizedClassInvocation
    void startPortal() throws IOException {
        storageDir = Files.createTempDirectory("files-api-");
        TestPortal.Builder builder = TestPortal.builder().db(db).plugins("files-test")
                .option("portal.auth.password_iterations", "1000");
        storageOptions(storageDir).forEach(builder::option);
        options().forEach(builder::option);
        portal = builder.clock(clock()).start();
    }

    static Map<String, String> storageOptions(Path dir) {
        Map<String, String> o = new LinkedHashMap<>();
        storage(o, "default", "files:fs", "path", dir.resolve("default").toString(), "create_path", "true");
        storage(o, "mem", "files:memory");
        storage(o, "images", "files:memory", "supported_types", "image", "max_size", "1KiB");
        storage(o, "uuid", "files:memory", "location_transformers", "uuid_with_extension");
        storage(o, "tagged", "test:tagged", "bucket", "b1");
        storage(o, "tagged2", "test:tagged", "bucket", "b2", "region", "us");
        storage(o, "flaky", "test:flaky");
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

    @AfterParameterizedClassInvocation
    void stopPortal() {
        portal.close();
    }

    static String unique(String prefix) {
        return prefix + "-" + COUNTER.incrementAndGet();
    }

    // ---- calls -----------------------------------------------------------------------------------

    Object call(String action, Optional<UserRef> user, Map<String, Object> data) {
        return portal.call(action, user, data);
    }

    @SuppressWarnings("unchecked")
    Map<String, Object> dict(String action, Optional<UserRef> user, Map<String, Object> data) {
        return (Map<String, Object>) call(action, user, data);
    }

    /** A call with a context of the caller's making (e.g. {@code ignore_auth} without a user). */
    @SuppressWarnings("unchecked")
    Map<String, Object> dict(String action, dev.portalkit.api.action.ActionContext ctx, Map<String, Object> data) {
        return (Map<String, Object>) ctx.call(action, data);
    }

    PortalException failure(String action, Optional<UserRef> user, Map<String, Object> data) {
        PortalException e = catchThrowableOfType(PortalException.class, () -> call(action, user, data));
        assertThat(e).as("%s should fail", action).isNotNull();
        return e;
    }

    PortalException failure(ErrorKind kind, String action, Optional<UserRef> user, Map<String, Object> data) {
        PortalException e = failure(action, user, data);
        assertThat(e.kind()).as("%s: %s", action, e.getMessage()).isEqualTo(kind);
        return e;
    }

    PortalException denied(String action, Optional<UserRef> user, Map<String, Object> data) {
        PortalException e = failure(ErrorKind.PERMISSION_DENIED, action, user, data);
        assertThat(e.getMessage()).contains("not authorized");
        return e;
    }

    /** The per-field errors of a failing call. */
    Map<String, Object> invalid(String action, Optional<UserRef> user, Map<String, Object> data) {
        PortalException e = failure(action, user, data);
        assertThat(e).as("%s: %s", action, e.getMessage()).isInstanceOf(ValidationException.class);
        return ((ValidationException) e).errors();
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

    /** A new active user (created by a sysadmin), as the reference the token authenticator would return. */
    Optional<UserRef> newUser(String prefix) {
        String name = unique(prefix);
        Map<String, Object> u = dict("user_create", SYSADMIN, map("name", name, "email", name + "@example.org",
                "password", "correct horse battery"));
        return Optional.of(new UserRef((String) u.get("id"), name, false));
    }

    /** A new organization whose admin is {@code admin} (the creator). */
    Map<String, Object> newOrg(Optional<UserRef> admin) {
        return dict("organization_create", admin, map("name", unique("org"), "title", "An organization"));
    }

    void addMember(Map<String, Object> org, Optional<UserRef> user, String role) {
        call("organization_member_create", SYSADMIN, map("id", org.get("id"), "username", user.get().name(), "role", role));
    }

    Map<String, Object> newDataset(Map<String, Object> org, boolean isPrivate) {
        return dict("package_create", SYSADMIN, map("name", unique("ds"), "title", "A dataset", "owner_org", org.get("id"),
                "private", isPrivate));
    }

    @SuppressWarnings("unchecked")
    static List<Map<String, Object>> results(Map<String, Object> search) {
        return (List<Map<String, Object>>) search.get("results");
    }

    /** A mutable map of alternating keys and values (values may be null). */
    static Map<String, Object> map(Object... keysAndValues) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            m.put((String) keysAndValues[i], keysAndValues[i + 1]);
        }
        return m;
    }
}
