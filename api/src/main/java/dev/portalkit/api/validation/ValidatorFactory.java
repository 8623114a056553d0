package dev.portalkit.api.validation;

import java.util.List;

/**
 * Makes a validator from arguments written in the schema, as in
 * {@code accept_file_with_type("image")} or {@code one_of(draft, active)}. Arguments arrive as
 * strings without their quotes. Throw {@link IllegalArgumentException} for bad arguments: start
 * fails naming the schema field.
 */
@FunctionalInterface
public interface ValidatorFactory {
    Validator create(List<String> arguments);
}
