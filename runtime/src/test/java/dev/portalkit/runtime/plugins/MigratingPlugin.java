package dev.portalkit.runtime.plugins;

import dev.portalkit.api.PortalException;
import dev.portalkit.api.action.Action;
import dev.portalkit.api.action.IActions;
import dev.portalkit.api.auth.AuthFunction;
import dev.portalkit.api.auth.AuthResult;
import dev.portalkit.api.auth.IAuthFunctions;
import dev.portalkit.api.plugin.IMigrations;
import dev.portalkit.api.plugin.PortalPlugin;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Map;

/** Test plugin with migrations of its own and actions writing through the action's transaction. */
@ApplicationScoped
public class MigratingPlugin implements PortalPlugin, IMigrations, IActions, IAuthFunctions {
    @Override
    public String name() {
        return "migrating";
    }

    @Override
    public String migrationLocation() {
        return "db/migration/migrating";
    }

    @Override
    public Map<String, Action> actions() {
        return Map.of(
                "mig_insert", (ctx, data) -> {
                    try (PreparedStatement ps = ctx.jdbc().prepareStatement("INSERT INTO migrating_item (name, note) VALUES (?, ?)")) {
                        ps.setString(1, (String) data.get("name"));
                        ps.setString(2, "v2 column");
                        ps.executeUpdate();
                    } catch (SQLException e) {
                        throw PortalException.badRequest("insert failed: " + e.getMessage());
                    }
                    if (Boolean.TRUE.equals(data.get("fail"))) {
                        throw PortalException.badRequest("inner failure");
                    }
                    return data.get("name");
                },
                "mig_insert_twice", (ctx, data) -> {
                    ctx.call("mig_insert", Map.of("name", data.get("name") + "-1"));
                    ctx.call("mig_insert", Map.of("name", data.get("name") + "-2"));
                    if (Boolean.TRUE.equals(data.get("fail"))) {
                        throw PortalException.badRequest("outer failure");
                    }
                    return 2;
                },
                "mig_count", (ctx, data) -> {
                    try (ResultSet rs = ctx.jdbc().createStatement().executeQuery("SELECT COUNT(*) FROM migrating_item")) {
                        rs.next();
                        return rs.getInt(1);
                    } catch (SQLException e) {
                        throw PortalException.badRequest("count failed: " + e.getMessage());
                    }
                });
    }

    @Override
    public Map<String, AuthFunction> authFunctions() {
        return Map.of("mig_insert", AuthFunction.allowAnonymous((c, d) -> AuthResult.allow()),
                "mig_insert_twice", AuthFunction.allowAnonymous((c, d) -> AuthResult.allow()),
                "mig_count", AuthFunction.allowAnonymous((c, d) -> AuthResult.allow()));
    }
}
