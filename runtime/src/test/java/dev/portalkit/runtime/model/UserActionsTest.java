package dev.portalkit.runtime.model;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portalkit.api.action.UserRef;
import dev.portalkit.runtime.testing.TestDb;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

@SuppressWarnings("unchecked")
@ParameterizedClass(name = "{0}")
@EnumSource(TestDb.class)
class UserActionsTest extends ModelTestBase {
    @Test
    void createShowsNoSecretsAndEmailOnlyToSelfAndSysadmins() {
        String name = unique("carol");
        Map<String, Object> created = dict("user_create", SYSADMIN, map("name", name, "email", name + "@example.org",
                "password", "s3cret-enough", "fullname", "Carol C", "about", "Hi"));
        assertThat(created).containsEntry("name", name).containsEntry("email", name + "@example.org")
                .containsEntry("display_name", "Carol C").containsEntry("sysadmin", false).containsEntry("state", "active")
                .doesNotContainKeys("password", "password_hash");
        assertThat(created.values()).noneMatch(v -> String.valueOf(v).contains("pbkdf2"));
        Optional<UserRef> carol = Optional.of(new UserRef((String) created.get("id"), name, false));

        assertThat(dict("user_show", ANONYMOUS, map("id", name))).doesNotContainKeys("email", "password", "password_hash")
                .containsEntry("id", created.get("id"));
        assertThat(dict("user_show", newUser("other"), map("id", created.get("id")))).doesNotContainKey("email");
        assertThat(dict("user_show", carol, map("id", name))).containsEntry("email", name + "@example.org");
        assertThat(dict("user_show", newSysadmin(), map("id", name))).containsEntry("email", name + "@example.org");
        assertThat(dicts("user_list", ANONYMOUS, map("q", name))).singleElement().satisfies(u ->
                assertThat(u).doesNotContainKeys("email", "password_hash").containsEntry("name", name));
    }

    @Test
    void createRejectsBadInputAndChangesNothing() {
        Map<String, Object> existing = dict("user_create", SYSADMIN, map("name", unique("taken"), "email", unique("e") + "@example.org",
                "password", "long enough"));
        String name = unique("fresh");
        assertThat(invalid("user_create", SYSADMIN, map("email", "a@example.org", "password", "long enough")))
                .containsEntry("name", List.of("Missing value"));
        assertThat(invalid("user_create", SYSADMIN, map("name", name, "password", "long enough"))).containsEntry("email", List.of("Missing value"));
        assertThat(invalid("user_create", SYSADMIN, map("name", name, "email", "not-an-email", "password", "long enough")))
                .containsKey("email");
        assertThat(invalid("user_create", SYSADMIN, map("name", name, "email", name + "@example.org", "password", "short")))
                .containsEntry("password", List.of("Your password must be 8 characters or longer"));
        assertThat(invalid("user_create", SYSADMIN, map("name", existing.get("name"), "email", name + "@example.org",
                "password", "long enough"))).containsEntry("name", List.of("That login name is not available."));
        assertThat(invalid("user_create", SYSADMIN, map("name", name, "email", ((String) existing.get("email")).toUpperCase(),
                "password", "long enough"))).containsKey("email");
        assertThat(invalid("user_create", SYSADMIN, map("name", List.of("x"), "email", name + "@example.org", "password", "long enough")))
                .containsKey("name");
        notFound("user_show", ANONYMOUS, map("id", name));
    }

    @Test
    void anonymousCannotCreateUsersByDefault() {
        String name = unique("anon");
        assertThat(denied("user_create", ANONYMOUS, map("name", name, "email", name + "@example.org", "password", "long enough"))
                .getMessage()).contains("portal.auth.create_user_via_api");
        denied("user_create", newUser("plain"), map("name", name, "email", name + "@example.org", "password", "long enough"));
    }

