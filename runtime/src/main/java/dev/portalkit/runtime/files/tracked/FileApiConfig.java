package dev.portalkit.runtime.files.tracked;

import dev.portalkit.api.config.ConfigDeclaration;
import dev.portalkit.api.config.ConfigOption;
import dev.portalkit.runtime.config.CloudStorageForm;
import dev.portalkit.api.config.ConfigType;

/** Options of the File API (declared by the files plugin, under its {@code portal.files.} namespace). */
public final class FileApiConfig {
    public static final String AUTHENTICATED_UPLOADS_ALLOW = "portal.files.authenticated_uploads.allow";
    public static final String AUTHENTICATED_UPLOADS_STORAGES = "portal.files.authenticated_uploads.storages";
    public static final String CASCADE_ACCESS = "portal.files.owner.cascade_access";
    public static final String TRANSFER_AS_UPDATE = "portal.files.owner.transfer_as_update";
    public static final String SCAN_AS_UPDATE = "portal.files.owner.scan_as_update";
    public static final String MAX_MULTIPART_LIFETIME = "portal.files.max_multipart_lifetime";
    public static final String MAX_LINK_DURATION = "portal.files.max_link_duration";
    /** A week: the longest a presigned S3 URL can be valid, too. */
    static final long DEFAULT_MAX_LINK_DURATION = 7L * 24 * 3600;
    public static final String ORPHAN_GRACE_PERIOD = "portal.files.orphan_grace_period";
    public static final String ORPHAN_SWEEP_INTERVAL = "portal.files.orphan_sweep_interval";
    public static final String SWEEP_MULTIPART = "portal.files.orphan_sweep.multipart";
    public static final String TUS_CORS_ORIGINS = "portal.files.tus.cors_origins";

    private FileApiConfig() {
    }

