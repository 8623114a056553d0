package dev.portalkit.runtime.files.download;

import dev.portalkit.api.config.ConfigDeclaration;
import dev.portalkit.api.config.ConfigOption;
import dev.portalkit.api.config.ConfigType;

/** The download and link options of the files plugin ({@code portal.files.*}). */
public final class DownloadConfig {
    public static final String INLINE_CONTENT_TYPES = "portal.files.inline_content_types";
    public static final String LINK_SECRET = "portal.files.link_secret";
    public static final String REDIRECT_TTL = "portal.files.redirect_ttl";
    public static final String USE_SECURE_URLS = "portal.files.use_secure_urls";
    public static final String SECURE_URL_TTL = "portal.files.secure_url_ttl";
    static final int MIN_SECRET_LENGTH = 32;

    private DownloadConfig() {
    }

    /** Declares the options (called by the files plugin, inside its {@code portal.files.} namespace). */
    public static void declare(ConfigDeclaration d) {
        d.option(ConfigOption.of(INLINE_CONTENT_TYPES, "Content types downloads serve inline (shown by the browser) "
                + "instead of as attachments: full types (text/csv, image/*), main types (image) or subtypes (pdf), "
                + "space separated; empty = every file is an attachment.").type(ConfigType.LIST)
                .defaultValue("application/pdf image video"));
        d.option(ConfigOption.of(LINK_SECRET, "Key that signs temporal and permanent download links (at least "
                + MIN_SECRET_LENGTH + " characters). Unset: a random key generated once into "
                + "<data_dir>/" + LinkSecret.FILE + " (mode 0600). Changing it revokes every temporal and permanent "
                + "link. Processes that share a database must share it.").asSecret());
        d.option(ConfigOption.of(REDIRECT_TTL, "Seconds a redirect URL made by a storage (an S3 presigned URL) stays "
                + "valid when a download is redirected to it.").type(ConfigType.INT).defaultValue("60"));
        d.option(ConfigOption.of(USE_SECURE_URLS, "Downloads of resources of private datasets whose file is in a storage "
                + "that makes temporal links (TEMPORAL_LINK: S3, Azure) redirect, after the portal's permission check, to a "
                + "short-lived signed URL of the storage instead of streaming through the portal (ckanext-cloudstorage's "
                + "secure URLs).").type(ConfigType.BOOLEAN).defaultValue("false"));
        d.option(ConfigOption.of(SECURE_URL_TTL, "Seconds a secure URL (" + USE_SECURE_URLS + ") stays valid.")
                .type(ConfigType.INT).defaultValue("60"));
        String secret = d.valuesUnder(LINK_SECRET).get(LINK_SECRET);
        if (secret != null && !secret.isBlank() && secret.trim().length() < MIN_SECRET_LENGTH) {
            d.reject(LINK_SECRET, "must be at least " + MIN_SECRET_LENGTH + " characters long");
        }
        for (String key : new String[]{REDIRECT_TTL, SECURE_URL_TTL}) {
            d.requireAtLeast(key, 1, "must be at least 1 second");
        }
    }
}
