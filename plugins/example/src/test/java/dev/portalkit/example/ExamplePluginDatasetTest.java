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
 * The example plugin's schema change, validator factory and auth override, seen through the
 * core's package_create on a real portal.
 */
@ParameterizedClass(name = "{0}")
@EnumSource(TestDb.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ExamplePluginDatasetTest {
    @Parameter
    TestDb db;

    private TestPortal portal;
    private Optional<UserRef> editor;
    private Optional<UserRef> sysadmin;
    private String orgId;
    private int counter;

    @BeforeParameterizedClassInvocation
    @SuppressWarnings("unchecked")
    void start() {
        portal = TestPortal.builder().db(db).plugins("example").option("portal.auth.password_iterations", "1000").start();
        editor = user("editor", false);
        sysadmin = user("root", true);
        Map<String, Object> org = (Map<String, Object>) portal.call("organization_create", TestPortal.SYSADMIN, Map.of("name", "example-org"));
        orgId = (String) org.get("id");
        portal.call("organization_member_create", TestPortal.SYSADMIN, Map.of("id", orgId, "username", "editor", "role", "editor"));
    }

    @AfterParameterizedClassInvocation
    void stop() {
        portal.close();
    }

    @SuppressWarnings("unchecked")
    private Optional<UserRef> user(String name, boolean isSysadmin) {
        Map<String, Object> u = (Map<String, Object>) portal.call("user_create", TestPortal.SYSADMIN, Map.of("name", name,
                "email", name + "@example.org", "password", "long enough", "sysadmin", isSysadmin));
        return Optional.of(new UserRef((String) u.get("id"), name, isSysadmin));
    }

    private Map<String, Object> dataset(String name, Object... more) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("name", name);
        data.put("owner_org", orgId);
        for (int i = 0; i < more.length; i += 2) {
            data.put((String) more[i], more[i + 1]);
        }
        return data;
    }

    private String unique(String prefix) {
        return prefix + "-" + (++counter);
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> create(Optional<UserRef> user, Map<String, Object> data) {
        return (Map<String, Object>) portal.call("package_create", user, data);
    }

    private PortalException failure(Optional<UserRef> user, Map<String, Object> data) {
        PortalException e = catchThrowableOfType(PortalException.class, () -> create(user, data));
        assertThat(e).as("package_create should fail").isNotNull();
        return e;
    }

    private void assertNotCreated(String name) {
        PortalException e = catchThrowableOfType(PortalException.class,
                () -> portal.call("package_show", TestPortal.SYSADMIN, Map.of("id", name)));
        assertThat(e).isNotNull();
        assertThat(e.kind()).isEqualTo(ErrorKind.NOT_FOUND);
    }

    @Test
    void examplePrefixValidatorUpperCasesGoodCodes() {
        String name = unique("coded");
        Map<String, Object> ds = create(editor, dataset(name, "example_code", "ex-42"));
        assertThat(ds).containsEntry("example_code", "EX-42");
        assertThat(portal.call("package_show", TestPortal.ANONYMOUS, Map.of("id", name))).isEqualTo(ds);
    }

    @Test
    void examplePrefixValidatorReportsBadCodesOnTheField() {
        String name = unique("miscoded");
        PortalException e = failure(editor, dataset(name, "example_code", "XY-1"));
        assertThat(e).isInstanceOfSatisfying(ValidationException.class, v ->
                assertThat(v.errors()).containsExactly(Map.entry("example_code", List.of("Must start with EX-"))));
        assertNotCreated(name);
    }

    @Test
    void authOverrideDeniesForbiddenNamesEvenToSysadmins() {
        for (Optional<UserRef> caller : List.of(editor, sysadmin)) {
            String name = unique("forbidden-data");
            PortalException e = failure(caller, dataset(name));
            assertThat(e.kind()).isEqualTo(ErrorKind.PERMISSION_DENIED);
            assertThat(e.getMessage()).isEqualTo("The example plugin forbids dataset names starting with forbidden-");
            assertNotCreated(name);
        }
    }

    @Test
    void authOverrideDefersToTheModelRulesOtherwise() {
        assertThat(create(editor, dataset(unique("allowed")))).containsEntry("state", "active");
        assertThat(create(sysadmin, dataset(unique("not-forbidden")))).containsEntry("state", "active");
        PortalException anonymous = failure(TestPortal.ANONYMOUS, dataset(unique("allowed")));
        assertThat(anonymous.kind()).isEqualTo(ErrorKind.PERMISSION_DENIED);
        assertThat(anonymous.getMessage()).contains("not authorized to call package_create");
    }

    @Test
    void nestedResourceErrorsArePerItem() {
        String name = unique("nested");
        PortalException e = failure(editor, dataset(name, "resources", List.of(Map.of(), Map.of("position", "x"))));
        assertThat(e).isInstanceOfSatisfying(ValidationException.class, v ->
                assertThat(v.errors()).containsExactly(Map.entry("resources",
                        List.of(Map.of(), Map.of("position", List.of("Invalid integer"))))));
        assertNotCreated(name);
    }
}
