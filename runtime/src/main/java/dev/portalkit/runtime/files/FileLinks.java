package dev.portalkit.runtime.files;

import dev.portalkit.api.action.ActionContext;
import dev.portalkit.runtime.core.CoreConfig;
import java.net.URI;
import java.time.Duration;
import java.util.Map;

/**
 * Runtime-internal seam between the File API and the download routes: links to tracked files
 * that the file's storage cannot make itself.
 *
 * <p>{@code files_file_link} first asks the storage ({@code StorageReader.publicLink},
 * {@code temporalLink}, {@code permanentLink}, {@code oneTimeLink}, when the storage has the
 * capability) and only otherwise calls {@link #link}. The files plugin uses the CDI bean of this
 * type with the highest {@link #priority()} above 0, else its own {@code download.SignedFileLinks}
 * (signed and one-time links to the portal's own download routes).
 *
 * <p>Permission to link the file has been checked before {@link #link} is called (the caller may
 * {@code show} the file), so implementations make the URL. A link should stop working when the
 * file's {@link #LINK_GENERATION} is raised ({@code files_file_link_revoke}) and, unless it was made
 * by the portal itself ({@code ignore_auth}), when its maker may no longer show the file.
 */
public interface FileLinks {
    /**
     * The key of the file map given to {@link #link} that holds the file's link generation (a
     * number, raised by {@code files_file_link_revoke}); it is not part of the file's dict.
     */
    String LINK_GENERATION = "link_generation";

    /** The link types of {@code files_file_link}. */
    enum Type {
        /** Works as long as the file exists. */
        PERMANENT,
        /** Works for a given duration. */
        TEMPORAL,
        /** Works once. */
        ONE_TIME,
        /** Works for anyone, permanently. */
        PUBLIC;

        /** The name used in the API: {@code permanent}, {@code temporal}, {@code one_time}, {@code public}. */
        public String wire() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /** Higher wins among the beans of this type; above 0 replaces the portal's own {@code SignedFileLinks}. */
    default int priority() {
        return 0;
    }

    /**
     * A link of {@code type} to the tracked file.
     *
     * @param file the file as {@code files_file_show} returns it, with its {@link #LINK_GENERATION}
     * @param ttl  for {@link Type#TEMPORAL} and {@link Type#ONE_TIME}, how long the link works (at most
     *             {@code portal.files.max_link_duration}); {@code null} otherwise
     * @throws dev.portalkit.api.files.FilesException UNSUPPORTED when this type cannot be made
     */
    URI link(ActionContext context, Map<String, Object> file, Type type, Duration ttl);

    /**
     * The URL of the file's download route (checked against the caller's permission when used),
     * for {@code files_id_into_resource_download_url}. The default is
     * {@code <portal.site_url>/files/download/<id>}; the download layer may change it.
     */
    default URI downloadUrl(ActionContext context, Map<String, Object> file) {
        String site = context.config().get(CoreConfig.SITE_URL).orElse("http://localhost:5000");
        while (site.endsWith("/")) {
            site = site.substring(0, site.length() - 1);
        }
        return URI.create(site + "/files/download/" + file.get("id"));
    }
}
