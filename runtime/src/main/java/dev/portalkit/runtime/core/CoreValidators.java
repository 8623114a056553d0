package dev.portalkit.runtime.core;

import dev.portalkit.api.validation.ValidatedField;
import dev.portalkit.api.validation.Invalid;
import dev.portalkit.api.validation.Validator;
import dev.portalkit.api.validation.ValidatorFactory;
import dev.portalkit.runtime.Json;
import dev.portalkit.runtime.validation.WholeNumbers;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/** CKAN's core validators, with CKAN's names and messages. */
final class CoreValidators {
    static final String MISSING = "Missing value";
    private static final Pattern NAME = Pattern.compile("[a-z0-9_\\-]*");
    private static final Pattern EMAIL = Pattern.compile(
            "^[\\w.!#$%&'*+/=?^`{|}~-]+@[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?(?:\\.[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?)*$");
    private static final Set<String> RESERVED_NAMES = Set.of("new", "edit", "search");
    static final int NAME_MIN = 2;
    static final int NAME_MAX = 100;

    private CoreValidators() {
    }

    static Map<String, Validator> validators() {
        Map<String, Validator> v = new LinkedHashMap<>();
        v.put("ignore_missing", f -> {
            if (f.isMissing() || f.value() == null) {
                f.remove();
                f.stop();
            }
        });
        v.put("ignore_empty", f -> {
            if (isEmpty(f)) {
                f.remove();
                f.stop();
            }
        });
        v.put("ignore", f -> {
            f.remove();
            f.stop();
        });
        v.put("not_empty", f -> {
            if (isEmpty(f)) {
                throw new Invalid(MISSING);
            }
        });
        v.put("not_missing", f -> {
            if (f.isMissing() || f.value() == null) {
                throw new Invalid(MISSING);
            }
        });
        v.put("empty", f -> {
            if (!isEmpty(f)) {
                throw new Invalid("The input field " + f.name() + " was not expected.");
            }
        });
        v.put("unicode_safe", f -> {
            Object value = f.value();
            if (value == null || value instanceof String) {
                return;
            }
            if (value instanceof Number || value instanceof Boolean) {
                f.set(String.valueOf(value));
                return;
            }
            throw new Invalid("Must be a string");
        });
        v.put("strip_value", f -> {
            if (f.value() instanceof String s) {
                f.set(s.strip());
            }
        });
        v.put("int_validator", f -> {
            Object value = f.value();
            if (value == null || (value instanceof String s && s.isBlank())) {
                f.set(null);
                return;
            }
            f.set(WholeNumbers.narrowest(WholeNumbers.parse(value)));
        });
        v.put("natural_number_validator", f -> {
            if (f.value() == null || "".equals(f.value())) {
                return;
            }
            long n = WholeNumbers.parse(f.value());
            if (n < 0) {
                throw new Invalid("Must be a natural number");
            }
            f.set(WholeNumbers.narrowest(n));
        });
        v.put("boolean_validator", f -> f.set(toBoolean(f.value())));
        v.put("url_validator", f -> {
            if (isEmpty(f)) {
                return;
            }
            if (!(f.value() instanceof String s) || !isUrl(s)) {
                throw new Invalid("Please provide a valid URL");
            }
        });
        v.put("email_validator", f -> {
            if (isEmpty(f)) {
                return;
            }
            if (!(f.value() instanceof String s) || !EMAIL.matcher(s).matches()) {
                throw new Invalid("Email " + f.value() + " is not a valid format");
            }
        });
        v.put("name_validator", f -> {
            if (!(f.value() instanceof String s)) {
                throw new Invalid("Names must be strings");
            }
            if (RESERVED_NAMES.contains(s)) {
                throw new Invalid("That name cannot be used");
            }
            if (s.length() < NAME_MIN) {
                throw new Invalid("Must be at least " + NAME_MIN + " characters long");
            }
            if (s.length() > NAME_MAX) {
                throw new Invalid("Name must be a maximum of " + NAME_MAX + " characters long");
            }
            if (!NAME.matcher(s).matches()) {
                throw new Invalid("Must be purely lowercase alphanumeric (ascii) characters and these symbols: -_");
            }
        });
        v.put("list_of_strings", f -> {
            if (f.value() == null) {
                return;
            }
            if (!(f.value() instanceof Collection<?> c) || !c.stream().allMatch(i -> i instanceof String)) {
                throw new Invalid("Must be a list of strings");
            }
        });
        return v;
    }

