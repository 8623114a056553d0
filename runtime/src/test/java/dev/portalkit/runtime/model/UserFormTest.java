package dev.portalkit.runtime.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.portalkit.api.ValidationException;
import dev.portalkit.runtime.testing.TestPortal;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** IUserForm: a plugin's field on the user schemas is validated by its validator, stored and shown; without the plugin it is neither checked nor kept. */
class UserFormTest {
    @Test
    void aPluginsUserFieldIsValidatedStoredAndShown() {
        try (TestPortal portal = TestPortal.builder().plugins("user-form-probe").option("portal.auth.password_iterations", "1000").start()) {
            Map<String, Object> created = call(portal, "user_create", user("ada", "0000-0002-1825-0097"));
            assertThat(created).containsEntry("orcid", "0000-0002-1825-0097");
            assertThat(call(portal, "user_show", Map.of("id", "ada"))).containsEntry("orcid", "0000-0002-1825-0097");
            assertThatThrownBy(() -> call(portal, "user_create", user("bob", "not-an-orcid")))
                    .isInstanceOfSatisfying(ValidationException.class, e -> assertThat(e.errors())
                            .containsEntry("orcid", List.of("Not an ORCID iD (0000-0002-1825-0097): not-an-orcid")));
            // user_update runs the plugin's update schema.
            assertThatThrownBy(() -> call(portal, "user_update", Map.of("id", created.get("id"), "orcid", "1234")))
                    .isInstanceOfSatisfying(ValidationException.class, e -> assertThat(e.errors()).containsKey("orcid"));
            assertThat(call(portal, "user_update", Map.of("id", created.get("id"), "orcid", "0000-0001-5109-3700")))
                    .containsEntry("orcid", "0000-0001-5109-3700");
        }
        try (TestPortal portal = TestPortal.builder().option("portal.auth.password_iterations", "1000").start()) {
            // Without the plugin the user schema does not know the field: it is neither checked nor kept.
            assertThat(call(portal, "user_create", user("bob", "not-an-orcid"))).doesNotContainKey("orcid");
        }
    }

    private static Map<String, Object> user(String name, String orcid) {
        return Map.of("name", name, "email", name + "@example.org", "password", "correct horse battery", "orcid", orcid);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> call(TestPortal portal, String action, Map<String, Object> data) {
        return (Map<String, Object>) portal.call(action, TestPortal.SYSADMIN, new LinkedHashMap<>(data));
    }
}
