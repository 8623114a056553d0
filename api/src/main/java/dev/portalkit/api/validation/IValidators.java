package dev.portalkit.api.validation;

import java.util.Map;

/**
 * Extension point: named validators and validator factories, looked up by name from schemas.
 * A name may be defined once across all enabled plugins and the core, unless a plugin
 * deliberately replaces a core validator (plugins override built-ins; two plugins defining the
 * same name fail start).
 */
public interface IValidators {
    default Map<String, Validator> validators() {
        return Map.of();
    }

    default Map<String, ValidatorFactory> validatorFactories() {
        return Map.of();
    }
}
