package dev.portalkit.integration.web;

import dev.portalkit.api.ErrorKind;
import dev.portalkit.api.PortalException;
import dev.portalkit.api.action.ActionContext;
import dev.portalkit.api.action.UserRef;
import dev.portalkit.api.files.Capability;
import dev.portalkit.api.files.Location;
import dev.portalkit.api.files.ManagedStorage;
import dev.portalkit.runtime.ApiTokenAuthenticator;
import dev.portalkit.runtime.Portal;
import dev.portalkit.runtime.files.FilesPlugin;
import dev.portalkit.runtime.files.LocationRules;
import dev.portalkit.runtime.files.download.DownloadRequest;
import dev.portalkit.runtime.files.download.DownloadResponse;
import dev.portalkit.runtime.files.download.DownloadTarget;
import dev.portalkit.runtime.files.download.DownloadableFile;
import dev.portalkit.runtime.files.download.DownloadLinks;
import dev.portalkit.runtime.files.download.DownloadConfig;
import dev.portalkit.runtime.files.download.FileDownloads;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import jakarta.enterprise.context.Dependent;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The download routes below {@code /files/}, whatever serves them (the standalone server or a
 * servlet container), each ending in the one download service
 * ({@link dev.portalkit.runtime.files.download.FileDownloads}):
 *
 * <ul>
 *   <li>{@code public-download/<storage>/<location...>}: a file of a storage with
 *       {@code public = true}, straight from the storage (no database); any other storage, or none,
 *       is 404; the location is checked like every location (no traversal);</li>
 *   <li>{@code download/<id>}: {@code files_file_show} for the requesting user (the
 *       {@code Authorization} header as in the action API; anonymous without) is the permission
 *       check and gives the file;</li>
 *   <li>{@code link/<token>}: a download link ({@link DownloadLinks}); the link is the permission
 *       while it holds ({@code FileApi.linkedFile}: not revoked, its maker may still see the file);
 *       a one-time link is consumed by the {@code GET} that is answered.</li>
 * </ul>
 *
 * <p>and, below {@code /dataset/}, a resource's uploaded file,
 * {@code <dataset>/resource/<resource id>/download/<file name>} (CKAN's route; the name is for the
 * browser, the resource says which file): {@code resource_show} for the requesting user is the
 * permission check; an uploaded file is served by the download service, a resource whose
 * {@code url} is an absolute link (a link resource, or an upload a plugin's {@code IUploader} keeps
 * elsewhere) redirects there. With {@code portal.files.use_secure_urls}, the file of a private
 * dataset in a storage with TEMPORAL_LINK is a redirect to a signed URL that expires after
 * {@code portal.files.secure_url_ttl} seconds.
 */
@Dependent
public class FileDownloadRoutes {
    /** The File API action that authorizes and describes a tracked file. */
    public static final String FILE_SHOW = "files_file_show";

    @Inject
    Portal portal;

    @Inject
    Instance<ApiTokenAuthenticator> authenticators;

    /** For CDI. */
    public FileDownloadRoutes() {
    }

    /**
     * A routed download: the service's response, and the {@code Cache-Control} of the route (used
     * when the response has none).
     */
    public record Routed(DownloadResponse response, String cacheControl) {
    }

    /**
     * @param segments      the decoded path segments after {@code /files/}
     * @param credentials   the {@code Authorization} header (or null) and the client's address
     * @throws PortalException NOT_FOUND, PERMISSION_DENIED, BAD_REQUEST, ... (rendered as API error envelopes)
     */
    public Routed route(List<String> segments, ApiTokens.Credentials credentials, DownloadRequest request) {
        String route = segments.isEmpty() ? "" : segments.get(0);
        switch (route) {
            case "public-download":
                if (segments.size() >= 3) {
                    return publicDownload(segments.get(1), String.join("/", segments.subList(2, segments.size())), request);
                }
                break;
            case "download":
                if (segments.size() == 2) {
                    return download(segments.get(1), credentials, request);
                }
                break;
            case "link":
                if (segments.size() == 2) {
                    return link(segments.get(1), request);
                }
                break;
            default:
                break;
        }
        throw PortalException.notFound("Not found");
    }

