package dev.portalkit.api.validation;

/**
 * A named field validator or converter, used in schemas by name. Throw {@link Invalid} to record
 * an error and stop the field's chain, or use {@link ValidatedField#error} / {@link ValidatedField#stop}.
 */
@FunctionalInterface
public interface Validator {
    void validate(ValidatedField field);
}
