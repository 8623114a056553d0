package dev.portalkit.api.validation;

/**
 * A named field validator or converter, used in schemas by name. Throw {@link Invalid} to record
 * an error and stop the field's chain, or use {@link Field#error} / {@link Field#stop}.
 */
@FunctionalInterface
public interface Validator {
    void validate(Field field);
}
