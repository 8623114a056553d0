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
        out.put("package_show", showSchema(packageSchema(false)));
        out.put("group_create", groupSchema(true));
        out.put("group_update", groupSchema(false));
        out.put("group_show", showSchema(groupSchema(false)));
        out.put("organization_create", groupSchema(true));
        out.put("organization_update", groupSchema(false));
        out.put("organization_show", showSchema(groupSchema(false)));
        out.put("user_create", userSchema(true));
        out.put("user_update", userSchema(false));
        return out;
    }

    /**
     * The resource schema. Unknown keys are kept, as CKAN keeps them: they are stored as the
     * resource's extras and shown at its top level.
     */
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
                .with("hash", "ignore_missing", "unicode_safe")
                .with("size", "ignore_missing", "natural_number_validator")
                .with("position", "ignore_missing", "int_validator")
                .withUnknown(Schema.UnknownFields.KEEP);
    }

    /**
     * The dataset schema (CKAN's {@code default_create_package_schema} / update schema). The
     * validators that need the database ({@code package_name_validator},
     * {@code owner_org_validator}, ...) come from the built-in model plugin.
     */
    static Schema packageSchema(boolean create) {
        Schema schema = Schema.empty()
                .with("id", create ? "empty" : "ignore_missing", "unicode_safe")
                .with("name", "not_empty", "unicode_safe", "strip_value", "name_validator", "package_name_validator")
                .with("title", "ignore_missing", "unicode_safe", "strip_value")
                .with("author", "ignore_missing", "unicode_safe")
                .with("author_email", "ignore_missing", "unicode_safe", "strip_value", "email_validator")
                .with("maintainer", "ignore_missing", "unicode_safe")
                .with("maintainer_email", "ignore_missing", "unicode_safe", "strip_value", "email_validator")
                .with("version", "ignore_missing", "unicode_safe", "strip_value")
                .with("notes", "ignore_missing", "unicode_safe")
                .with("url", "ignore_missing", "unicode_safe", "url_validator")
                .with("private", "ignore_missing", "boolean_validator", "datasets_with_no_organization_cannot_be_private")
                .with("owner_org", "unicode_safe", "owner_org_validator")
                .with("state", "ignore_missing", "one_of(active, draft, deleted)")
                .with("type", "ignore_missing", "unicode_safe")
                .with("license_id", "ignore_missing", "unicode_safe", "license_id_exists")
                .with("tag_string", "ignore_missing", "tag_string_convert")
                .withNested("tags", Schema.empty()
                        .with("name", "not_empty", "unicode_safe", "strip_value", "tag_length_validator", "tag_name_validator")
                        .with("vocabulary_id", "ignore_missing", "unicode_safe", "vocabulary_id_exists"), "ignore_missing")
                .withNested("extras", Schema.empty()
                        .with("key", "not_empty", "unicode_safe")
                        .with("value", "not_missing", "unicode_safe"), "ignore_missing", "duplicate_extras_key")
                .withNested("resources", resourceSchema(), "ignore_missing")
                .withNested("groups", Schema.empty()
                        .with("id", "ignore_missing", "unicode_safe")
                        .with("name", "ignore_missing", "unicode_safe"), "ignore_missing");
        // What package_show returns but a client cannot set: accepted (so a shown dataset can be sent
        // back) and ignored. Any other key the schema does not name is refused, naming it.
        for (String readOnly : SHOWN_ONLY) {
            schema = schema.with(readOnly, "ignore");
        }
        return schema.withUnknown(Schema.UnknownFields.REJECT);
    }

    /** Keys of package_show's dicts that are computed, not stored from input. */
    public static final java.util.List<String> SHOWN_ONLY = java.util.List.of("organization", "num_resources", "num_tags",
            "creator_user_id", "metadata_created", "metadata_modified", "isopen", "license_title", "license_url",
            "relationships_as_object", "relationships_as_subject");

    static Schema groupSchema(boolean create) {
        return Schema.empty()
                .with("id", create ? "empty" : "ignore_missing", "unicode_safe")
                .with("name", "not_empty", "unicode_safe", "strip_value", "name_validator", "group_name_validator")
                .with("title", "ignore_missing", "unicode_safe", "strip_value")
                .with("description", "ignore_missing", "unicode_safe")
                .with("image_url", "ignore_missing", "unicode_safe")
                .with("state", "ignore_missing", "one_of(active, deleted)");
    }

    /**
     * The user schema. {@code user_update} changes only the fields given (CKAN requires the email
     * there; Portalkit does not); {@code sysadmin} and {@code state} are dropped unless a
     * sysadmin calls ({@code ignore_not_sysadmin}).
     */
    static Schema userSchema(boolean create) {
        return Schema.empty()
                .with("id", create ? "empty" : "ignore_missing", "unicode_safe")
                .with("name", create ? "not_empty" : "ignore_missing", "unicode_safe", "strip_value", "name_validator", "user_name_validator")
                .with("email", create ? "not_empty" : "ignore_missing", "unicode_safe", "strip_value", "email_validator", "email_is_unique")
                .with("fullname", "ignore_missing", "unicode_safe")
                .with("about", "ignore_missing", "unicode_safe")
                .with("image_url", "ignore_missing", "unicode_safe")
                .with("password", create ? "not_empty" : "ignore_missing", "user_password_validator", "unicode_safe")
                .with("sysadmin", "ignore_missing", "ignore_not_sysadmin", "boolean_validator")
                .with("state", "ignore_missing", "ignore_not_sysadmin", "one_of(active, pending, deleted)");
    }

    /**
     * A "show" schema (CKAN's {@code default_show_package_schema}): applied to what the show
     * actions return, so every field of the base schema is listed without validators and unknown
     * keys are kept. Plugins append converters to the fields they own.
     */
    static Schema showSchema(Schema base) {
        Schema show = Schema.empty().withUnknown(Schema.UnknownFields.KEEP);
        for (String field : base.fields().keySet()) {
            show = base.nested(field) == null ? show.with(field)
                    : show.withNested(field, showSchema(base.nested(field)));
        }
        return show;
    }
}
