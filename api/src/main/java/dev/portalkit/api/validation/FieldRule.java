package dev.portalkit.api.validation;

import java.util.List;

/**
 * How one field is validated.
 *
 * @param validators validator expressions in chain order: a name ({@code "not_empty"}) or a
 *                   factory call ({@code "one_of(draft, active)"}, {@code "default(\"x\")"})
 * @param nested     for a list of objects (a dataset's {@code resources}), the schema every item
 *                   is validated against after {@code validators} ran on the list; else {@code null}
 */
public record FieldRule(List<String> validators, Schema nested) {
    public FieldRule {
        validators = List.copyOf(validators);
    }
}
