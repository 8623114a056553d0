package dev.portalkit.integration.web;

import dev.portalkit.api.PortalException;
import dev.portalkit.api.action.UserRef;
import dev.portalkit.integration.web.ApiResponses.ApiError;
import dev.portalkit.runtime.files.download.DownloadRequest;
import dev.portalkit.runtime.files.download.DownloadResponse;
import dev.portalkit.runtime.files.Downloads;
import jakarta.inject.Inject;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The download routes ({@code GET} and {@code HEAD} below {@code /files/}, see
 * {@link FileDownloadRoutes}) as a servlet, in front of the Jakarta REST application: a REST
 * resource returning a {@code StreamingOutput} can only copy bytes through the heap, a servlet can
 * hand the server the open file. In a WAR the container finds it by its annotation and injects the
 * routes; the standalone server registers it with a {@link LocalFileSender} for Jetty.
 *
 * <p>Every response, errors included, carries {@code X-Content-Type-Options: nosniff}; errors are
 * the action API's JSON envelopes.
 */
@WebServlet(name = "files", urlPatterns = {"/files/*", "/dataset/*"})
public class FileDownloadServlet extends HttpServlet {
    private static final Logger LOG = Logger.getLogger(FileDownloadServlet.class.getName());
    private static final String PREFIX = "/files/";
    /** Resource downloads, {@code /dataset/<id>/resource/<rid>/download/<name>} (CKAN's route). */
    private static final String DATASET_PREFIX = "/dataset/";
    /** The servlet of the HTML pages, by name. */
    public static final String PAGES = "pages";

    @Inject
    transient FileDownloadRoutes routes;

    @Inject
    transient WebIdentity identities;

    private final transient LocalFileSender sender;

    /** For the servlet container (WAR): the routes are injected, local files copied through a heap buffer. */
    public FileDownloadServlet() {
        this.sender = LocalFileSender.BUFFERED;
    }

    /** For the standalone server. */
    public FileDownloadServlet(FileDownloadRoutes routes, WebIdentity identities, LocalFileSender sender) {
        this.routes = routes;
        this.identities = identities;
        this.sender = sender;
    }

    @Override
    protected void service(HttpServletRequest req, HttpServletResponse resp) throws IOException, ServletException {
        List<String> datasetPath = RequestPaths.below(req, DATASET_PREFIX);
        boolean datasetPage = datasetPath != null ? !FileDownloadRoutes.isResourceDownload(datasetPath)
                : !RequestPaths.path(req).startsWith(PREFIX);
        if (datasetPage) {
            // The dataset pages share /dataset/ with the resource downloads.
            getServletContext().getNamedDispatcher(PAGES).forward(req, resp);
            return;
        }
        resp.setHeader("X-Content-Type-Options", "nosniff");
        String method = req.getMethod();
        boolean head = "HEAD".equals(method);
        if (!head && !"GET".equals(method)) {
            resp.setHeader("Allow", "GET, HEAD");
            writeError(req, resp, new ApiError(405, "Method Not Allowed Error", "Method Not Allowed", Map.of()), false);
            return;
        }
        String inline;
        try {
            inline = RequestPaths.queryParameter(req, "inline");
        } catch (RuntimeException e) {
            writeError(req, resp, ApiResponses.describe(e), head);
            return;
        }
        if (inline != null && !List.of("true", "false", "1", "0").contains(inline)) {
            writeError(req, resp, ApiResponses.describe(dev.portalkit.api.ValidationException.of("inline",
                    "Must be true or false (send the file inline, or as an attachment)")), head);
            return;
        }
        DownloadRequest request = new DownloadRequest(head, req.getHeader("Range"), req.getHeader("If-Range"),
                req.getHeader("If-None-Match"), req.getHeader("If-Modified-Since"),
                inline == null ? null : inline.equals("true") || inline.equals("1"));
        Downloads.Answer routed;
        try {
            Supplier<Optional<UserRef>> user = () -> identities.identify(req).user();
            routed = datasetPath != null ? routes.resource(datasetPath, user, request)
                    : routes.route(segments(req), user, request);
        } catch (RuntimeException e) {
            writeError(req, resp, ApiResponses.describe(e), head);
            return;
        }
        try (DownloadResponse response = routed.response()) {
            write(req, resp, response, routed.cacheControl(), head);
        }
    }

