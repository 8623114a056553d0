package dev.portalkit.runtime.model;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portalkit.api.ErrorKind;
import dev.portalkit.api.action.UserRef;
import dev.portalkit.runtime.ApiTokenAuthenticator;
import dev.portalkit.runtime.testing.TestDb;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

@ParameterizedClass(name = "{0}")
@EnumSource(TestDb.class)
class ApiTokenTest extends ModelTestBase {
    private ApiTokenAuthenticator authenticator() {
        return portal.container().bean(ApiTokenAuthenticator.class);
    }

    private Map<String, Object> createToken(Optional<UserRef> caller, UserRef owner) {
        return dict("api_token_create", caller, map("user", owner.name(), "name", "laptop"));
    }

    @Test
    void createAuthenticateRevoke() throws SQLException {
        Optional<UserRef> gina = newUser("gina");
        Map<String, Object> created = createToken(gina, gina.get());
        String token = (String) created.get("token");
        assertThat(token).startsWith(ApiTokens.PREFIX).hasSizeGreaterThan(40);
        assertThat(created).containsEntry("name", "laptop").containsEntry("user_id", gina.get().id()).containsKeys("id", "created_at");

        assertThat(authenticator().authenticate(token)).isEqualTo(gina);
        assertThat(authenticator().authenticate("Bearer " + token)).isEqualTo(gina);
        assertThat(authenticator().authenticate("  bearer   " + token + " ")).isEqualTo(gina);

        List<Map<String, Object>> listed = dicts("api_token_list", gina, map("user_id", gina.get().name()));
        assertThat(listed).singleElement().satisfies(t ->
                assertThat(t).containsEntry("id", created.get("id")).doesNotContainKey("token"));
        assertThat(storedValues((String) created.get("id"))).doesNotContain(token).contains(ApiTokens.hash(token));

        assertThat(call("api_token_revoke", gina, map("jti", created.get("id")))).isNull();
        assertThat(authenticator().authenticate(token)).isEmpty();
        assertThat(dicts("api_token_list", gina, map("user", gina.get().id()))).isEmpty();
        notFound("api_token_revoke", gina, map("id", created.get("id")));
    }

    @Test
    void revokeByTheTokenItself() {
        Optional<UserRef> hal = newUser("hal");
        String token = (String) createToken(hal, hal.get()).get("token");
        assertThat(call("api_token_revoke", hal, map("token", token))).isNull();
        assertThat(authenticator().authenticate(token)).isEmpty();
        notFound("api_token_revoke", hal, map("token", token));
        assertThat(invalid("api_token_revoke", hal, map())).containsKey("token");
    }

    @Test
    void unknownOrMalformedTokensAuthenticateNobody() {
        assertThat(authenticator().authenticate(null)).isEmpty();
        assertThat(authenticator().authenticate("")).isEmpty();
        assertThat(authenticator().authenticate("Bearer ")).isEmpty();
        assertThat(authenticator().authenticate(ApiTokens.PREFIX + "not-a-real-token")).isEmpty();
        assertThat(authenticator().authenticate("Basic dXNlcjpwYXNz")).isEmpty();
    }

    @Test
    void deletedUsersTokensStopWorking() {
        Optional<UserRef> ivan = newUser("ivan");
        String token = (String) createToken(ivan, ivan.get()).get("token");
        assertThat(authenticator().authenticate(token)).isEqualTo(ivan);
        call("user_delete", SYSADMIN, map("id", ivan.get().id()));
        assertThat(authenticator().authenticate(token)).isEmpty();
        assertThat(failure("api_token_create", SYSADMIN, map("user", ivan.get().id(), "name", "again")).kind())
                .isEqualTo(ErrorKind.CONFLICT);
    }

    @Test
    void usersManageOnlyTheirOwnTokens() {
        Optional<UserRef> judy = newUser("judy");
        Optional<UserRef> mallory = newUser("mallory");
        Map<String, Object> created = createToken(judy, judy.get());
        denied("api_token_create", mallory, map("user", judy.get().name(), "name", "stolen"));
        denied("api_token_create", ANONYMOUS, map("user", judy.get().name(), "name", "stolen"));
        denied("api_token_list", mallory, map("user_id", judy.get().id()));
        denied("api_token_revoke", mallory, map("id", created.get("id")));
        assertThat(authenticator().authenticate((String) created.get("token"))).isEqualTo(judy);

        Optional<UserRef> root = newSysadmin();
        Map<String, Object> forJudy = createToken(root, judy.get());
        assertThat(authenticator().authenticate((String) forJudy.get("token"))).isEqualTo(judy);
        assertThat(dicts("api_token_list", root, map("user_id", judy.get().id()))).hasSize(2);
        call("api_token_revoke", root, map("id", forJudy.get("id")));
        assertThat(authenticator().authenticate(root.get().name())).isEmpty();

        Map<String, Object> sysToken = createToken(root, root.get());
        assertThat(authenticator().authenticate((String) sysToken.get("token"))).isEqualTo(root);

        assertThat(invalid("api_token_create", judy, map("user", judy.get().name()))).containsEntry("name", List.of("Missing value"));
        notFound("api_token_create", SYSADMIN, map("user", "nobody-at-all", "name", "x"));
    }

    /** Every column value of the token's row, as text. */
    private List<String> storedValues(String id) throws SQLException {
        List<String> values = new ArrayList<>();
        try (Connection c = portal.portal().database().dataSource().getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT * FROM portal_api_token WHERE id = ?")) {
            ps.setString(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                assertThat(rs.next()).isTrue();
                for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) {
                    values.add(rs.getString(i));
                }
            }
            c.rollback();
        }
        return values;
    }
}
