package dev.portalkit.runtime.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.portalkit.api.ErrorKind;
import dev.portalkit.api.PortalException;
import dev.portalkit.api.ValidationException;
import dev.portalkit.api.action.UserRef;
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
 * One real portal per test class and database, shared by the class's tests (which keep apart by
 * creating uniquely named objects): subclasses are {@code @ParameterizedClass @EnumSource(TestDb.class)}
 * and say what their portal has in {@link #configure}. Calls as a user, failures by kind, and the
 * portal model's fixtures (users, organizations, members).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class PortalTestBase {
    public static final Optional<UserRef> ANONYMOUS = TestPortal.ANONYMOUS;
    /** A sysadmin that exists only as a reference (not in portal_user), like a CLI call with auth. */
    public static final Optional<UserRef> SYSADMIN = TestPortal.SYSADMIN;
    private static final AtomicInteger COUNTER = new AtomicInteger();

    @Parameter
    protected TestDb db;

    protected TestPortal portal;

    /** Extra config options of this class's portal. */
    protected Map<String, String> options() {
        return Map.of();
    }

    /** What this class's portal has beyond the defaults (plugins, storages, a clock); {@link #options()} come after. */
    protected void configure(TestPortal.Builder builder) throws Exception {
    }

    @BeforeParameterizedClassInvocation
    protected void startPortal() throws Exception {
        TestPortal.Builder builder = TestPortal.builder().db(db).option("portal.auth.password_iterations", "1000");
        configure(builder);
        options().forEach(builder::option);
        portal = builder.start();
    }

    @AfterParameterizedClassInvocation
    protected void stopPortal() {
        portal.close();
    }

    protected static String unique(String prefix) {
        return prefix + "-" + COUNTER.incrementAndGet();
    }

    // ---- calls -----------------------------------------------------------------------------------

    protected Object call(String action, Optional<UserRef> user, Map<String, Object> data) {
        return portal.call(action, user, data);
    }

    @SuppressWarnings("unchecked")
    protected Map<String, Object> dict(String action, Optional<UserRef> user, Map<String, Object> data) {
        return (Map<String, Object>) call(action, user, data);
    }

    /** A call with a context of the caller's making (e.g. {@code ignore_auth} without a user). */
    @SuppressWarnings("unchecked")
    protected Map<String, Object> dict(String action, dev.portalkit.api.action.ActionContext ctx, Map<String, Object> data) {
        return (Map<String, Object>) ctx.call(action, data);
    }

    @SuppressWarnings("unchecked")
    protected List<Map<String, Object>> dicts(String action, Optional<UserRef> user, Map<String, Object> data) {
        return (List<Map<String, Object>>) call(action, user, data);
    }

    protected PortalException failure(String action, Optional<UserRef> user, Map<String, Object> data) {
        PortalException e = catchThrowableOfType(PortalException.class, () -> call(action, user, data));
        assertThat(e).as("%s should fail", action).isNotNull();
        return e;
    }

    protected PortalException failure(ErrorKind kind, String action, Optional<UserRef> user, Map<String, Object> data) {
        PortalException e = failure(action, user, data);
        assertThat(e.kind()).as("%s: %s", action, e.getMessage()).isEqualTo(kind);
        return e;
    }

    protected PortalException denied(String action, Optional<UserRef> user, Map<String, Object> data) {
        PortalException e = failure(ErrorKind.PERMISSION_DENIED, action, user, data);
        assertThat(e.getMessage()).contains("not authorized");
        return e;
    }

    protected PortalException notFound(String action, Optional<UserRef> user, Map<String, Object> data) {
        return failure(ErrorKind.NOT_FOUND, action, user, data);
    }

    /** The per-field errors of a failing call. */
    protected Map<String, Object> invalid(String action, Optional<UserRef> user, Map<String, Object> data) {
        PortalException e = failure(action, user, data);
        assertThat(e).as("%s: %s", action, e.getMessage()).isInstanceOf(ValidationException.class);
        return ((ValidationException) e).errors();
    }

    // ---- the portal model ------------------------------------------------------------------------

    /** A new active user (created by a sysadmin), as the reference the token authenticator would return. */
    protected Optional<UserRef> newUser(String prefix) {
        String name = unique(prefix);
        Map<String, Object> u = dict("user_create", SYSADMIN, map("name", name, "email", name + "@example.org",
                "password", "correct horse battery"));
        return Optional.of(new UserRef((String) u.get("id"), name, false));
    }

    protected Optional<UserRef> newSysadmin() {
        String name = unique("root");
        Map<String, Object> u = dict("user_create", SYSADMIN, map("name", name, "email", name + "@example.org",
                "password", "correct horse battery", "sysadmin", true));
        return Optional.of(new UserRef((String) u.get("id"), name, true));
    }

    /** A new organization whose admin is {@code admin} (the creator). */
    protected Map<String, Object> newOrg(Optional<UserRef> admin) {
        return dict("organization_create", admin, map("name", unique("org"), "title", "An organization"));
    }

    protected void addMember(Map<String, Object> org, Optional<UserRef> user, String role) {
        call("organization_member_create", SYSADMIN, map("id", org.get("id"), "username", user.get().name(), "role", role));
    }

    /** A mutable map of alternating keys and values (values may be null). */
    protected static Map<String, Object> map(Object... keysAndValues) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            m.put((String) keysAndValues[i], keysAndValues[i + 1]);
        }
        return m;
    }
}
