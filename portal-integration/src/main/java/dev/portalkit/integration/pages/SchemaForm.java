package dev.portalkit.integration.pages;

import dev.portalkit.api.ValidationException;
import dev.portalkit.api.validation.FieldRule;
import dev.portalkit.api.validation.Schema;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A form made from an effective schema (the core's, as every plugin's {@code IDatasetForm},
 * {@code IGroupForm} or {@code IUserForm} changed it): one input per field the schema names, the
 * core's fields with their own labels and widgets in CKAN's order, a plugin's field as a text input
 * labelled from its name, unless some template layer has {@code form/field/<name>.html}, which is
 * then included for it. Fields a form never shows (ids, states, nested lists) are left out.
 * A refused submit carries each validator's message to its field and keeps what was typed.
 */
final class SchemaForm {
    /** How the core's fields are shown. */
    record Widget(String label, String type) {
    }

    private static final Map<String, Widget> KNOWN = new LinkedHashMap<>();
    private static final Set<String> NEVER = Set.of("id", "state", "type", "extras", "resources", "groups", "package_id",
            "position", "url_type", "hash", "size", "mimetype", "sysadmin", "image_url", "image_upload", "clear_upload",
            "upload", "password", "users", "packages", "is_organization", "approval_status", "created", "last_modified");

    static {
        KNOWN.put("title", new Widget("form.title", "text"));
        KNOWN.put("name", new Widget("form.name", "text"));
        KNOWN.put("fullname", new Widget("form.fullname", "text"));
        KNOWN.put("email", new Widget("form.email", "email"));
        KNOWN.put("notes", new Widget("form.notes", "textarea"));
        KNOWN.put("description", new Widget("form.description", "textarea"));
        KNOWN.put("about", new Widget("form.about", "textarea"));
        KNOWN.put("owner_org", new Widget("form.owner_org", "owner_org"));
        KNOWN.put("private", new Widget("form.private", "private"));
        KNOWN.put("url", new Widget("form.url", "url"));
        KNOWN.put("format", new Widget("form.format", "text"));
        KNOWN.put("tag_string", new Widget("form.tag_string", "text"));
        KNOWN.put("license_id", new Widget("form.license_id", "license"));
        KNOWN.put("version", new Widget("form.version", "text"));
        KNOWN.put("author", new Widget("form.author", "text"));
        KNOWN.put("author_email", new Widget("form.author_email", "email"));
        KNOWN.put("maintainer", new Widget("form.maintainer", "text"));
        KNOWN.put("maintainer_email", new Widget("form.maintainer_email", "email"));
    }

    private SchemaForm() {
    }

    /**
     * The form's fields, each a map for the {@code form/fields.html} snippet: {@code name},
     * {@code label} (a message key or text), {@code type}, {@code value}, {@code errors},
     * {@code required}, {@code snippet} (a template that draws it, or null).
     *
     * @param skip   fields this form draws itself (the resource form's url and upload)
     * @param values what was typed or stored
     * @param errors the action's field errors
     */
    static List<Map<String, Object>> fields(Schema schema, Set<String> skip, Map<String, Object> values, Map<String, Object> errors,
                                            PageTemplates templates) {
        Set<String> names = new LinkedHashSet<>();
        for (String known : KNOWN.keySet()) {
            if (schema.fields().containsKey(known)) {
                names.add(known);
            }
        }
        names.addAll(schema.fields().keySet());
        List<Map<String, Object>> out = new ArrayList<>();
        for (String name : names) {
            FieldRule rule = schema.fields().get(name);
            // A field the schema only ignores (what package_show adds) is not an input.
            if (NEVER.contains(name) || skip.contains(name) || rule.nested() != null || rule.validators().equals(List.of("ignore"))) {
                continue;
            }
            Widget widget = KNOWN.getOrDefault(name, new Widget(label(name), "text"));
            Map<String, Object> f = new LinkedHashMap<>();
            f.put("name", name);
            f.put("label", widget.label());
            f.put("type", widget.type());
            f.put("value", text(values.get(name)));
            f.put("errors", messages(errors.get(name)));
            f.put("required", rule.validators().contains("not_empty"));
            String snippet = "form/field/" + name + ".html";
            f.put("snippet", templates.exists(snippet) ? snippet : null);
            out.add(f);
        }
        return out;
    }

    /** "spatial_coverage" as "Spatial coverage". */
    static String label(String name) {
        String words = name.replace('_', ' ').replace('-', ' ').strip();
        return words.isEmpty() ? name : Character.toUpperCase(words.charAt(0)) + words.substring(1);
    }

    /** A stored or typed value as the text an input shows. */
    static String text(Object value) {
        if (value == null) {
            return "";
        }
        if (value instanceof List<?> l) {
            return String.join(", ", l.stream().map(String::valueOf).toList());
        }
        return String.valueOf(value);
    }

    /** The messages of one field's errors (a list of strings, or nested structures flattened). */
    static List<String> messages(Object error) {
        List<String> out = new ArrayList<>();
        if (error instanceof List<?> l) {
            for (Object o : l) {
                out.addAll(messages(o));
            }
        } else if (error instanceof Map<?, ?> m) {
            m.forEach((k, v) -> messages(v).forEach(s -> out.add(k + ": " + s)));
        } else if (error != null) {
            out.add(String.valueOf(error));
        }
        return out;
    }

    /** The field errors of a refused action: {@code field -> messages}. */
    static Map<String, Object> errors(ValidationException e) {
        return new LinkedHashMap<>(e.errors());
    }

    /** Errors of fields the form does not show, for the summary at its top ("field: message"). */
    static List<String> otherErrors(Map<String, Object> errors, List<Map<String, Object>> shown, Set<String> drawnByForm) {
        Set<String> names = new LinkedHashSet<>(drawnByForm);
        shown.forEach(f -> names.add((String) f.get("name")));
        List<String> out = new ArrayList<>();
        errors.forEach((field, v) -> {
            if (!names.contains(field)) {
                messages(v).forEach(m -> out.add(field.equals("message") ? m : label(field) + ": " + m));
            }
        });
        return out;
    }

    /** The posted form without empty text fields and the CSRF field (an empty input means "not given", as in CKAN's forms). */
    static Map<String, Object> submitted(Map<String, Object> form) {
        Map<String, Object> out = new LinkedHashMap<>();
        form.forEach((k, v) -> {
            if (!(v instanceof String s && s.isBlank()) && !k.equals("save")) {
                out.put(k, v instanceof String s ? s : v);
            }
        });
        return out;
    }
}