    static Map<String, ValidatorFactory> factories() {
        Map<String, ValidatorFactory> v = new LinkedHashMap<>();
        v.put("one_of", args -> {
            if (args.isEmpty()) {
                throw new IllegalArgumentException("one_of needs at least one allowed value");
            }
            List<String> allowed = List.copyOf(args);
            return f -> {
                Object value = f.value();
                if (value == null || !allowed.contains(String.valueOf(value))) {
                    throw new Invalid("Value must be one of " + allowed);
                }
            };
        });
        v.put("int_range", args -> {
            if (args.size() != 2) {
                throw new IllegalArgumentException("int_range takes a minimum and a maximum (a whole number or an INT option's key)");
            }
            Bound min = Bound.of(args.get(0));
            Bound max = Bound.of(args.get(1));
            return f -> {
                Object value = f.value();
                if (value == null || (value instanceof String s && s.isBlank())) {
                    return;
                }
                f.set(WholeNumbers.narrowest(WholeNumbers.inRange(value, min.value(f), max.value(f))));
            };
        });
        v.put("default", args -> {
            if (args.size() != 1) {
                throw new IllegalArgumentException("default takes exactly one value");
            }
            Object fallback = literal(args.get(0));
            return f -> {
                if (isEmpty(f)) {
                    f.set(Json.copy(fallback));
                }
            };
        });
        return v;
    }

    /** A bound of {@code int_range}: a whole number, or the key of an INT option read when the field is validated. */
    private record Bound(Long fixed, String option) {
        private static final Pattern OPTION = Pattern.compile("[a-z][a-z0-9_]*(\\.[a-z0-9_]+)+");

        static Bound of(String text) {
            String t = text.strip();
            if (OPTION.matcher(t).matches()) {
                return new Bound(null, t);
            }
            try {
                return new Bound(Long.parseLong(t), null);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("'" + text + "' is neither a whole number nor an option key");
            }
        }

        long value(ValidatedField f) {
            return fixed != null ? fixed : f.context().config().integer(option);
        }
    }

    static boolean isEmpty(ValidatedField f) {
        Object value = f.value();
        return f.isMissing() || value == null || "".equals(value)
                || (value instanceof Collection<?> c && c.isEmpty()) || (value instanceof Map<?, ?> m && m.isEmpty());
    }

    /**
     * CKAN's boolean_validator, strict about text: a boolean, a number (non-zero is true), a string
     * (true, yes, t, y, 1, on are true; false, no, f, n, 0, off and the empty string are false),
     * nothing (false). Other text, an object or a list is not a boolean. CKAN reads any other text
     * as false, so that {@code "private": "ture"} would silently make a dataset public; here it is
     * refused, naming the field.
     */
    static boolean toBoolean(Object value) {
        if (value == null) {
            return false;
        }
        if (value instanceof Boolean b) {
            return b;
        }
        if (value instanceof Number n) {
            return n.doubleValue() != 0;
        }
        if (value instanceof String s) {
            String word = s.strip().toLowerCase(Locale.ROOT);
            if (TRUE_WORDS.contains(word)) {
                return true;
            }
            if (FALSE_WORDS.contains(word)) {
                return false;
            }
        }
        throw new Invalid("Must be a boolean: true or false");
    }

    private static final Set<String> TRUE_WORDS = Set.of("true", "yes", "t", "y", "1", "on");
    private static final Set<String> FALSE_WORDS = Set.of("false", "no", "f", "n", "0", "off", "");

    private static boolean isUrl(String s) {
        try {
            URI uri = new URI(s.strip());
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            return Set.of("http", "https", "ftp").contains(scheme) && uri.getHost() != null && !uri.getHost().isEmpty();
        } catch (URISyntaxException e) {
            return false;
        }
    }

    /** {@code true}, {@code false}, {@code null} and numbers as such; anything else as a string. */
    private static Object literal(String text) {
        switch (text) {
            case "true", "True":
                return Boolean.TRUE;
            case "false", "False":
                return Boolean.FALSE;
            case "null", "None":
                return null;
            default:
                try {
                    return Long.parseLong(text);
                } catch (NumberFormatException e) {
                    return text;
                }
        }
    }
}