    public static void declare(ConfigDeclaration d) {
        d.option(ConfigOption.of(AUTHENTICATED_UPLOADS_ALLOW, "Let every logged-in user upload files (files_file_create, "
                + "files_multipart_start) into the storages of " + AUTHENTICATED_UPLOADS_STORAGES + ". Otherwise only sysadmins "
                + "upload, unless a plugin allows more (auth functions, IFiles.isAllowed).").type(ConfigType.BOOLEAN).defaultValue("false"));
        d.option(ConfigOption.of(AUTHENTICATED_UPLOADS_STORAGES, "Storages logged-in users may upload into when "
                + AUTHENTICATED_UPLOADS_ALLOW + " is true.").type(ConfigType.LIST).defaultValue("default"));
        d.option(ConfigOption.of(CASCADE_ACCESS, "Owner types whose files are accessible to whoever may access the owner: "
                + "show / update / delete of a file owned by a package needs package_show / package_update / package_delete "
                + "on it, and so on. Do not add user: files are owned by users while they are being attached to something.")
                .type(ConfigType.LIST).defaultValue("package resource group organization"));
        d.option(ConfigOption.of(TRANSFER_AS_UPDATE, "Transferring a file to an owner of a cascade_access type needs <type>_update "
                + "on the new owner; when false, <type>_file_transfer (an auth function a plugin defines).")
                .type(ConfigType.BOOLEAN).defaultValue("true"));
        d.option(ConfigOption.of(SCAN_AS_UPDATE, "file_owner_scan (the files of one owner) needs <type>_update on the owner; "
                + "when false, <type>_file_scan (an auth function a plugin defines). As CKAN 2.12's "
                + "ckan.files.owner.scan_as_update.").type(ConfigType.BOOLEAN).defaultValue("true"));
        declareCloudStorage(d);
        d.option(ConfigOption.of(MAX_MULTIPART_LIFETIME, "Days an unfinished multipart upload may stay open: "
                + "files_multipart_clean (and the CLI's files clean-multipart) aborts older ones, in the database and at "
                + "the storage's backend.").type(ConfigType.INT).defaultValue("7"));
        d.option(ConfigOption.of(MAX_LINK_DURATION, "Longest lifetime in seconds of a temporal or one-time link that "
                + "files_file_link makes (its duration); a longer one is refused. Permanent links have none: they stop "
                + "working when the file's links are revoked (files_file_link_revoke), the file is deleted or the user who "
                + "made the link may no longer see the file.").type(ConfigType.INT)
                .defaultValue(Long.toString(DEFAULT_MAX_LINK_DURATION)));
        d.requireAtLeast(MAX_LINK_DURATION, 1, "must be at least 1 second");
        d.option(ConfigOption.of(ORPHAN_GRACE_PERIOD, "Seconds stored bytes without a tracked file must be old before "
                + "files verify --repair or the server's orphan sweep removes them (an upload in flight writes its bytes before "
                + "its record commits), and a spooled upload in <data_dir>/tmp before it counts as stale.")
                .type(ConfigType.INT).defaultValue("3600"));
        d.option(ConfigOption.of(ORPHAN_SWEEP_INTERVAL, "Seconds between the server's sweeps of orphaned bytes (bytes without a "
                + "tracked file, older than " + ORPHAN_GRACE_PERIOD + ") in every configured storage; one server process "
                + "per database runs each sweep. 0 turns the sweep off.").type(ConfigType.INT).defaultValue("3600"));
        d.option(ConfigOption.of(SWEEP_MULTIPART, "The server's periodic sweep also aborts the multipart uploads started more than "
                + MAX_MULTIPART_LIFETIME + " days ago, at the backend and in the database (what files_multipart_clean does), once per "
                + "interval whatever the number of server processes.").type(ConfigType.BOOLEAN).defaultValue("true"));
        d.option(ConfigOption.of(TUS_CORS_ORIGINS, "Origins (scheme://host[:port], or *) of web applications on other sites "
                + "that may send tus uploads to /files/tus with an API token: the endpoint answers their CORS preflights and "
                + "shows them its headers (no cookies cross origins). Empty: only the portal's own pages.")
                .type(ConfigType.LIST).defaultValue(""));
        String origins = d.valuesUnder(TUS_CORS_ORIGINS).get(TUS_CORS_ORIGINS);
        for (String origin : origins == null ? new String[0] : origins.trim().split("[\\s,]+")) {
            if (!origin.isEmpty() && !origin.equals("*") && !origin.matches("https?://[^/\\s,]+")) {
                d.reject(TUS_CORS_ORIGINS, "'" + origin + "' is not an origin such as https://app.example.org (or *)");
            }
        }
        for (String key : new String[] {ORPHAN_GRACE_PERIOD, ORPHAN_SWEEP_INTERVAL}) {
            String v = d.valuesUnder(key).get(key);
            if (v != null && v.trim().matches("-\\d+")) {
                d.reject(key, "must be 0 or more (seconds)");
            }
        }
    }

    /** ckanext-cloudstorage's settings under portal.cloudstorage.* (translated by {@link CloudStorageForm}). */
    private static void declareCloudStorage(ConfigDeclaration d) {
        d.namespace(CloudStorageForm.PREFIX);
        d.option(ConfigOption.of(CloudStorageForm.DRIVER, "ckanext-cloudstorage's driver, a libcloud provider constant ("
                + String.join(", ", CloudStorageForm.drivers()) + "): the storage " + CloudStorageForm.STORAGE
                + " names is configured from it (docs/migration.md)."));
        d.option(ConfigOption.of(CloudStorageForm.DRIVER_OPTIONS, "The driver's options as ckanext-cloudstorage takes them: "
                + "{\"key\": ..., \"secret\": ...} (JSON or a Python dict), with host, port, secure and region where needed.").asSecret());
        d.option(ConfigOption.of(CloudStorageForm.CONTAINER_NAME, "The bucket or container (case-sensitive)."));
        d.option(ConfigOption.of(CloudStorageForm.USE_SECURE_URLS, "As portal.files.use_secure_urls (1 or 0, true or false)."));
        d.option(ConfigOption.of(CloudStorageForm.MAX_MULTIPART_LIFETIME, "As portal.files.max_multipart_lifetime (days).")
                .type(ConfigType.INT));
        d.option(ConfigOption.of(CloudStorageForm.STORAGE, "The storage the settings configure.")
                .defaultValue(CloudStorageForm.DEFAULT_STORAGE));
    }
}
