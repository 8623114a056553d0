package dev.portalkit.runtime.validation;

import dev.portalkit.api.PortalException;
import dev.portalkit.api.validation.IValidators;
import dev.portalkit.api.validation.Validator;
import dev.portalkit.api.validation.ValidatorFactory;
import dev.portalkit.runtime.plugin.Contributions;
import dev.portalkit.runtime.plugin.PluginSet;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Validators and validator factories by name, from the core and enabled plugins. Resolves
 * expressions such as {@code not_empty} or {@code one_of(draft, active)}.
 */
public final class ValidatorRegistry {
    private final Map<String, Validator> validators = new TreeMap<>();
    private final Map<String, ValidatorFactory> factories = new TreeMap<>();

    public ValidatorRegistry(PluginSet plugins) {
        List<PluginSet.Named<IValidators>> contributors = plugins.implementing(IValidators.class);
        Contributions.collect(contributors, IValidators::validators, "validator")
                .forEach((name, e) -> validators.put(name, e.base()));
        Contributions.collect(contributors, IValidators::validatorFactories, "validator factory")
                .forEach((name, e) -> factories.put(name, e.base()));
        for (String name : factories.keySet()) {
            if (validators.containsKey(name)) {
                throw PortalException.config("'" + name + "' is both a validator and a validator factory");
            }
        }
    }

    /** All names, for error messages and listings. */
    public List<String> names() {
        TreeSet<String> all = new TreeSet<>(validators.keySet());
        all.addAll(factories.keySet());
        return new ArrayList<>(all);
    }

    /**
     * Resolves one expression.
     *
     * @throws IllegalArgumentException naming the problem (unknown name, bad arguments)
     */
    public Validator resolve(String expression) {
        ValidatorExpression parsed = ValidatorExpression.parse(expression);
        if (parsed.arguments() == null) {
            Validator v = validators.get(parsed.name());
            if (v != null) {
                return v;
            }
            if (factories.containsKey(parsed.name())) {
                throw new IllegalArgumentException("validator factory '" + parsed.name() + "' needs arguments: "
                        + parsed.name() + "(...)");
            }
        } else {
            ValidatorFactory factory = factories.get(parsed.name());
            if (factory != null) {
                try {
                    return factory.create(parsed.arguments());
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException(expression + ": " + e.getMessage());
                }
            }
            if (validators.containsKey(parsed.name())) {
                throw new IllegalArgumentException("validator '" + parsed.name() + "' takes no arguments");
            }
        }
        throw new IllegalArgumentException("unknown validator '" + parsed.name() + "'");
    }
}
