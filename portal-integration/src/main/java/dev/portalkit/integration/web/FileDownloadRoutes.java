package dev.portalkit.integration.web;

import dev.portalkit.api.PortalException;
import dev.portalkit.api.action.UserRef;
import dev.portalkit.runtime.files.download.DownloadRequest;
import dev.portalkit.runtime.files.Downloads;
import jakarta.enterprise.context.Dependent;
import jakarta.inject.Inject;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The download routes below {@code /files/}, whatever serves them (the standalone server or a
 * servlet container): this class reads the route and the caller's credentials; the runtime's
 * {@link Downloads} decides what each hands out ({@code public-download/<storage>/<location...>},
 * {@code download/<id>}, {@code link/<token>}), and, below {@code /dataset/}, a resource's uploaded
 * file, {@code <dataset>/resource/<resource id>/download/<file name>} (CKAN's route; the name is
 * for the browser, the resource says which file). The user is the request's {@link WebIdentity}
 * (an API token, a plugin's authenticator or the session cookie; anonymous without), asked only
 * when a route needs it.
 */
@Dependent
public class FileDownloadRoutes {
    @Inject
    Downloads downloads;

    /** For CDI. */
    public FileDownloadRoutes() {
    }

    /**
     * @param segments    the decoded path segments after {@code /files/}
     * @param credentials the {@code Authorization} header (or null) and the client's address
     * @throws PortalException NOT_FOUND, PERMISSION_DENIED, BAD_REQUEST, ... (rendered as API error envelopes)
     */
    public Downloads.Answer route(List<String> segments, Supplier<Optional<UserRef>> user, DownloadRequest request) {
        String route = segments.isEmpty() ? "" : segments.get(0);
        switch (route) {
            case "public-download":
                if (segments.size() >= 3) {
                    return downloads.publicFile(segments.get(1), String.join("/", segments.subList(2, segments.size())), request);
                }
                break;
            case "download":
                if (segments.size() == 2) {
                    return downloads.trackedFile(segments.get(1), user, request);
                }
                break;
            case "link":
                if (segments.size() == 2) {
                    return downloads.linkedFile(segments.get(1), request);
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
    public Downloads.Answer resource(List<String> segments, Supplier<Optional<UserRef>> user, DownloadRequest request) {
        if (!isResourceDownload(segments)) {
            throw PortalException.notFound("Not found");
        }
        return downloads.resourceFile(segments.get(0), segments.get(2), user.get(), request);
    }

    /** Whether the path below {@code /dataset/} is a resource download ({@code <id>/resource/<rid>/download/<name>}); else it is a page. */
    public static boolean isResourceDownload(List<String> segments) {
        return segments.size() >= 5 && "resource".equals(segments.get(1)) && "download".equals(segments.get(3));
    }
}
