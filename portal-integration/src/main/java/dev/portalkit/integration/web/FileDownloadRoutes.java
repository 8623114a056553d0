package dev.portalkit.integration.web;

import dev.portalkit.api.ErrorKind;
import dev.portalkit.api.PortalException;
import dev.portalkit.api.action.ActionContext;
import dev.portalkit.api.action.UserRef;
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
 *   <li>{@code link/<token>}: a download link ({@link DownloadLinks}); the link is the permission, so
 *       {@code files_file_show} runs with {@code ignore_auth}; a one-time link is consumed by the
 *       {@code GET} that is answered.</li>
 * </ul>
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
     * @param authorization the {@code Authorization} header, or null
     * @throws PortalException NOT_FOUND, PERMISSION_DENIED, BAD_REQUEST, ... (rendered as API error envelopes)
     */
    public Routed route(List<String> segments, String authorization, DownloadRequest request) {
        String route = segments.isEmpty() ? "" : segments.get(0);
        switch (route) {
            case "public-download":
                if (segments.size() >= 3) {
                    return publicDownload(segments.get(1), String.join("/", segments.subList(2, segments.size())), request);
                }
                break;
            case "download":
                if (segments.size() == 2) {
                    return download(segments.get(1), authorization, request);
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

    private Routed download(String id, String authorization, DownloadRequest request) {
        // The token check and files_file_show share one transaction (each would open its own).
        DownloadableFile file = portal.inTransaction(() -> {
            Optional<UserRef> user = ApiTokens.user(authorization, authenticators);
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
        DownloadableFile file = show(portal.context(Optional.empty(), true), grant.fileId());
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