    /**
     * @param segments the decoded path segments after {@code /dataset/}
     */
    @SuppressWarnings("unchecked")
    public Routed resource(List<String> segments, ApiTokens.Credentials credentials, DownloadRequest request) {
        if (segments.size() < 5 || !"resource".equals(segments.get(1)) || !"download".equals(segments.get(3))) {
            throw PortalException.notFound("Not found");
        }
        Optional<UserRef> user = ApiTokens.user(credentials, authenticators);
        ActionContext caller = portal.context(user, false);
        Map<String, Object> resource = (Map<String, Object>) caller.call("resource_show", Map.of("id", segments.get(2)));
        ActionContext system = portal.context(Optional.empty(), true);
        Map<String, Object> dataset = (Map<String, Object>) system.call("package_show", Map.of("id", String.valueOf(resource.get("package_id"))));
        String given = segments.get(0);
        if (!given.equals(dataset.get("id")) && !given.equals(dataset.get("name"))) {
            throw PortalException.notFound("Resource " + resource.get("id") + " is not a resource of dataset " + given);
        }
        Object fileId = resource.get("file_id");
        if (!"upload".equals(resource.get("url_type")) || fileId == null) {
            String url = resource.get("url") instanceof String u ? u : "";
            Optional<URI> link = webLink(url);
            if (link.isPresent() && !url.contains("/resource/" + resource.get("id") + "/download/")) {
                return new Routed(FileDownloads.redirect(link.get()), "no-store");
            }
            throw PortalException.notFound("Resource " + resource.get("id") + " has no uploaded file, and its url is no http, "
                    + "https or ftp link to redirect to");
        }
        DownloadableFile file = show(system, String.valueOf(fileId));
        FilesPlugin files = FilesPlugin.of(portal);
        ManagedStorage storage = files.storages().get(file.storage());
        if (Boolean.TRUE.equals(dataset.get("private")) && portal.config().bool(DownloadConfig.USE_SECURE_URLS)
                && storage.supports(Capability.TEMPORAL_LINK)) {
            Duration ttl = Duration.ofSeconds(portal.config().integer(DownloadConfig.SECURE_URL_TTL));
            return new Routed(FileDownloads.redirect(storage.reader().temporalLink(file.data(), ttl, file.name())), "no-store");
        }
        return new Routed(files.downloads().respond(storage, file.target(), request), "private, no-cache");
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
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(java.util.Locale.ROOT);
        if (!(scheme.equals("http") || scheme.equals("https") || scheme.equals("ftp")) || uri.isOpaque() || uri.getHost() == null
                || uri.getHost().isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(URI.create(uri.toASCIIString()));
    }

    private Routed publicDownload(String storageName, String path, DownloadRequest request) {
        FilesPlugin files = FilesPlugin.of(portal);
        ManagedStorage storage = files.storages().all().get(storageName);
        if (storage == null || !storage.settings().publicStorage()) {
            // The same answer whether the storage is private or missing.
            throw PortalException.notFound("Not found");
        }
        Location location = new Location(LocationRules.check(path));
        DownloadTarget target = files.downloads().describe(storage, location);
        return new Routed(files.downloads().respond(storage, target, request), "no-cache");
    }

    private Routed download(String id, ApiTokens.Credentials credentials, DownloadRequest request) {
        // The token check and files_file_show share one transaction (each would open its own).
        DownloadableFile file = portal.inTransaction(() -> {
            Optional<UserRef> user = ApiTokens.user(credentials, authenticators);
            return show(portal.context(user, false), id);
        });
        FilesPlugin files = FilesPlugin.of(portal);
        ManagedStorage storage = files.storages().get(file.storage());
        return new Routed(files.downloads().respond(storage, file.target(), request), "private, no-cache");
    }

    private Routed link(String token, DownloadRequest request) {
        FilesPlugin files = FilesPlugin.of(portal);
        DownloadLinks links = files.downloadLinks();
        DownloadLinks.Grant grant = links.verify(token);
        // The link is the permission while it holds: not revoked, and its maker may still see the file.
        DownloadableFile file = DownloadableFile.fromDict(files.fileApi().linkedFile(grant));
        ManagedStorage storage = files.storages().get(file.storage());
        DownloadResponse response = files.downloads().respond(storage, file.target(), request);
        if (!request.head()) {
            try {
                // After the response is ready (a missing file does not use the link up), before a byte is sent.
                links.consume(grant);
            } catch (RuntimeException e) {
                response.close();
                throw e;
            }
        }
        return new Routed(response, grant.kind() == DownloadLinks.Kind.ONE_TIME ? "private, no-store" : "private, no-cache");
    }

    private DownloadableFile show(ActionContext context, String id) {
        if (portal.dispatcher().actions().get(FILE_SHOW) == null) {
            throw new PortalException(ErrorKind.UNSUPPORTED, "downloads of tracked files need the File API (" + FILE_SHOW
                    + "), which no enabled plugin provides");
        }
        Object result = context.call(FILE_SHOW, Map.of("id", id));
        if (!(result instanceof Map<?, ?> dict)) {
            throw new PortalException(ErrorKind.INTERNAL, FILE_SHOW + " did not return a file");
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> typed = (Map<String, Object>) dict;
        return DownloadableFile.fromDict(typed);
    }
}
