package dev.portalkit.integration.testing;

import dev.portalkit.api.action.ActionContext;
import dev.portalkit.api.auth.AuthResult;
import dev.portalkit.api.auth.ChainedAuthFunction;
import dev.portalkit.api.auth.IAuthFunctions;
import dev.portalkit.api.plugin.PortalPlugin;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.Map;

/**
 * Test plugin in the manner of CKAN extensions that lock datasets: it chains only
 * {@code package_update}, refusing every change to a dataset with the extra {@code locked = true}. CKAN's auth functions of resources and of package_delete defer to package_update,
 * so the lock covers them too.
 */
@ApplicationScoped
public class DatasetLockPlugin implements PortalPlugin, IAuthFunctions {
    public static final String NAME = "dataset-lock";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Map<String, ChainedAuthFunction> chainedAuthFunctions() {
        return Map.of("package_update", DatasetLockPlugin::unlessLocked);
    }

    private static AuthResult unlessLocked(dev.portalkit.api.auth.AuthFunction next, ActionContext ctx, Map<String, Object> data) {
        Object id = data.get("id");
        if (id != null) {
            Object dataset = ctx.withIgnoreAuth(true).call("package_show", Map.of("id", id));
            if (dataset instanceof Map<?, ?> d && d.get("extras") instanceof List<?> extras && extras.stream().anyMatch(
                    e -> e instanceof Map<?, ?> extra && "locked".equals(extra.get("key")) && "true".equals(extra.get("value")))) {
                return AuthResult.deny("dataset " + d.get("name") + " is locked");
            }
        }
        return next.check(ctx, data);
    }
}