    @Test
    void usersUpdateThemselvesOnly() {
        Optional<UserRef> dave = newUser("dave");
        Optional<UserRef> eve = newUser("eve");
        Map<String, Object> updated = dict("user_update", dave, map("id", dave.get().name(), "fullname", "Dave D", "sysadmin", true,
                "state", "deleted"));
        assertThat(updated).containsEntry("fullname", "Dave D").containsEntry("sysadmin", false).containsEntry("state", "active")
                .containsEntry("email", dave.get().name() + "@example.org");
        denied("user_update", eve, map("id", dave.get().id(), "fullname", "Hacked"));
        denied("user_update", ANONYMOUS, map("id", dave.get().id(), "fullname", "Hacked"));
        assertThat(invalid("user_update", dave, map("id", dave.get().id(), "name", eve.get().name())))
                .containsEntry("name", List.of("That login name is not available."));
        assertThat(invalid("user_update", dave, map("id", dave.get().id(), "password", "short"))).containsKey("password");
        notFound("user_update", SYSADMIN, map("id", "nobody-here"));
        assertThat(dict("user_show", ANONYMOUS, map("id", dave.get().id()))).containsEntry("fullname", "Dave D")
                .containsEntry("name", dave.get().name());

        var authenticator = portal.container().bean(DatabaseApiTokenAuthenticator.class);
        assertThat(invalid("user_update", dave, map("id", dave.get().id(), "password", "a new password")))
                .containsKey("old_password");
        assertThat(invalid("user_update", dave, map("id", dave.get().id(), "password", "a new password",
                "old_password", "not my password"))).containsEntry("old_password", List.of("Password entered was incorrect"));
        assertThat(authenticator.authenticatePassword(dave.get().name(), "correct horse battery", null)).contains(dave.get());
        dict("user_update", dave, map("id", dave.get().id(), "password", "a new password", "old_password", "correct horse battery"));
        assertThat(authenticator.authenticatePassword(dave.get().name(), "a new password", null)).contains(dave.get());
        assertThat(authenticator.authenticatePassword(dave.get().name(), "correct horse battery", null)).isEmpty();

        Map<String, Object> promoted = dict("user_update", SYSADMIN, map("id", eve.get().id(), "sysadmin", true));
        assertThat(promoted).containsEntry("sysadmin", true);
    }

    @Test
    void onlySysadminsDeleteUsers() {
        Optional<UserRef> frank = newUser("frank");
        Map<String, Object> org = newOrg(frank);
        denied("user_delete", frank, map("id", frank.get().id()));
        denied("user_delete", ANONYMOUS, map("id", frank.get().id()));
        assertThat(call("user_delete", newSysadmin(), map("id", frank.get().name()))).isNull();
        assertThat(dict("user_show", SYSADMIN, map("id", frank.get().id()))).containsEntry("state", "deleted");
        assertThat((List<Object>) call("user_list", ANONYMOUS, map("all_fields", false))).doesNotContain((Object) frank.get().name());
        assertThat(dict("organization_show", ANONYMOUS, map("id", org.get("id"))).get("users")).isEqualTo(List.of());
        notFound("user_delete", SYSADMIN, map("id", "nobody-here"));
    }

    @Test
    void listFiltersOrdersAndPages() {
        String prefix = unique("lister");
        for (String suffix : List.of("b", "a", "c")) {
            dict("user_create", SYSADMIN, map("name", prefix + "-" + suffix, "email", prefix + suffix + "@example.org",
                    "password", "long enough"));
        }
        assertThat((List<Object>) call("user_list", ANONYMOUS, map("q", prefix, "all_fields", false)))
                .containsExactly(prefix + "-a", prefix + "-b", prefix + "-c");
        assertThat((List<Object>) call("user_list", ANONYMOUS, map("q", prefix, "all_fields", "false", "limit", 1, "offset", 1)))
                .containsExactly(prefix + "-b");
        assertThat(invalid("user_list", ANONYMOUS, map("order_by", "password"))).containsKey("order_by");
    }
}
