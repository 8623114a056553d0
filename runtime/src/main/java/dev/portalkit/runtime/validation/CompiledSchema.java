package dev.portalkit.runtime.validation;

import dev.portalkit.api.PortalException;
import dev.portalkit.api.ValidationException;
import dev.portalkit.api.action.ActionContext;
import dev.portalkit.api.validation.ValidatedField;
import dev.portalkit.api.validation.FieldRule;
import dev.portalkit.api.validation.Invalid;
import dev.portalkit.api.validation.Schema;
import dev.portalkit.api.validation.Validator;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A {@link Schema} with every validator expression resolved, so a bad name fails at start, and
 * the engine that applies it: fields in schema order, each through its chain; nested lists item
 * by item; errors collected per field (nested: one error map per item).
 */
public final class CompiledSchema {
    private record CompiledField(List<Validator> chain, CompiledSchema nested) {
    }

    private final Map<String, CompiledField> fields = new LinkedHashMap<>();
    private final Schema.UnknownFields unknown;

    private CompiledSchema(Schema.UnknownFields unknown) {
        this.unknown = unknown;
    }

    /**
     * @param where a label for errors, e.g. {@code "schema package_create"}
     * @throws PortalException CONFIG_INVALID naming the schema, field and problem
     */
    public static CompiledSchema compile(Schema schema, ValidatorRegistry registry, String where) {
        CompiledSchema out = new CompiledSchema(schema.unknown());
        for (Map.Entry<String, FieldRule> e : schema.fields().entrySet()) {
            List<Validator> chain = new ArrayList<>();
            for (String expression : e.getValue().validators()) {
                try {
                    chain.add(registry.resolve(expression));
                } catch (IllegalArgumentException problem) {
                    throw PortalException.config(where + ", field '" + e.getKey() + "': " + problem.getMessage()
                            + " (known validators: " + String.join(", ", registry.names()) + ")");
                }
            }
            CompiledSchema nested = e.getValue().nested() == null ? null
                    : compile(e.getValue().nested(), registry, where + "." + e.getKey());
            out.fields.put(e.getKey(), new CompiledField(chain, nested));
        }
        return out;
    }

    /**
     * Validates and converts {@code data}.
     *
     * @throws ValidationException with every field's errors
     */
    public Map<String, Object> validate(Map<String, Object> data, ActionContext context) {
        Map<String, Object> errors = new LinkedHashMap<>();
        Map<String, Object> out = apply(data == null ? Map.of() : data, "", context, errors);
        if (!errors.isEmpty()) {
            throw new ValidationException(errors);
        }
        return out;
    }

    private Map<String, Object> apply(Map<String, Object> data, String prefix, ActionContext context, Map<String, Object> errors) {
        Map<String, Object> work = new LinkedHashMap<>(data);
        for (Map.Entry<String, CompiledField> e : fields.entrySet()) {
            String name = e.getKey();
            FieldState field = new FieldState(name, prefix + name, work, context);
            for (Validator validator : e.getValue().chain()) {
                try {
                    validator.validate(field);
                } catch (Invalid invalid) {
                    field.error(invalid.getMessage());
                    field.stop();
                }
                if (field.stopped) {
                    break;
                }
            }
            CompiledSchema nested = e.getValue().nested();
            if (nested != null && !field.stopped && field.errors.isEmpty() && work.containsKey(name) && work.get(name) != null) {
                Object value = work.get(name);
                if (!(value instanceof List<?> items)) {
                    field.error("Must be a list");
                } else {
                    List<Object> converted = new ArrayList<>();
                    List<Object> itemErrors = new ArrayList<>();
                    boolean anyError = false;
                    for (int i = 0; i < items.size(); i++) {
                        Object item = items.get(i);
                        Map<String, Object> one = new LinkedHashMap<>();
                        if (item instanceof Map<?, ?> map) {
                            @SuppressWarnings("unchecked")
                            Map<String, Object> typed = (Map<String, Object>) map;
                            converted.add(nested.apply(typed, prefix + name + "." + i + ".", context, one));
                        } else {
                            one.put("__type", List.of("Must be an object"));
                            converted.add(item);
                        }
                        anyError |= !one.isEmpty();
                        itemErrors.add(one);
                    }
                    work.put(name, converted);
                    if (anyError) {
                        errors.put(name, itemErrors);
                    }
                }
            }
            if (!field.errors.isEmpty()) {
                errors.put(name, List.copyOf(field.errors));
            }
        }
        Map<String, Object> out = new LinkedHashMap<>();
        for (Map.Entry<String, Object> e : work.entrySet()) {
            if (fields.containsKey(e.getKey()) || unknown == Schema.UnknownFields.KEEP) {
                out.put(e.getKey(), e.getValue());
            } else if (unknown == Schema.UnknownFields.REJECT) {
                errors.put(e.getKey(), List.of("The input field " + e.getKey() + " was not expected."));
            }
        }
        return out;
    }

    private static final class FieldState implements ValidatedField {
        private final String name;
        private final String path;
        private final Map<String, Object> work;
        private final ActionContext context;
        private final List<String> errors = new ArrayList<>();
        private boolean stopped;

        FieldState(String name, String path, Map<String, Object> work, ActionContext context) {
            this.name = name;
            this.path = path;
            this.work = work;
            this.context = context;
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public String path() {
            return path;
        }

        @Override
        public boolean isMissing() {
            return !work.containsKey(name);
        }

        @Override
        public Object value() {
            return work.get(name);
        }

        @Override
        public void set(Object value) {
            work.put(name, value);
        }

        @Override
        public void remove() {
            work.remove(name);
        }

        @Override
        public Map<String, Object> data() {
            return work;
        }

        @Override
        public void error(String message) {
            errors.add(message);
        }

        @Override
        public void stop() {
            stopped = true;
        }

        @Override
        public ActionContext context() {
            return context;
        }
    }
}
