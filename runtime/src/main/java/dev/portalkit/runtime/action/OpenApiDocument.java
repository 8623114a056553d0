package dev.portalkit.runtime.action;

import dev.portalkit.api.ErrorKind;
import dev.portalkit.api.action.Action;
import dev.portalkit.api.validation.FieldRule;
import dev.portalkit.api.validation.Schema;
import dev.portalkit.runtime.validation.Validation;
import dev.portalkit.runtime.validation.ValidatorExpression;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * The OpenAPI 3.0 description of the action API, built from the action registry: one path per
 * registered action ({@code /action/NAME} below the API's base), {@code GET} for side-effect-free
 * actions and {@code POST} for all, a JSON body (and {@code multipart/form-data} for actions that
 * take uploads) described by the action's effective schema ({@link Action#schemaName()} after every
 * plugin changed it, or {@link Action#schema()}), the action's documentation as the operation's
 * description, CKAN's response envelope and the API token header.
 *
 * <p>Validators do not carry types: a field's JSON Schema is derived from the validator names
 * CKAN's schemas use ({@code not_empty} makes it required, {@code boolean_validator} a boolean,
 * {@code one_of(...)} an enum, a nested schema an array of objects, {@code ignore} or {@code empty}
 * first a read-only field, ...); the whole chain is given
 * as {@code x-validators} and in the field's description. Input keys a schema does not name are
 * allowed unless it rejects them.
 */
public final class OpenApiDocument {
    private static final Set<String> REQUIRING = Set.of("not_empty", "not_missing");
    private static final Set<String> READ_ONLY = Set.of("ignore", "empty");
    private static final Set<String> INTEGERS = Set.of("int_validator", "natural_number_validator", "is_positive_integer", "int_range");
    private static final Set<String> BOOLEANS = Set.of("boolean_validator");
    private static final Set<String> LISTS = Set.of("list_of_strings");

    private OpenApiDocument() {
    }

    /**
     * The document as JSON-friendly maps.
     *
     * @param actions    the registry
     * @param validation the effective schemas
     * @param apiBase    the API's base path as clients reach it, e.g. {@code "/api"} (the document's server)
     * @param title      the portal's title
     * @param version    the portal's version
     * @param options    the value of a whole-number option by key, or null (bounds such as
     *                   {@code int_range(0, portal.search.rows_max)} name one)
     */
    public static Map<String, Object> build(ActionRegistry actions, Validation validation, String apiBase, String title,
                                            String version, Function<String, Long> options) {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("openapi", "3.0.3");
        doc.put("info", map("title", title + " action API", "version", version,
                "description", "CKAN's action API: one operation per registered action, at /api/action/NAME (also /api/3/action/NAME). "
                        + "Side-effect-free actions answer GET (parameters in the query string) and POST; every other action only POST. "
                        + "Bodies are JSON objects, or multipart/form-data for actions that take file uploads. "
                        + "Every answer is the envelope {help, success, result} or {help, success: false, error: {__type, message, FIELD: [errors]}}. "
                        + "Authenticate with an API token in the Authorization header (api_token_create); anonymous calls run as no user."));
        doc.put("servers", List.of(map("url", apiBase)));
        Map<String, Object> paths = new LinkedHashMap<>();
        Map<String, Object> schemas = new LinkedHashMap<>();
        schemas.put("Success", map("type", "object", "required", List.of("help", "success", "result"), "properties", map(
                "help", map("type", "string", "description", "URL of help_show for the action"),
                "success", map("type", "boolean", "enum", List.of(true)),
                "result", map("description", "The action's result"))));
        schemas.put("Error", map("type", "object", "required", List.of("help", "success", "error"), "properties", map(
                "help", map("type", "string", "description", "URL of help_show for the action"),
                "success", map("type", "boolean", "enum", List.of(false)),
                "error", map("type", "object", "required", List.of("__type", "message"),
                        "description", "The error's type and message; a validation error adds each invalid field with its messages.",
                        "properties", map("__type", map("type", "string", "example", "Validation Error"), "message", map("type", "string")),
                        "additionalProperties", map("type", "array", "items", map("type", "string"))))));
        for (String name : actions.names()) {
            Action action = actions.get(name).base();
            Schema input = inputSchema(action, validation);
            Map<String, Object> body = input == null ? map("type", "object", "additionalProperties", true) : objectSchema(input, options);
            String ref = "#/components/schemas/" + name + "_data";
            schemas.put(name + "_data", body);
            Map<String, Object> item = new LinkedHashMap<>();
            if (action.sideEffectFree()) {
                Map<String, Object> get = operation(name, action, name + "_get");
                get.put("parameters", queryParameters(body));
                item.put("get", get);
            }
            Map<String, Object> post = operation(name, action, name);
            Map<String, Object> content = new LinkedHashMap<>();
            content.put("application/json", map("schema", map("$ref", ref)));
            if (action.acceptsUploads()) {
                content.put("multipart/form-data", map("schema", multipartSchema(body)));
            }
            post.put("requestBody", map("required", false, "content", content));
            item.put("post", post);
            paths.put("/action/" + name, item);
        }
        doc.put("paths", paths);
        Map<String, Object> responses = new LinkedHashMap<>();
        responses.put("Success", map("description", "The action's result in the envelope",
                "content", map("application/json", map("schema", map("$ref", "#/components/schemas/Success")))));
        responses.put("Error", map("description", "An error in the envelope: " + errorStatuses(),
                "content", map("application/json", map("schema", map("$ref", "#/components/schemas/Error")))));
        doc.put("components", map("schemas", schemas, "responses", responses, "securitySchemes", map("apiToken", map(
                "type", "apiKey", "in", "header", "name", "Authorization",
                "description", "An API token (api_token_create), sent as is. Browsers' session cookies work too; "
                        + "their POSTs need the CSRF token in X-CSRFToken."))));
        // Optional: every action also runs for anonymous callers, whose auth function then decides.
        doc.put("security", List.of(map(), map("apiToken", List.of())));
        return doc;
    }

    /** The action's effective input schema, or {@code null} when it declares none. */
    public static Schema inputSchema(Action action, Validation validation) {
        if (action.schemaName() != null) {
            return validation.schema(action.schemaName());
        }
        return action.schema();
    }

    private static Map<String, Object> operation(String name, Action action, String operationId) {
        Map<String, Object> op = new LinkedHashMap<>();
        String doc = action.documentation();
        String summary = doc.isEmpty() ? name : doc.lines().findFirst().orElse(name);
        op.put("operationId", operationId);
        op.put("summary", summary);
        op.put("description", doc.isEmpty() ? "(undocumented)" : doc);
        op.put("tags", List.of(tag(name)));
        op.put("responses", map("200", map("$ref", "#/components/responses/Success"),
                "default", map("$ref", "#/components/responses/Error")));
        return op;
    }

    /** A group for the UI: the action name's first word ({@code files}, {@code package}, ...). */
    private static String tag(String name) {
        int cut = name.indexOf('_');
        return cut < 0 ? name : name.substring(0, cut);
    }

    private static String errorStatuses() {
        TreeSet<Integer> statuses = new TreeSet<>(List.of(405));
        for (ErrorKind kind : ErrorKind.values()) {
            statuses.add(kind.httpStatus());
        }
        return "one of " + statuses + " (409 for invalid data, 403 when the caller may not, 404 for a missing object, "
                + "405 for GET to an action that changes state)";
    }

    private static Map<String, Object> objectSchema(Schema schema, Function<String, Long> options) {
        Map<String, Object> properties = new LinkedHashMap<>();
        List<String> required = new ArrayList<>();
        for (Map.Entry<String, FieldRule> e : schema.fields().entrySet()) {
            FieldRule rule = e.getValue();
            List<ValidatorExpression> chain = parse(rule.validators());
            Map<String, Object> field = fieldSchema(rule, chain, options);
            if (!chain.isEmpty() && READ_ONLY.contains(chain.get(0).name())) {
                // Accepted so that a shown object can be sent back, but never set from input (or must be empty).
                field.put("readOnly", true);
            } else if (!chain.isEmpty() && REQUIRING.contains(chain.get(0).name())) {
                required.add(e.getKey());
            }
            properties.put(e.getKey(), field);
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("type", "object");
        out.put("properties", properties);
        if (!required.isEmpty()) {
            out.put("required", required);
        }
        out.put("additionalProperties", schema.unknown() != Schema.UnknownFields.REJECT);
        return out;
    }

    private static Map<String, Object> fieldSchema(FieldRule rule, List<ValidatorExpression> chain, Function<String, Long> options) {
        Map<String, Object> field = new LinkedHashMap<>();
        if (rule.nested() != null) {
            field.put("type", "array");
            field.put("items", objectSchema(rule.nested(), options));
        } else {
            for (ValidatorExpression v : chain) {
                if (BOOLEANS.contains(v.name())) {
                    field.put("type", "boolean");
                } else if (INTEGERS.contains(v.name())) {
                    field.put("type", "integer");
                    if (v.name().equals("int_range") && v.arguments() != null && v.arguments().size() == 2) {
                        putBound(field, "minimum", v.arguments().get(0), options);
                        putBound(field, "maximum", v.arguments().get(1), options);
                    }
                } else if (LISTS.contains(v.name())) {
                    field.put("type", "array");
                    field.put("items", map("type", "string"));
                } else if (v.name().equals("one_of") && v.arguments() != null && !v.arguments().isEmpty()) {
                    field.put("type", "string");
                    field.put("enum", v.arguments());
                }
            }
            for (ValidatorExpression v : chain) {
                if (v.name().equals("default") && v.arguments() != null && v.arguments().size() == 1) {
                    field.put("default", typed(v.arguments().get(0), field.get("type")));
                }
            }
        }
        if (!rule.validators().isEmpty()) {
            field.put("description", "Validators: " + String.join(", ", rule.validators()));
            field.put("x-validators", rule.validators());
        }
        return field;
    }

    /** A bound of int_range: a whole number, or the current value of the option it names; left out when neither. */
    private static void putBound(Map<String, Object> field, String key, String bound, Function<String, Long> options) {
        Object value = typed(bound.strip(), "integer");
        if (!(value instanceof Long)) {
            value = options.apply(bound.strip());
        }
        if (value != null) {
            field.put(key, value);
        }
    }

    private static Object typed(String value, Object type) {
        if ("boolean".equals(type) && (value.equals("true") || value.equals("false"))) {
            return Boolean.valueOf(value);
        }
        if ("integer".equals(type)) {
            try {
                return Long.valueOf(value);
            } catch (NumberFormatException e) {
                return value;
            }
        }
        if ("array".equals(type)) {
            return List.of(value);
        }
        return value;
    }

    private static List<ValidatorExpression> parse(List<String> validators) {
        List<ValidatorExpression> out = new ArrayList<>();
        for (String v : validators) {
            try {
                out.add(ValidatorExpression.parse(v));
            } catch (IllegalArgumentException e) {
                // Compiled at start, so this does not happen; a name the description cannot read is left out.
            }
        }
        return out;
    }

    /** The body's top-level fields as query parameters (objects and arrays of objects as JSON text). */
    @SuppressWarnings("unchecked")
    private static List<Object> queryParameters(Map<String, Object> body) {
        List<Object> out = new ArrayList<>();
        Map<String, Object> properties = (Map<String, Object>) body.getOrDefault("properties", Map.of());
        List<String> required = (List<String>) body.getOrDefault("required", List.of());
        properties.forEach((field, schema) -> {
            Map<String, Object> s = new LinkedHashMap<>((Map<String, Object>) schema);
            if ("array".equals(s.get("type")) && s.get("items") instanceof Map<?, ?> items && "object".equals(items.get("type"))) {
                s = map("type", "string", "description", "JSON text: " + s.getOrDefault("description", "a list of objects"));
            }
            Map<String, Object> p = new LinkedHashMap<>();
            p.put("name", field);
            p.put("in", "query");
            p.put("required", required.contains(field));
            p.put("schema", s);
            out.add(p);
        });
        return out;
    }

    /** The JSON body's fields as form fields, plus file parts: {@code upload} and any other field may carry a file. */
    @SuppressWarnings("unchecked")
    private static Map<String, Object> multipartSchema(Map<String, Object> body) {
        Map<String, Object> out = new LinkedHashMap<>(body);
        Map<String, Object> properties = new LinkedHashMap<>((Map<String, Object>) body.getOrDefault("properties", Map.of()));
        properties.forEach((field, schema) -> {
            if (field.equals("upload") || field.endsWith("_upload")) {
                Map<String, Object> file = new LinkedHashMap<>((Map<String, Object>) schema);
                file.remove("type");
                file.remove("default");
                file.put("type", "string");
                file.put("format", "binary");
                properties.put(field, file);
            }
        });
        out.put("properties", properties);
        out.put("additionalProperties", map("description", "a form field, or a file part (format binary)"));
        return out;
    }

    private static Map<String, Object> map(Object... keysAndValues) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            m.put((String) keysAndValues[i], keysAndValues[i + 1]);
        }
        return m;
    }
}
