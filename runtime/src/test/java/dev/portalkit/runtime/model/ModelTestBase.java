package dev.portalkit.runtime.model;

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
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.Parameter;

/**
 * One real portal per test class and database (subclasses are
 * {@code @ParameterizedClass @EnumSource(TestDb.class)}); tests share it and keep apart by
 * creating uniquely named objects.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class ModelTestBase {
    static final Optional<UserRef> ANONYMOUS = TestPortal.ANONYMOUS;
    /** A sysadmin that exists only as a reference (not in portal_user), like a CLI call with auth. */
    static final Optional<UserRef> SYSADMIN = TestPortal.SYSADMIN;
    private static final AtomicInteger COUNTER = new AtomicInteger();

    @Parameter
    TestDb db;

    TestPortal portal;

    /** Extra config options of this class's portal. */
    Map<String, String> options() {
        return Map.of();
    }

    @BeforeParameterizedClassInvocation
    void startPortal() {
        TestPortal.Builder builder = TestPortal.builder().db(db).option(ModelConfig.PASSWORD_ITERATIONS, "1000");
        options().forEach(builder::option);
        portal = builder.start();
    }

    @AfterParameterizedClassInvocation
    void stopPortal() {
        portal.close();
    }

    static String unique(String prefix) {
        return prefix + "-" + COUNTER.incrementAndGet();
    }

    Object call(String action, Optional<UserRef> user, Map<String, Object> data) {
        return portal.call(action, user, data);
    }

    @SuppressWarnings("unchecked")
    Map<String, Object> dict(String action, Optional<UserRef> user, Map<String, Object> data) {
        return (Map<String, Object>) call(action, user, data);
    }

    @SuppressWarnings("unchecked")
    List<Map<String, Object>> dicts(String action, Optional<UserRef> user, Map<String, Object> data) {
        return (List<Map<String, Object>>) call(action, user, data);
    }

    PortalException failure(String action, Optional<UserRef> user, Map<String, Object> data) {
        PortalException e = catchThrowableOfType(PortalException.class, () -> call(action, user, data));
        assertThat(e).as("%s should fail", action).isNotNull();
        return e;
    }

    PortalException denied(String action, Optional<UserRef> user, Map<String, Object> data) {
        PortalException e = failure(action, user, data);
        assertThat(e.kind()).as("%s: %s", action, e.getMessage()).isEqualTo(ErrorKind.PERMISSION_DENIED);
        assertThat(e.getMessage()).contains("not authorized");
        return e;
    }

    PortalException notFound(String action, Optional<UserRef> user, Map<String, Object> data) {
        PortalException e = failure(action, user, data);
        assertThat(e.kind()).as("%s: %s", action, e.getMessage()).isEqualTo(ErrorKind.NOT_FOUND);
        return e;
    }

    /** The per-field errors of a failing call. */
    Map<String, Object> invalid(String action, Optional<UserRef> user, Map<String, Object> data) {
        PortalException e = failure(action, user, data);
        assertThat(e).as("%s: %s", action, e.getMessage()).isInstanceOf(ValidationException.class);
        return ((ValidationException) e).errors();
    }

    // ---- fixtures ----------------------------------------------------------------------------

    /** A new active user (created by a sysadmin), as the reference the token authenticator would return. */
    Optional<UserRef> newUser(String prefix) {
        String name = unique(prefix);
        Map<String, Object> u = dict("user_create", SYSADMIN, map("name", name, "email", name + "@example.org",
                "password", "correct horse battery"));
        return Optional.of(new UserRef((String) u.get("id"), name, false));
    }

    Optional<UserRef> newSysadmin() {
        String name = unique("root");
        Map<String, Object> u = dict("user_create", SYSADMIN, map("name", name, "email", name + "@example.org",
                "password", "correct horse battery", "sysadmin", true));
        return Optional.of(new UserRef((String) u.get("id"), name, true));
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
                "private", isPrivate, "resources", List.of(map("name", "data.csv", "url", "http://example.org/data.csv"))));
    }

    @SuppressWarnings("unchecked")
    static List<Map<String, Object>> resourcesOf(Map<String, Object> dataset) {
        return (List<Map<String, Object>>) dataset.get("resources");
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
