package dev.portalkit.runtime.model;

import dev.portalkit.api.config.ConfigDeclaration;
import dev.portalkit.api.config.ConfigOption;
import dev.portalkit.api.config.ConfigType;

/**
 * The portal model's options: CKAN's {@code ckan.auth.*} switches under {@code portal.auth.*}
 * with CKAN's current defaults, the password KDF cost and the search page limit.
 */
public final class ModelConfig {
    public static final String ANON_CREATE_DATASET = "portal.auth.anon_create_dataset";
    public static final String CREATE_UNOWNED_DATASET = "portal.auth.create_unowned_dataset";
    public static final String CREATE_DATASET_IF_NOT_IN_ORGANIZATION = "portal.auth.create_dataset_if_not_in_organization";
    public static final String USER_CREATE_GROUPS = "portal.auth.user_create_groups";
    public static final String USER_CREATE_ORGANIZATIONS = "portal.auth.user_create_organizations";
    public static final String USER_DELETE_GROUPS = "portal.auth.user_delete_groups";
    public static final String USER_DELETE_ORGANIZATIONS = "portal.auth.user_delete_organizations";
    public static final String CREATE_USER_VIA_API = "portal.auth.create_user_via_api";
    public static final String CREATE_USER_VIA_WEB = "portal.auth.create_user_via_web";
    public static final String PUBLIC_USER_DETAILS = "portal.auth.public_user_details";
    public static final String PASSWORD_ITERATIONS = "portal.auth.password_iterations";
    public static final String SESSION_LIFETIME = "portal.auth.session_lifetime";
    public static final String SEARCH_ROWS_MAX = "portal.search.rows_max";
    public static final String LICENSES_GROUP_URL = "portal.licenses_group_url";
    public static final String SITE_DESCRIPTION = "portal.site_description";
    public static final String SITE_LOGO = "portal.site_logo";
    public static final String SITE_ABOUT = "portal.site_about";
    public static final String SITE_INTRO_TEXT = "portal.site_intro_text";

    /**
     * The {@code ActionContext.attributes()} key a web UI (an HTML registration form) sets to
     * {@code true} so that {@code user_create} is judged by {@link #CREATE_USER_VIA_WEB}; every
     * other call counts as an API call ({@link #CREATE_USER_VIA_API}).
     */
    public static final String VIA_WEB_ATTRIBUTE = dev.portalkit.runtime.WebSessions.VIA_WEB_ATTRIBUTE;

    /** The lowest accepted PBKDF2 iteration count (tests use it; production wants the default). */
    public static final int MIN_PASSWORD_ITERATIONS = 1000;

    private ModelConfig() {
    }

