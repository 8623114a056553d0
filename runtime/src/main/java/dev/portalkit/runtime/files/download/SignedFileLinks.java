package dev.portalkit.runtime.files.download;

import dev.portalkit.api.ErrorKind;
import dev.portalkit.api.action.ActionContext;
import dev.portalkit.api.action.UserRef;
import dev.portalkit.api.files.FilesException;
import dev.portalkit.runtime.core.CoreConfig;
import dev.portalkit.runtime.files.FileLinks;
import dev.portalkit.runtime.files.registry.Storages;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The portal's own links for {@code files_file_link}, for storages that cannot make them: signed
 * permanent and temporal links and database-backed one-time links to {@code /files/link/<token>}
 * ({@link DownloadLinks}), and public links to {@code /files/public-download/<storage>/<location>}
 * for public storages. Download URLs point at {@code /files/download/<id>}. The files plugin uses
 * it unless a {@link FileLinks} bean of a higher priority is there.
 */
public final class SignedFileLinks implements FileLinks {
    /** How long a one-time link stays usable when the caller gives no duration. */
    static final Duration ONE_TIME_DEFAULT = Duration.ofDays(1);

    private final Supplier<DownloadLinks> links;
    private final Supplier<Storages> storages;

    /** @param links the portal's download links; {@code storages} the running portal's storages */
    public SignedFileLinks(Supplier<DownloadLinks> links, Supplier<Storages> storages) {
        this.links = links;
        this.storages = storages;
    }

    /**
     * The link records its maker — the calling user, or nobody for an {@code ignore_auth} call (the
     * portal itself) — and the file's {@code link_generation}, so that it stops working when the
     * maker may no longer see the file or the file's links are revoked.
     */
    @Override
    public URI link(ActionContext context, Map<String, Object> file, Type type, Duration ttl) {
        String id = String.valueOf(file.get("id"));
        String maker = context.ignoreAuth() ? null : context.user().map(UserRef::id).orElse(null);
        int generation = file.get(LINK_GENERATION) instanceof Number n ? n.intValue() : 0;
        DownloadLinks links = this.links.get();
        return switch (type) {
            case PERMANENT -> links.permanent(id, maker, generation);
            case TEMPORAL -> links.temporal(id, maker, generation, ttl);
            case ONE_TIME -> links.oneTime(id, maker, generation, ttl == null ? ONE_TIME_DEFAULT : ttl);
            case PUBLIC -> publicLink(context, file);
        };
    }

    private URI publicLink(ActionContext context, Map<String, Object> file) {
        String storage = String.valueOf(file.get("storage"));
        if (!storages.get().get(storage).settings().publicStorage()) {
            throw new FilesException(ErrorKind.UNSUPPORTED, "storage " + storage + " is not public: no public link for its files");
        }
        StringBuilder path = new StringBuilder();
        for (String segment : String.valueOf(file.get("location")).split("/")) {
            path.append('/').append(URLEncoder.encode(segment, StandardCharsets.UTF_8).replace("+", "%20"));
        }
        return URI.create(site(context) + "/files/public-download/" + URLEncoder.encode(storage, StandardCharsets.UTF_8) + path);
    }

    @Override
    public URI downloadUrl(ActionContext context, Map<String, Object> file) {
        return URI.create(site(context) + "/files/download/" + file.get("id"));
    }

    private static String site(ActionContext context) {
        String site = context.config().get(CoreConfig.SITE_URL).orElse("http://localhost:5000");
        while (site.endsWith("/")) {
            site = site.substring(0, site.length() - 1);
        }
        return site;
    }
}
