package dev.portalkit.runtime.model;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portalkit.runtime.testing.TestDb;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/** Validators of the effective dataset schema queue tasks that run after package_create / package_update commit. */
@ParameterizedClass(name = "{0}")
@EnumSource(TestDb.class)
class PostCommitTaskTest extends ModelTestBase {
    @Override
    protected Map<String, String> options() {
        return Map.of("portal.plugins", "task-probe");
    }

    @Test
    void tasksRunAfterCommitWithTheDatasetAndVanishOnFailure() {
        var editor = newUser("editor");
        Map<String, Object> org = newOrg(editor);
        String name = unique("attached");
        TaskProbePlugin.RAN.clear();
        Map<String, Object> ds = dict("package_create", editor, map("name", name, "owner_org", org.get("id"), "attachment", "file-1"));
        assertThat(ds).containsEntry("attachment", "file-1");
        assertThat(TaskProbePlugin.RAN).containsExactly(name + ":file-1:file-1");

        dict("package_patch", editor, map("id", name, "attachment", "file-2"));
        assertThat(TaskProbePlugin.RAN).containsExactly(name + ":file-1:file-1", name + ":file-2:file-2");

        invalid("package_create", editor, map("name", name, "owner_org", org.get("id"), "attachment", "file-3"));
        assertThat(TaskProbePlugin.RAN).hasSize(2);
    }
}
