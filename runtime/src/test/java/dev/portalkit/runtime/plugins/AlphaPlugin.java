package dev.portalkit.runtime.plugins;

import dev.portalkit.api.action.ChainedAction;
import dev.portalkit.api.action.IActions;
import dev.portalkit.api.auth.AuthResult;
import dev.portalkit.api.auth.ChainedAuthFunction;
import dev.portalkit.api.auth.IAuthFunctions;
import dev.portalkit.api.plugin.PortalPlugin;
import dev.portalkit.api.validation.IDatasetForm;
import dev.portalkit.api.validation.IValidators;
import dev.portalkit.api.validation.Validator;
import dev.portalkit.api.validation.Schema;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Map;

/** Test plugin: chains rec_echo and its auth, and modifies the dataset schema. */
@ApplicationScoped
public class AlphaPlugin implements PortalPlugin, IActions, IAuthFunctions, IDatasetForm, IValidators {
    @Override
    public String name() {
        return "alpha";
    }

    @Override
    public Map<String, ChainedAction> chainedActions() {
        return Map.of("rec_echo", ChainRecorder.wrap("alpha"));
    }

    @Override
    public Map<String, ChainedAuthFunction> chainedAuthFunctions() {
        return Map.of("rec_echo", (next, ctx, data) -> {
            ChainRecorder.AUTH_ORDER.add("alpha");
            if ("alpha".equals(data.get("deny_by"))) {
                return AuthResult.deny("alpha says no");
            }
            if ("alpha".equals(data.get("allow_by"))) {
                return AuthResult.allow();
            }
            return next.check(ctx, data);
        });
    }

    @Override
    public Schema createPackageSchema(Schema schema) {
        return schema.append("title", "order_marker_alpha");
    }

    @Override
    public Map<String, Validator> validators() {
        return Map.of("order_marker_alpha", f -> ChainRecorder.SCHEMA_ORDER.add("alpha"));
    }
}
