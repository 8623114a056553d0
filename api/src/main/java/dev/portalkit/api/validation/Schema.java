package dev.portalkit.api.validation;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An immutable validation schema: field name to {@link FieldRule}, in order. Schema modifiers
 * ({@link IDatasetForm}, {@link IGroupForm}, {@link IUserForm}) return changed copies made with
 * the {@code with*} methods.
 *
 * @param fields  rules by field name
 * @param unknown what happens to input keys the schema does not name
 */
public record Schema(Map<String, FieldRule> fields, UnknownFields unknown) {
    /** Treatment of input keys that the schema does not name. */
    public enum UnknownFields {
        /** Dropped from the output (CKAN's behaviour for most schemas). */
        IGNORE,
        /** Passed through unchanged. */
        KEEP,
        /** An error on that key: "The input field X was not expected." */
        REJECT
    }

    public Schema {
        fields = Collections.unmodifiableMap(new LinkedHashMap<>(fields));
    }

    /** An empty schema that ignores unknown keys. */
    public static Schema empty() {
        return new Schema(Map.of(), UnknownFields.IGNORE);
    }

    /** This schema with {@code field} validated by {@code validators} (replacing any rule it had). */
    public Schema with(String field, String... validators) {
        return put(field, new FieldRule(Arrays.asList(validators), null));
    }

    /** This schema with {@code field} as a list of objects, each validated by {@code nested}. */
    public Schema withNested(String field, Schema nested, String... validators) {
        return put(field, new FieldRule(Arrays.asList(validators), nested));
    }

    /** This schema with {@code validators} added at the end of {@code field}'s chain (created if absent). */
    public Schema append(String field, String... validators) {
        FieldRule old = fields.get(field);
        List<String> chain = new ArrayList<>(old == null ? List.of() : old.validators());
        chain.addAll(Arrays.asList(validators));
        return put(field, new FieldRule(chain, old == null ? null : old.nested()));
    }

    /** This schema with {@code validators} added at the start of {@code field}'s chain (created if absent). */
    public Schema prepend(String field, String... validators) {
        FieldRule old = fields.get(field);
        List<String> chain = new ArrayList<>(Arrays.asList(validators));
        if (old != null) {
            chain.addAll(old.validators());
        }
        return put(field, new FieldRule(chain, old == null ? null : old.nested()));
    }

    /** This schema without {@code field}. */
    public Schema without(String field) {
        Map<String, FieldRule> copy = new LinkedHashMap<>(fields);
        copy.remove(field);
        return new Schema(copy, unknown);
    }

    /** The nested schema of a list field, or {@code null}. */
    public Schema nested(String field) {
        FieldRule rule = fields.get(field);
        return rule == null ? null : rule.nested();
    }

    /** This schema with the nested schema of {@code field} replaced (the field's own chain kept). */
    public Schema withNestedSchema(String field, Schema nested) {
        FieldRule old = fields.get(field);
        return put(field, new FieldRule(old == null ? List.of() : old.validators(), nested));
    }

    /** This schema with another treatment of unknown keys. */
    public Schema withUnknown(UnknownFields treatment) {
        return new Schema(fields, treatment);
    }

    private Schema put(String field, FieldRule rule) {
        Map<String, FieldRule> copy = new LinkedHashMap<>(fields);
        copy.put(field, rule);
        return new Schema(copy, unknown);
    }
}
