package dev.portalkit.runtime.model;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portalkit.api.ErrorKind;
import dev.portalkit.runtime.testing.TestDb;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * When the uniqueness validator does not catch a duplicate (a concurrent create, or a plugin that
 * replaced it), the database's constraint does, and the caller gets a CONFLICT, not an internal error.
 */
@ParameterizedClass(name = "{0}")
@EnumSource(TestDb.class)
class ConstraintConflictTest extends ModelTestBase {
    @Override
    protected Map<String, String> options() {
        return Map.of("portal.plugins", "no-name-check");
    }

    @Test
    void duplicateNameIsAConflict() {
        Map<String, Object> org = newOrg(SYSADMIN);
        String name = unique("twice");
        call("package_create", SYSADMIN, map("name", name, "owner_org", org.get("id")));
        var e = failure("package_create", SYSADMIN, map("name", name, "owner_org", org.get("id"), "title", "second"));
        assertThat(e.kind()).isEqualTo(ErrorKind.CONFLICT);
        assertThat(dict("package_show", ANONYMOUS, map("id", name))).containsEntry("title", null);
    }
}
