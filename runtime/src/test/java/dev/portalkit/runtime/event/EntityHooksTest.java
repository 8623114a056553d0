package dev.portalkit.runtime.event;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.portalkit.api.ErrorKind;
import dev.portalkit.api.PortalException;
import dev.portalkit.api.event.EntityEvent;
import dev.portalkit.api.event.EntityEvent.Entity;
import dev.portalkit.api.event.EntityEvent.Operation;
import dev.portalkit.api.files.Upload;
import dev.portalkit.runtime.plugins.HookProbe;
import dev.portalkit.runtime.testing.PortalTestBase;
import dev.portalkit.runtime.testing.TestDb;
import dev.portalkit.runtime.testing.TestPortal;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The event API on a real portal: the test plugins {@code hooks-b} and {@code hooks-a} (configured
 * in that order, against their names' order) record every lifecycle hook call ({@link HookProbe}).
 * The example plugin's tests show the same on PostgreSQL.
 */
@ParameterizedClass(name = "{0}")
@EnumSource(value = TestDb.class, names = "H2")
class EntityHooksTest extends PortalTestBase {
    @Override
    protected void configure(TestPortal.Builder builder) {
        builder.plugins("hooks-b hooks-a").option("portal.files.storage.default.type", "files:memory");
    }

    @BeforeEach
    void clear() {
        HookProbe.reset();
    }

    private Map<String, Object> org() {
        return dict("organization_create", SYSADMIN, map("name", unique("org")));
    }

    private Map<String, Object> dataset(Map<String, Object> org, String title) {
        return dict("package_create", SYSADMIN, map("name", unique("ds"), "title", title, "owner_org", org.get("id")));
    }

    private static List<HookProbe.Seen> seen(String plugin, String phase, Entity entity, Operation operation) {
        return HookProbe.SEEN.stream().filter(s -> s.plugin().equals(plugin) && s.phase().equals(phase)
                && s.event().is(entity, operation)).toList();
    }

    private static EntityEvent only(String plugin, String phase, Entity entity, Operation operation) {
        List<HookProbe.Seen> found = seen(plugin, phase, entity, operation);
        assertThat(found).as("%s %s %s %s", plugin, phase, entity, operation).hasSize(1);
        return found.get(0).event();
    }

    @Test
    void datasetCreateRunsBeforeHooksThenAfterHooksInPluginOrderOnceCommitted() {
        Map<String, Object> org = org();
        HookProbe.reset();
        Map<String, Object> ds = dataset(org, "Rivers");
        assertThat(HookProbe.briefs()).containsExactly(
                "hooks-b before PACKAGE CREATE", "hooks-a before PACKAGE CREATE",
                "hooks-b after PACKAGE CREATE", "hooks-a after PACKAGE CREATE");
        EntityEvent before = only("hooks-a", "before", Entity.PACKAGE, Operation.CREATE);
        assertThat(before.data()).containsEntry("title", "Rivers").containsEntry("name", ds.get("name"));
        assertThat(before.action()).isEqualTo("package_create");
        assertThat(before.user()).isEqualTo(SYSADMIN);
        EntityEvent after = only("hooks-a", "after", Entity.PACKAGE, Operation.CREATE);
        assertThat(after.data()).isEqualTo(ds);
        assertThat(after.id()).isEqualTo(ds.get("id"));
        // Each after hook ran in its own transaction and saw the committed dataset.
        assertThat(HookProbe.SEEN).filteredOn(s -> s.phase().equals("after")).allMatch(s -> Boolean.TRUE.equals(s.visible()));
        assertThatThrownBy(() -> after.data().put("title", "changed")).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void aRefusingBeforeHookFailsTheActionOnItsFieldStopsTheChainAndChangesNothing() {
        Map<String, Object> org = org();
        HookProbe.reset();
        String name = unique("refused");
        Map<String, Object> errors = invalid("package_create", SYSADMIN, map("name", name, "title", "x refused-by-hooks-a x",
                "owner_org", org.get("id")));
        assertThat(errors).containsExactly(Map.entry("title", List.of("The hooks-a plugin refuses refused-by-hooks-a")));
        assertThat(HookProbe.briefs()).containsExactly("hooks-b before PACKAGE CREATE", "hooks-a before PACKAGE CREATE");
        notFound("package_show", SYSADMIN, map("id", name));

        // The first plugin in order refusing: the second is not asked.
        HookProbe.reset();
        invalid("package_create", SYSADMIN, map("name", name, "title", "refused-by-hooks-b", "owner_org", org.get("id")));
        assertThat(HookProbe.briefs()).containsExactly("hooks-b before PACKAGE CREATE");

        // An update refused keeps the dataset as it was.
        Map<String, Object> ds = dataset(org, "Kept");
        HookProbe.reset();
        assertThat(invalid("package_patch", SYSADMIN, map("id", ds.get("id"), "title", "refused-by-hooks-a"))).containsKey("title");
        assertThat(dict("package_show", SYSADMIN, map("id", ds.get("id")))).containsEntry("title", "Kept");
        assertThat(HookProbe.briefs("after")).isEmpty();
    }

    @Test
    void afterHooksWaitForTheOutermostCommitAndNeverRunForARollback() {
        Map<String, Object> org = org();
        HookProbe.reset();
        Map<String, Object> created = portal.portal().inTransaction(() -> {
            Map<String, Object> ds = dataset(org, "Inside");
            // The action returned, but its transaction is the caller's and has not committed.
            assertThat(HookProbe.briefs("after")).isEmpty();
            return ds;
        });
        assertThat(HookProbe.briefs("after")).containsExactly("hooks-b after PACKAGE CREATE", "hooks-a after PACKAGE CREATE");
        assertThat(only("hooks-b", "after", Entity.PACKAGE, Operation.CREATE).id()).isEqualTo(created.get("id"));

        HookProbe.reset();
        String name = unique("rolled-back");
        assertThatThrownBy(() -> portal.portal().inTransaction(() -> {
            dict("package_create", SYSADMIN, map("name", name, "owner_org", org.get("id")));
            throw PortalException.badRequest("the caller fails after the action succeeded");
        })).hasMessage("the caller fails after the action succeeded");
        assertThat(HookProbe.briefs()).containsExactly("hooks-b before PACKAGE CREATE", "hooks-a before PACKAGE CREATE");
        notFound("package_show", SYSADMIN, map("id", name));
    }

    @Test
    void aFailingAfterHookIsLoggedTheActionStandsAndTheNextPluginIsStillCalled() {
        Map<String, Object> org = org();
        HookProbe.reset();
        HookProbe.failAfter = "hooks-b";
        Map<String, Object> ds = dataset(org, "Survives");
        assertThat(HookProbe.briefs("after")).containsExactly("hooks-b after PACKAGE CREATE", "hooks-a after PACKAGE CREATE");
        assertThat(dict("package_show", SYSADMIN, map("id", ds.get("id")))).containsEntry("title", "Survives");
    }

    @Test
    void datasetUpdatePatchAndDelete() {
        Map<String, Object> ds = dataset(org(), "Old");
        HookProbe.reset();
        dict("package_patch", SYSADMIN, map("id", ds.get("id"), "title", "New"));
        assertThat(HookProbe.briefs()).containsExactly(
                "hooks-b before PACKAGE UPDATE", "hooks-a before PACKAGE UPDATE",
                "hooks-b after PACKAGE UPDATE", "hooks-a after PACKAGE UPDATE");
        EntityEvent before = only("hooks-a", "before", Entity.PACKAGE, Operation.UPDATE);
        assertThat(before.data()).containsEntry("title", "New").containsEntry("id", ds.get("id"));
        assertThat(before.action()).isEqualTo("package_update");
        assertThat(only("hooks-a", "after", Entity.PACKAGE, Operation.UPDATE).data()).containsEntry("title", "New");

        HookProbe.reset();
        call("package_delete", SYSADMIN, map("id", ds.get("id")));
        assertThat(only("hooks-a", "before", Entity.PACKAGE, Operation.DELETE).data()).containsEntry("state", "active");
        EntityEvent deleted = only("hooks-a", "after", Entity.PACKAGE, Operation.DELETE);
        assertThat(deleted.data()).containsEntry("state", "deleted").containsEntry("id", ds.get("id"));
        assertThat(deleted.action()).isEqualTo("package_delete");
    }

    @Test
    void resourceCreateUpdatePatchAndDelete() {
        Map<String, Object> ds = dataset(org(), "With resources");
        HookProbe.reset();
        Map<String, Object> r = dict("resource_create", SYSADMIN, map("package_id", ds.get("id"), "name", "data.csv",
                "url", "http://example.org/data.csv"));
        assertThat(only("hooks-a", "before", Entity.RESOURCE, Operation.CREATE).data()).containsEntry("name", "data.csv")
                .containsEntry("package_id", ds.get("id"));
        assertThat(only("hooks-a", "after", Entity.RESOURCE, Operation.CREATE).data()).isEqualTo(r);

        HookProbe.reset();
        dict("resource_patch", SYSADMIN, map("id", r.get("id"), "description", "About"));
        assertThat(HookProbe.briefs()).containsExactly(
                "hooks-b before RESOURCE UPDATE", "hooks-a before RESOURCE UPDATE",
                "hooks-b after RESOURCE UPDATE", "hooks-a after RESOURCE UPDATE");
        assertThat(only("hooks-a", "after", Entity.RESOURCE, Operation.UPDATE).data()).containsEntry("description", "About");

        HookProbe.reset();
        assertThat(invalid("resource_update", SYSADMIN, map("id", r.get("id"), "name", "refused-by-hooks-b",
                "url", "http://example.org/data.csv"))).containsKey("name");
        assertThat(dict("resource_show", SYSADMIN, map("id", r.get("id")))).containsEntry("name", "data.csv");

        HookProbe.reset();
        call("resource_delete", SYSADMIN, map("id", r.get("id")));
        assertThat(only("hooks-b", "before", Entity.RESOURCE, Operation.DELETE).data()).containsEntry("state", "active");
        assertThat(only("hooks-b", "after", Entity.RESOURCE, Operation.DELETE).data()).containsEntry("state", "deleted")
                .containsEntry("id", r.get("id"));
    }

    @Test
    void organizationAndGroupCreateUpdateAndDelete() {
        for (String kind : List.of("organization", "group")) {
            Entity entity = kind.equals("group") ? Entity.GROUP : Entity.ORGANIZATION;
            HookProbe.reset();
            Map<String, Object> g = dict(kind + "_create", SYSADMIN, map("name", unique(kind), "title", "First"));
            assertThat(only("hooks-a", "before", entity, Operation.CREATE).data()).containsEntry("title", "First");
            assertThat(only("hooks-a", "after", entity, Operation.CREATE).data()).containsEntry("id", g.get("id"));

            HookProbe.reset();
            dict(kind + "_update", SYSADMIN, map("id", g.get("id"), "name", g.get("name"), "title", "Second"));
            assertThat(HookProbe.briefs()).containsExactly(
                    "hooks-b before " + entity + " UPDATE", "hooks-a before " + entity + " UPDATE",
                    "hooks-b after " + entity + " UPDATE", "hooks-a after " + entity + " UPDATE");
            assertThat(only("hooks-a", "after", entity, Operation.UPDATE).data()).containsEntry("title", "Second");

            HookProbe.reset();
            call(kind + "_delete", SYSADMIN, map("id", g.get("id")));
            assertThat(only("hooks-a", "before", entity, Operation.DELETE).data()).containsEntry("state", "active");
            assertThat(only("hooks-a", "after", entity, Operation.DELETE).data()).containsEntry("state", "deleted");
            assertThat(only("hooks-a", "after", entity, Operation.DELETE).action()).isEqualTo(kind + "_delete");
        }
        // An organization that cannot be deleted (it owns a dataset): no after event.
        Map<String, Object> org = org();
        dataset(org, "Owned");
        HookProbe.reset();
        failure(ErrorKind.CONFLICT, "organization_delete", SYSADMIN, map("id", org.get("id")));
        assertThat(HookProbe.briefs("after")).isEmpty();
    }

    @Test
    void fileCreatedRenamedPinnedTransferredAndDeleted() {
        Map<String, Object> ds = dataset(org(), "Owner of files");
        HookProbe.reset();
        Map<String, Object> file = dict("files_file_create", SYSADMIN, map("name", "notes.txt", "upload", "hello\n"));
        EntityEvent before = only("hooks-a", "before", Entity.FILE, Operation.CREATE);
        assertThat(before.data()).containsEntry("name", "notes.txt").containsEntry("storage", "default")
                .containsEntry("size", 6L).containsEntry("owner_type", "user").containsEntry("owner_id", SYSADMIN.get().id());
        assertThat(only("hooks-a", "after", Entity.FILE, Operation.CREATE).data()).isEqualTo(file);
        assertThat(only("hooks-a", "after", Entity.FILE, Operation.CREATE).action()).isEqualTo("files_file_create");
        String id = (String) file.get("id");

        HookProbe.reset();
        dict("files_file_rename", SYSADMIN, map("id", id, "name", "renamed.txt"));
        assertThat(only("hooks-b", "before", Entity.FILE, Operation.RENAME).data()).containsEntry("name", "renamed.txt");
        assertThat(only("hooks-b", "after", Entity.FILE, Operation.RENAME).data()).containsEntry("name", "renamed.txt");

        HookProbe.reset();
        Map<String, Object> moved = dict("files_transfer_ownership", SYSADMIN, map("id", id, "owner_type", "package",
                "owner_id", ds.get("name")));
        assertThat(only("hooks-a", "before", Entity.FILE, Operation.TRANSFER).data()).containsEntry("owner_type", "package")
                .containsEntry("owner_id", ds.get("id"));
        assertThat(only("hooks-a", "after", Entity.FILE, Operation.TRANSFER).data()).isEqualTo(moved);

        HookProbe.reset();
        dict("files_file_pin", SYSADMIN, map("id", id));
        dict("files_file_unpin", SYSADMIN, map("id", id));
        assertThat(HookProbe.briefs("after")).containsExactly("hooks-b after FILE PIN", "hooks-a after FILE PIN",
                "hooks-b after FILE UNPIN", "hooks-a after FILE UNPIN");

        HookProbe.reset();
        Map<String, Object> last = dict("files_file_show", SYSADMIN, map("id", id));
        call("files_file_delete", SYSADMIN, map("id", id));
        assertThat(only("hooks-a", "before", Entity.FILE, Operation.DELETE).data()).isEqualTo(last);
        assertThat(only("hooks-a", "after", Entity.FILE, Operation.DELETE).data()).isEqualTo(last);
        notFound("files_file_show", SYSADMIN, map("id", id));
    }

    @Test
    void aRefusedFileIsNotTrackedAndAResourceUploadReportsItsFile() {
        HookProbe.reset();
        long before = ((Number) dict("files_file_search", SYSADMIN, map()).get("count")).longValue();
        assertThat(invalid("files_file_create", SYSADMIN, map("name", "refused-by-hooks-a.txt", "upload", "x")))
                .containsKey("name");
        assertThat(((Number) dict("files_file_search", SYSADMIN, map()).get("count")).longValue()).isEqualTo(before);
        assertThat(HookProbe.briefs("after")).isEmpty();

        Map<String, Object> ds = dataset(org(), "Uploads");
        HookProbe.reset();
        Map<String, Object> r = dict("resource_create", SYSADMIN, map("package_id", ds.get("id"),
                "upload", Upload.of("a,b\n1,2\n".getBytes(StandardCharsets.UTF_8), "data.csv", "text/csv")));
        // The upload becomes a tracked file, named and given to its resource, in the resource's transaction.
        assertThat(HookProbe.briefs("after")).containsExactly(
                "hooks-b after FILE CREATE", "hooks-a after FILE CREATE",
                "hooks-b after FILE RENAME", "hooks-a after FILE RENAME",
                "hooks-b after FILE TRANSFER", "hooks-a after FILE TRANSFER",
                "hooks-b after RESOURCE CREATE", "hooks-a after RESOURCE CREATE");
        assertThat(only("hooks-a", "after", Entity.FILE, Operation.TRANSFER).data()).containsEntry("owner_type", "resource")
                .containsEntry("owner_id", r.get("id")).containsEntry("id", r.get("file_id"));
    }
}
