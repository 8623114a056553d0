package dev.portalkit.runtime.files;

import dev.portalkit.api.ErrorKind;
import dev.portalkit.api.PortalException;
import dev.portalkit.api.action.ActionContext;
import dev.portalkit.api.action.UserRef;
import dev.portalkit.api.files.Capability;
import dev.portalkit.api.files.Location;
import dev.portalkit.api.files.ManagedStorage;
import dev.portalkit.runtime.Portal;
import dev.portalkit.runtime.files.content.LocationRules;
import dev.portalkit.runtime.files.download.DownloadConfig;
import dev.portalkit.runtime.files.download.DownloadLinks;
import dev.portalkit.runtime.files.download.DownloadRequest;
import dev.portalkit.runtime.files.download.DownloadResponse;
import dev.portalkit.runtime.files.download.DownloadTarget;
import dev.portalkit.runtime.files.download.DownloadableFile;
import dev.portalkit.runtime.files.download.FileDownloads;
import dev.portalkit.runtime.plugin.PluginSet;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The downloads the web serves, decided here: what each route may hand out and how (the HTTP
 * layer parses the route and the caller's credentials, and writes the {@link Answer}). Every
 * route ends in the one download service ({@link FileDownloads}):
 *
 * <ul>
 *   <li>{@link #publicFile}: a file of a storage with {@code public = true}, straight from the
 *       storage (no database); any other storage, or none, is NOT_FOUND; the location is checked
 *       like every location (no traversal);</li>
 *   <li>{@link #trackedFile}: {@code files_file_show} for the caller is the permission check;</li>
 *   <li>{@link #linkedFile}: a download link ({@link DownloadLinks}) is the permission while it
 *       holds; a one-time link is consumed by the {@code GET} that is answered;</li>
 *   <li>{@link #resourceFile}: a resource's uploaded file ({@code resource_show} for the caller is
 *       the permission check; the resource must belong to the dataset of the route); a resource
 *       whose {@code url} is an absolute link redirects there. With
 *       {@code portal.files.use_secure_urls}, the file of a private dataset in a storage with
 *       TEMPORAL_LINK is a redirect to a signed URL that expires after
 *       {@code portal.files.secure_url_ttl} seconds.</li>
 * </ul>
 */
@ApplicationScoped
public class Downloads {
    /** The File API action that authorizes a tracked file's download. */
    public static final String FILE_SHOW = "files_file_show";

    @Inject
    Portal portal;

    /** For CDI. */
    public Downloads() {
    }

    /** Outside CDI (tests, tools). */
    public Downloads(Portal portal) {
        this.portal = portal;
    }

    /**
     * What a route answers: the download service's response, and the {@code Cache-Control} of the
     * route (used when the response has none).
     */
    public record Answer(DownloadResponse response, String cacheControl) {
    }

    /** A file of the public storage {@code storageName} at {@code path}. */
    public Answer publicFile(String storageName, String path, DownloadRequest request) {
        FilesPlugin files = files().orElseThrow(() -> PortalException.notFound("Not found"));
        ManagedStorage storage = files.storages().all().get(storageName);
        if (storage == null || !storage.settings().publicStorage()) {
            // The same answer whether the storage is private or missing.
            throw PortalException.notFound("Not found");
        }
        Location location = new Location(LocationRules.check(path));
        DownloadTarget target = files.downloads().describe(storage, location);
        return new Answer(files.downloads().respond(storage, target, request), "no-cache");
    }

    /**
     * The tracked file {@code id}, for the caller {@code user} gives (resolved in the same
     * transaction as the permission check: a token check and {@code files_file_show} would each open one).
     */
    public Answer trackedFile(String id, Supplier<Optional<UserRef>> user, DownloadRequest request) {
        FilesPlugin files = fileApi();
        // Deferred: for a sysadmin (and no plugin's permission function that reads entities) the token and the file
        // are two plain reads, no entity manager (half of a small download's time went to it and its transaction).
        DownloadableFile file = portal.inDeferredTransaction(() -> files.fileApi().downloadable(portal.context(user.get(), false), id));
        return new Answer(files.downloads().respond(files.storages().get(file.storage()), file.target(), request), "private, no-cache");
    }

    /** The file a download link leads to, while the link holds. */
    public Answer linkedFile(String token, DownloadRequest request) {
        FilesPlugin files = fileApi();
        DownloadLinks links = files.downloadLinks();
        DownloadLinks.Grant grant = links.verify(token);
        // The link is the permission while it holds: not revoked, and its maker may still download the file.
        DownloadableFile file = files.fileApi().linkedFile(grant);
        DownloadResponse response = files.downloads().respond(files.storages().get(file.storage()), file.target(), request);
        if (!request.head()) {
            try {
                // After the response is ready (a missing file does not use the link up), before a byte is sent.
                links.consume(grant);
            } catch (RuntimeException e) {
                response.close();
                throw e;
            }
        }
        return new Answer(response, grant.kind() == DownloadLinks.Kind.ONE_TIME ? "private, no-store" : "private, no-cache");
    }

    /**
     * The uploaded file of resource {@code resourceId} of the dataset {@code dataset} (its id or
     * name), for the caller {@code user}.
     */
    @SuppressWarnings("unchecked")
    public Answer resourceFile(String dataset, String resourceId, Optional<UserRef> user, DownloadRequest request) {
        ActionContext caller = portal.context(user, false);
        Map<String, Object> resource = (Map<String, Object>) caller.call("resource_show", Map.of("id", resourceId));
        ActionContext system = portal.context(Optional.empty(), true);
        Map<String, Object> owner = (Map<String, Object>) system.call("package_show", Map.of("id", String.valueOf(resource.get("package_id"))));
        if (!dataset.equals(owner.get("id")) && !dataset.equals(owner.get("name"))) {
            throw PortalException.notFound("Resource " + resource.get("id") + " is not a resource of dataset " + dataset);
        }
        Object fileId = resource.get("file_id");
        if (!"upload".equals(resource.get("url_type")) || fileId == null) {
            String url = resource.get("url") instanceof String u ? u : "";
            Optional<URI> link = webLink(url);
            if (link.isPresent() && !url.contains("/resource/" + resource.get("id") + "/download/")) {
                return new Answer(FileDownloads.redirect(link.get()), "no-store");
            }
            throw PortalException.notFound("Resource " + resource.get("id") + " has no uploaded file, and its url is no http, "
                    + "https or ftp link to redirect to");
        }
        FilesPlugin files = fileApi();
        DownloadableFile file = files.fileApi().downloadable(system, String.valueOf(fileId));
        ManagedStorage storage = files.storages().get(file.storage());
        if (Boolean.TRUE.equals(owner.get("private")) && portal.config().bool(DownloadConfig.USE_SECURE_URLS)
                && storage.supports(Capability.TEMPORAL_LINK)) {
            Duration ttl = Duration.ofSeconds(portal.config().integer(DownloadConfig.SECURE_URL_TTL));
            return new Answer(FileDownloads.redirect(storage.reader().temporalLink(file.data(), ttl, file.name())), "no-store");
        }
        return new Answer(files.downloads().respond(storage, file.target(), request), "private, no-cache");
    }

    /**
     * A resource {@code url} the download route may redirect to: an absolute http, https or ftp URL
     * with a host that parses (CKAN takes free text there: {@code javascript:}, {@code data:}, a
     * name without a scheme, or a broken URL is no link), in its ASCII form for the Location header.
     */
    static Optional<URI> webLink(String url) {
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException e) {
            return Optional.empty();
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!(scheme.equals("http") || scheme.equals("https") || scheme.equals("ftp")) || uri.isOpaque() || uri.getHost() == null
                || uri.getHost().isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(URI.create(uri.toASCIIString()));
    }

    private Optional<FilesPlugin> files() {
        PluginSet plugins = portal.plugins();
        FoundFiles found = foundFiles;
        if (found == null || found.plugins() != plugins) {
            List<PluginSet.Named<FilesPlugin>> named = plugins.implementing(FilesPlugin.class);
            found = new FoundFiles(plugins, named.isEmpty() ? Optional.empty() : Optional.of(named.get(0).plugin()));
            foundFiles = found;
        }
        return found.files();
    }

    /**
     * The files plugin of a resolved plugin set: looked up once per set (a started portal's set does
     * not change), not on every download (a walk over the plugins and a list, twice per request).
     */
    private record FoundFiles(PluginSet plugins, Optional<FilesPlugin> files) {
    }

    private volatile FoundFiles foundFiles;

    /** The files plugin, when the File API's {@code files_file_show} is there to authorize tracked downloads. */
    private FilesPlugin fileApi() {
        Optional<FilesPlugin> files = files();
        if (files.isEmpty() || portal.dispatcher().actions().get(FILE_SHOW) == null) {
            throw new PortalException(ErrorKind.UNSUPPORTED, "downloads of tracked files need the File API (" + FILE_SHOW
                    + "), which no enabled plugin provides");
        }
        return files.get();
    }
}
