package dev.portalkit.integration.testing;

import dev.portalkit.api.action.Action;
import dev.portalkit.api.action.IActions;
import dev.portalkit.api.plugin.PortalPlugin;
import dev.portalkit.api.validation.IDatasetForm;
import dev.portalkit.api.validation.Schema;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Map;

/**
 * Test plugin for the API description: a documented action with its own schema, an undocumented
 * one, and a change of the dataset schema (a field every dataset may carry).
 */
@ApplicationScoped
public class ApiDescriptionProbePlugin implements PortalPlugin, IActions, IDatasetForm {
    public static final String NAME = "api-description-probe";
    public static final String DOC = "Echoes a word.\n\nParameters: word (required); times (default 1).\nReturns: the word.\nWho: anyone.";
    static final Schema ECHO = Schema.empty()
            .with("word", "not_empty", "unicode_safe")
            .with("times", "default(1)", "int_validator")
            .with("tone", "ignore_missing", "one_of(calm, loud)");

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Map<String, Action> actions() {
        return Map.of(
                "probe_echo", Action.documented(DOC, Action.validating(ECHO, Action.sideEffectFree((ctx, data) -> ctx.validate(ECHO, data).get("word")))),
                "probe_undocumented", (ctx, data) -> null);
    }

    @Override
    public Schema createPackageSchema(Schema schema) {
        return schema.with("probe_colour", "ignore_missing", "one_of(red, green)");
    }
}