    private void write(HttpServletRequest req, HttpServletResponse resp, DownloadResponse response, String cacheControl,
                       boolean head) throws IOException {
        resp.setStatus(response.status());
        response.headers().forEach((name, value) -> {
            if (name.equalsIgnoreCase("Content-Length")) {
                resp.setContentLengthLong(Long.parseLong(value));
            } else if (name.equalsIgnoreCase("Content-Type")) {
                resp.setContentType(value);
                if (!value.toLowerCase(java.util.Locale.ROOT).contains("charset=")) {
                    // The stored type says nothing of a charset: do not let the container claim ISO-8859-1 (Jetty does).
                    resp.setCharacterEncoding((String) null);
                }
            } else {
                resp.setHeader(name, value);
            }
        });
        if (response.header("Cache-Control") == null && cacheControl != null) {
            resp.setHeader("Cache-Control", cacheControl);
        }
        try {
            if (response.body() instanceof DownloadResponse.Problem problem) {
                writeJson(req, resp, new ApiError(response.status(), ApiResponses.httpErrorType(response.status()),
                        problem.message(), Map.of()), head);
            } else if (response.body() instanceof DownloadResponse.LocalFile file) {
                sender.send(resp, file.channel(), file.offset(), file.length());
            } else if (response.body() instanceof DownloadResponse.Content content) {
                copy(content.stream(), resp.getOutputStream(), content.length());
            }
        } catch (LocalFileSender.ReadFailure e) {
            // The status is sent: all that is left is to cut the response short (the client sees a short body).
            LOG.log(Level.WARNING, "download of " + req.getRequestURI() + " failed while sending: " + e.getMessage(), e);
            throw e;
        } catch (IOException e) {
            LOG.log(Level.FINE, "the client of " + req.getRequestURI() + " went away: " + e);
        }
    }

    /** Copies {@code length} bytes ({@code -1}: to the end) through a 256 KiB buffer. */
    private static void copy(InputStream in, ServletOutputStream out, long length) throws IOException {
        byte[] buffer = new byte[LocalFileSender.BUFFER];
        long left = length < 0 ? Long.MAX_VALUE : length;
        while (left > 0) {
            int n;
            try {
                n = in.read(buffer, 0, (int) Math.min(buffer.length, left));
            } catch (IOException | RuntimeException e) {
                throw new LocalFileSender.ReadFailure("cannot read the file: " + e.getMessage(), e);
            }
            if (n < 0) {
                if (length >= 0) {
                    throw new LocalFileSender.ReadFailure("the file ended " + left + " bytes early", null);
                }
                return;
            }
            out.write(buffer, 0, n);
            left -= n;
        }
    }

    /** The path below {@code /files/}, split at {@code /} and percent-decoded segment by segment (UTF-8). */
    static List<String> segments(HttpServletRequest req) {
        List<String> segments = RequestPaths.below(req, PREFIX);
        if (segments == null) {
            throw PortalException.notFound("Not found");
        }
        return segments;
    }

    static void writeError(HttpServletRequest req, HttpServletResponse resp, ApiError error, boolean head)
            throws IOException {
        if (resp.isCommitted()) {
            return;
        }
        resp.setStatus(error.status());
        ApiResponses.retryAfter(error.status(), error.details()).ifPresent(seconds -> resp.setHeader(ApiResponses.RETRY_AFTER, seconds));
        writeJson(req, resp, error, head);
    }

    private static void writeJson(HttpServletRequest req, HttpServletResponse resp, ApiError error, boolean head)
            throws IOException {
        byte[] body = ApiResponses.errorJson(ApiResponses.helpUrl(base(req), null), error.type(), error.message(), error.details());
        resp.setHeader("Content-Disposition", null);
        resp.setHeader("Content-Security-Policy", null);
        resp.setContentType(ApiResponses.JSON_TYPE);
        resp.setContentLength(body.length);
        if (!head) {
            resp.getOutputStream().write(body);
        }
    }

    /** The base URL of the application (context path included), or {@code null}. */
    static URI base(HttpServletRequest req) {
        try {
            String context = req.getContextPath() == null ? "" : req.getContextPath();
            return new URI(req.getScheme(), null, req.getServerName(), req.getServerPort(), context + "/", null, null);
        } catch (java.net.URISyntaxException | RuntimeException e) {
            return null;
        }
    }
}
