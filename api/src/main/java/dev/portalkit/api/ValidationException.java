package dev.portalkit.api;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Input failed validation. {@link #errors()} maps each failing field to its messages; a nested
 * list field (such as a dataset's {@code resources}) maps to a list with one error map per item
 * (empty maps for valid items), as CKAN reports them.
 */
public class ValidationException extends PortalException {
    private final Map<String, Object> errors;

    public ValidationException(Map<String, Object> errors) {
        super(ErrorKind.INVALID, summary(errors));
        this.errors = Collections.unmodifiableMap(new LinkedHashMap<>(errors));
    }

    /** A single-field failure. */
    public static ValidationException of(String field, String message) {
        return new ValidationException(Map.of(field, List.of(message)));
    }

    public Map<String, Object> errors() {
        return errors;
    }

    @Override
    public Map<String, Object> details() {
        return errors;
    }

    private static String summary(Map<String, Object> errors) {
        StringBuilder sb = new StringBuilder();
        for (Map.Entry<String, Object> e : errors.entrySet()) {
            if (sb.length() > 0) {
                sb.append("; ");
            }
            sb.append(e.getKey()).append(": ").append(flatten(e.getValue()));
        }
        return sb.toString();
    }

    private static String flatten(Object value) {
        if (value instanceof List<?> list) {
            StringBuilder sb = new StringBuilder();
            for (int i = 0; i < list.size(); i++) {
                Object item = list.get(i);
                if (item instanceof Map<?, ?> m) {
                    if (m.isEmpty()) {
                        continue;
                    }
                    sb.append(sb.length() > 0 ? ", " : "").append('[').append(i).append("] ").append(m);
                } else {
                    sb.append(sb.length() > 0 ? ", " : "").append(item);
                }
            }
            return sb.toString();
        }
        return String.valueOf(value);
    }
}
