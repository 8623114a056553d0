package dev.portalkit.runtime.core;

import dev.portalkit.api.validation.Schema;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The core's base schemas, named after the actions that use them (CKAN's
 * {@code default_create_package_schema} and friends). Plugins change them through
 * {@code IDatasetForm}, {@code IGroupForm} and {@code IUserForm}; the resource schemas are the
 * nested schema of the package schemas' {@code resources} field.
 */
public final class CoreSchemas {
    private CoreSchemas() {
    }

    public static Map<String, Schema> all() {
        Map<String, Schema> out = new LinkedHashMap<>();
        out.put("package_create", packageSchema(true));
        out.put("package_update", packageSchema(false));
        out.put("package_show", packageSchema(false).withUnknown(Schema.UnknownFields.KEEP));
        out.put("group_create", groupSchema(true));
        out.put("group_update", groupSchema(false));
        out.put("group_show", groupSchema(false).withUnknown(Schema.UnknownFields.KEEP));
        out.put("organization_create", groupSchema(true));
        out.put("organization_update", groupSchema(false));
        out.put("organization_show", groupSchema(false).withUnknown(Schema.UnknownFields.KEEP));
        out.put("user_create", userSchema(true));
        out.put("user_update", userSchema(false));
        return out;
    }

    public static Schema resourceSchema() {
        return Schema.empty()
                .with("id", "ignore_empty", "unicode_safe")
                .with("package_id", "ignore_missing", "unicode_safe")
                .with("url", "ignore_missing", "unicode_safe", "strip_value")
                .with("name", "ignore_missing", "unicode_safe")
                .with("description", "ignore_missing", "unicode_safe")
                .with("format", "ignore_missing", "unicode_safe", "strip_value")
                .with("mimetype", "ignore_missing", "unicode_safe")
                .with("url_type", "ignore_missing", "unicode_safe")
                .with("size", "ignore_missing", "natural_number_validator")
                .with("position", "ignore_missing", "int_validator");
    }

    static Schema packageSchema(boolean create) {
        return Schema.empty()
                .with("id", create ? "empty" : "ignore_missing", "unicode_safe")
                .with("name", "not_empty", "unicode_safe", "strip_value", "name_validator")
                .with("title", "ignore_missing", "unicode_safe", "strip_value")
                .with("notes", "ignore_missing", "unicode_safe")
                .with("url", "ignore_missing", "unicode_safe", "url_validator")
                .with("private", "ignore_missing", "boolean_validator")
                .with("owner_org", "ignore_missing", "unicode_safe")
                .with("state", "ignore_missing", "one_of(active, draft, deleted)")
                .with("type", "ignore_missing", "unicode_safe")
                .with("license_id", "ignore_missing", "unicode_safe")
                .withNested("extras", Schema.empty()
                        .with("key", "not_empty", "unicode_safe")
                        .with("value", "not_missing", "unicode_safe"), "ignore_missing")
                .withNested("resources", resourceSchema(), "ignore_missing");
    }

    static Schema groupSchema(boolean create) {
        return Schema.empty()
                .with("id", create ? "empty" : "ignore_missing", "unicode_safe")
                .with("name", "not_empty", "unicode_safe", "strip_value", "name_validator")
                .with("title", "ignore_missing", "unicode_safe", "strip_value")
                .with("description", "ignore_missing", "unicode_safe")
                .with("image_url", "ignore_missing", "unicode_safe")
                .with("state", "ignore_missing", "one_of(active, deleted)");
    }

    static Schema userSchema(boolean create) {
        return Schema.empty()
                .with("id", create ? "empty" : "ignore_missing", "unicode_safe")
                .with("name", "not_empty", "unicode_safe", "strip_value", "name_validator")
                .with("email", create ? "not_empty" : "ignore_missing", "unicode_safe", "strip_value", "email_validator")
                .with("fullname", "ignore_missing", "unicode_safe")
                .with("about", "ignore_missing", "unicode_safe")
                .with("password", create ? "not_empty" : "ignore_missing", "unicode_safe")
                .with("sysadmin", "ignore_missing", "boolean_validator")
                .with("state", "ignore_missing", "one_of(active, pending, deleted)");
    }
}