    static void declare(ConfigDeclaration d) {
        d.namespace("portal.auth.");
        d.namespace("portal.search.");
        declareLicenses(d);
        ResourceMimetypes.declare(d);
        d.option(ConfigOption.of(SITE_DESCRIPTION, "A short description of the portal (its tag line). A sysadmin may change it "
                + "with config_option_update. CKAN: ckan.site_description.").defaultValue(""));
        d.option(ConfigOption.of(SITE_LOGO, "URL of the portal's logo (a link, or the uploaded logo's URL that config_option_update "
                + "with a logo_upload sets: the image is kept in the 'admin' storage). CKAN: ckan.site_logo.").defaultValue(""));
        d.option(ConfigOption.of(SITE_ABOUT, "The portal's about text (Markdown). A sysadmin may change it with "
                + "config_option_update. CKAN: ckan.site_about.").defaultValue(""));
        d.option(ConfigOption.of(SITE_INTRO_TEXT, "The portal's front page text (Markdown). A sysadmin may change it with "
                + "config_option_update. CKAN: ckan.site_intro_text.").defaultValue(""));
        bool(d, ANON_CREATE_DATASET, false, "Allow anonymous (not logged in) callers to create datasets "
                + "(also needs create_unowned_dataset and create_dataset_if_not_in_organization). CKAN: ckan.auth.anon_create_dataset.");
        bool(d, CREATE_UNOWNED_DATASET, false, "Allow datasets that belong to no organization. When false, package_create "
                + "and package_update require owner_org. CKAN: ckan.auth.create_unowned_dataset.");
        bool(d, CREATE_DATASET_IF_NOT_IN_ORGANIZATION, true, "Allow users who are not editors or admins of any organization "
                + "to create datasets; meaningful only with create_unowned_dataset. CKAN: ckan.auth.create_dataset_if_not_in_organization.");
        bool(d, USER_CREATE_GROUPS, true, "Allow logged-in users to create groups. CKAN: ckan.auth.user_create_groups.");
        bool(d, USER_CREATE_ORGANIZATIONS, true, "Allow logged-in users to create organizations (they become its admin). "
                + "CKAN: ckan.auth.user_create_organizations.");
        bool(d, USER_DELETE_GROUPS, true, "Allow group admins to delete their groups (else sysadmins only). CKAN: ckan.auth.user_delete_groups.");
        bool(d, USER_DELETE_ORGANIZATIONS, true, "Allow organization admins to delete their organizations (else sysadmins only). "
                + "CKAN: ckan.auth.user_delete_organizations.");
        bool(d, CREATE_USER_VIA_API, false, "Allow anyone, including anonymous callers, to create user accounts through the "
                + "action API (user_create). When false only sysadmins can (and `portalkit user add`). CKAN: ckan.auth.create_user_via_api.");
        bool(d, CREATE_USER_VIA_WEB, false, "Allow anyone to register an account through a web UI registration form "
                + "(a call marked with the context attribute portal.via_web). CKAN: ckan.auth.create_user_via_web.");
        bool(d, PUBLIC_USER_DETAILS, true, "Let anonymous callers see user details (user_show, user_list). Email addresses are "
                + "shown only to the user and sysadmins either way. CKAN: ckan.auth.public_user_details.");
        d.option(ConfigOption.of(PASSWORD_ITERATIONS, "PBKDF2-HMAC-SHA256 iterations for new password hashes (at least "
                + MIN_PASSWORD_ITERATIONS + "). Existing hashes keep the count they were made with, so raising it is safe.")
                .type(ConfigType.INT).defaultValue("600000"));
        d.option(ConfigOption.of(SESSION_LIFETIME, "Seconds a web login session lives after its last use (the pages' "
                + "session cookie; logging out ends it at once). At least 60.").type(ConfigType.INT).defaultValue("86400"));
        d.requireAtLeast(SESSION_LIFETIME, 60, "must be at least 60 (seconds)");
        d.option(ConfigOption.of(SEARCH_ROWS_MAX, "Largest page package_search and files_file_search return and largest limit of user_list, group_list and "
                + "organization_list (a larger rows or limit is refused naming the field), and most "
                + "datasets organization_show / group_show list. CKAN: ckan.search.rows_max.").type(ConfigType.INT).defaultValue("1000"));
    }

    /** The license option, checked at start: a file that cannot be read or parsed stops the portal naming the key. */
    static void declareLicenses(ConfigDeclaration d) {
        d.option(ConfigOption.of(LICENSES_GROUP_URL, "The licenses datasets may name in license_id, and license_list returns: "
                + "a JSON file (path or file:// URL) in CKAN's licenses_group_url format, a list or object of license objects "
                + "with id and title (url, od_conformance, osd_conformance, ... optional). Empty: CKAN's default fifteen "
                + "licenses. Remote URLs are not fetched; download the file. CKAN: licenses_group_url.").type(ConfigType.STRING).defaultValue(""));
        String location = d.valuesUnder(LICENSES_GROUP_URL).get(LICENSES_GROUP_URL);
        if (location != null && !location.isBlank()) {
            try {
                Licenses.of(location.strip());
            } catch (IllegalArgumentException e) {
                d.reject(LICENSES_GROUP_URL, e.getMessage());
            }
        }
    }

    private static void bool(ConfigDeclaration d, String key, boolean defaultValue, String help) {
        d.option(ConfigOption.of(key, help).type(ConfigType.BOOLEAN).defaultValue(String.valueOf(defaultValue)));
    }
}
