package dev.portalkit.runtime.model;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portalkit.runtime.testing.TestDb;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/** The portal.auth switches about users, turned the other way. */
@ParameterizedClass(name = "{0}")
@EnumSource(TestDb.class)
class UserRegistrationTest extends ModelTestBase {
    @Override
    protected Map<String, String> options() {
        return Map.of(ModelConfig.CREATE_USER_VIA_API, "true", ModelConfig.PUBLIC_USER_DETAILS, "false",
                ModelConfig.USER_CREATE_ORGANIZATIONS, "false");
    }

    @Test
    void anyoneRegistersButCannotMakeThemselvesSysadmin() {
        String name = unique("selfmade");
        Map<String, Object> user = dict("user_create", ANONYMOUS, map("name", name, "email", name + "@example.org",
                "password", "long enough", "sysadmin", true, "state", "pending"));
        assertThat(user).containsEntry("sysadmin", false).containsEntry("state", "active");
    }

    @Test
    void userDetailsNeedALogin() {
        var user = newUser("private");
        assertThat(denied("user_show", ANONYMOUS, map("id", user.get().id())).getMessage()).contains("portal.auth.public_user_details");
        denied("user_list", ANONYMOUS, map());
        assertThat(dict("user_show", newUser("peer"), map("id", user.get().id()))).containsEntry("name", user.get().name());
    }

    @Test
    void organizationsAreForSysadminsToCreate() {
        denied("organization_create", newUser("wannabe"), map("name", unique("org")));
        assertThat(newOrg(SYSADMIN)).containsEntry("is_organization", true);
        assertThat(dict("group_create", newUser("grouper"), map("name", unique("grp")))).containsEntry("is_organization", false);
    }
}
