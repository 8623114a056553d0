package dev.portalkit.example;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
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
 * The example plugin's lifecycle hooks (README section 11) on a real portal, H2 and PostgreSQL: its
 * before hook refuses an "embargoed" title on the field, its after hook records committed changes
 * in its own table, read back with {@code example_event_list}.
 */
@ParameterizedClass(name = "{0}")
@EnumSource(TestDb.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ExamplePluginHooksTest {
    @Parameter
    TestDb db;

    private TestPortal portal;
    private Optional<UserRef> editor;
    private String orgId;
    private int counter;

    @BeforeParameterizedClassInvocation
    void start() {
        portal = TestPortal.builder().db(db).plugins("example").option("portal.auth.password_iterations", "1000")
                .option("portal.files.storage.default.type", "files:memory").start();
        Map<String, Object> u = call("user_create", TestPortal.SYSADMIN, "name", "hook-editor", "email", "e@example.org",
                "password", "long enough");
        editor = Optional.of(new UserRef((String) u.get("id"), "hook-editor", false));
        orgId = (String) call("organization_create", TestPortal.SYSADMIN, "name", "hooks-org").get("id");
        call("organization_member_create", TestPortal.SYSADMIN, "id", orgId, "username", "hook-editor", "role", "editor");
    }

    @AfterParameterizedClassInvocation
    void stop() {
        portal.close();
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> call(String action, Optional<UserRef> user, Object... keysAndValues) {
        Map<String, Object> data = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            data.put((String) keysAndValues[i], keysAndValues[i + 1]);
        }
        return (Map<String, Object>) portal.call(action, user, data);
    }

    private String unique(String prefix) {
        return prefix + "-" + (++counter);
    }

    /** The example plugin's recorded events for one entity id, as "ENTITY OPERATION action user". */
    @SuppressWarnings("unchecked")
    private List<String> events(Object entityId) {
        List<Map<String, Object>> all = (List<Map<String, Object>>) portal.call("example_event_list", TestPortal.SYSADMIN, Map.of());
        return all.stream().filter(e -> entityId.equals(e.get("entity_id")))
                .map(e -> e.get("entity") + " " + e.get("operation") + " " + e.get("action") + " " + e.get("user")).toList();
    }

    private void assertNoDataset(String name) {
        PortalException e = catchThrowableOfType(PortalException.class, () -> call("package_show", TestPortal.SYSADMIN, "id", name));
        assertThat(e).isNotNull();
        assertThat(e.kind()).isEqualTo(ErrorKind.NOT_FOUND);
    }

    @Test
    void theBeforeHookRefusesAnEmbargoedTitleOnItsFieldAndNothingIsSaved() {
        String name = unique("secret");
        ValidationException refused = catchThrowableOfType(ValidationException.class, () -> call("package_create", editor,
                "name", name, "title", "Embargoed figures", "owner_org", orgId));
        assertThat(refused).isNotNull();
        assertThat(refused.kind().httpStatus()).isEqualTo(409);
        assertThat(refused.errors()).containsExactly(Map.entry("title",
                List.of("The example plugin refuses titles containing \"embargoed\"")));
        assertNoDataset(name);

        Map<String, Object> ds = call("package_create", editor, "name", unique("open"), "title", "Open figures", "owner_org", orgId);
        assertThatThrownBy(() -> call("package_patch", editor, "id", ds.get("id"), "title", "now EMBARGOED"))
                .isInstanceOfSatisfying(ValidationException.class, e -> assertThat(e.errors()).containsKey("title"));
        assertThat(call("package_show", TestPortal.SYSADMIN, "id", ds.get("id"))).containsEntry("title", "Open figures");
        assertThat(events(ds.get("id"))).containsExactly("PACKAGE CREATE package_create hook-editor");
    }

    @Test
    void theAfterHookRecordsOnlyCommittedChangesOnceTheyCommitted() {
        String id = portal.portal().inTransaction(() -> {
            Map<String, Object> ds = call("package_create", editor, "name", unique("late"), "owner_org", orgId);
            // Same transaction, action done, not committed: nothing recorded yet.
            assertThat(events(ds.get("id"))).isEmpty();
            return (String) ds.get("id");
        });
        assertThat(events(id)).containsExactly("PACKAGE CREATE package_create hook-editor");

        String name = unique("rolled-back");
        String[] rolledBackId = new String[1];
        assertThatThrownBy(() -> portal.portal().inTransaction(() -> {
            rolledBackId[0] = (String) call("package_create", editor, "name", name, "owner_org", orgId).get("id");
            throw PortalException.badRequest("the outer call fails");
        })).hasMessage("the outer call fails");
        assertNoDataset(name);
        assertThat(events(rolledBackId[0])).isEmpty();
    }

    @Test
    void datasetResourceOrganizationAndFileChangesAreRecordedInOrder() {
        Map<String, Object> org = call("organization_create", TestPortal.SYSADMIN, "name", unique("org"));
        call("organization_update", TestPortal.SYSADMIN, "id", org.get("id"),
                "name", org.get("name"), "title", "Renamed");
        Map<String, Object> ds = call("package_create", editor, "name", unique("life"), "owner_org", orgId);
        Map<String, Object> r = call("resource_create", editor, "package_id", ds.get("id"), "url", "http://example.org/a.csv");
        call("resource_patch", editor, "id", r.get("id"), "name", "a.csv");
        call("package_patch", editor, "id", ds.get("id"), "notes", "About");
        call("resource_delete", editor, "id", r.get("id"));
        call("package_delete", editor, "id", ds.get("id"));
        call("organization_delete", TestPortal.SYSADMIN, "id", org.get("id"));
        assertThat(events(org.get("id"))).containsExactly("ORGANIZATION CREATE organization_create sysadmin",
                "ORGANIZATION UPDATE organization_update sysadmin", "ORGANIZATION DELETE organization_delete sysadmin");
        assertThat(events(ds.get("id"))).containsExactly("PACKAGE CREATE package_create hook-editor",
                "PACKAGE UPDATE package_update hook-editor", "PACKAGE DELETE package_delete hook-editor");
        assertThat(events(r.get("id"))).containsExactly("RESOURCE CREATE resource_create hook-editor",
                "RESOURCE UPDATE resource_update hook-editor", "RESOURCE DELETE resource_delete hook-editor");

        Map<String, Object> target = call("package_create", editor, "name", unique("owner"), "owner_org", orgId);
        Map<String, Object> file = call("files_file_create", TestPortal.SYSADMIN, "name", "notes.txt", "upload", "hello\n");
        call("files_transfer_ownership", TestPortal.SYSADMIN, "id", file.get("id"), "owner_type", "package",
                "owner_id", target.get("id"));
        call("files_file_delete", TestPortal.SYSADMIN, "id", file.get("id"));
        assertThat(events(file.get("id"))).containsExactly("FILE CREATE files_file_create sysadmin",
                "FILE TRANSFER files_transfer_ownership sysadmin", "FILE DELETE files_file_delete sysadmin");
    }
}
