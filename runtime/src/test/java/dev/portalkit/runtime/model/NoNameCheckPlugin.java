package dev.portalkit.runtime.model;

import dev.portalkit.api.plugin.PortalPlugin;
import dev.portalkit.api.validation.IValidators;
import dev.portalkit.api.validation.Validator;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Map;

/** A test plugin (enabled as "no-name-check") that replaces the model's package_name_validator with a no-op. */
@ApplicationScoped
public class NoNameCheckPlugin implements PortalPlugin, IValidators {
    @Override
    public String name() {
        return "no-name-check";
    }

    @Override
    public Map<String, Validator> validators() {
        return Map.of("package_name_validator", field -> { });
    }
}
