package dev.portalkit.integration.web;

import dev.portalkit.integration.web.ApiResponses.ApiError;
import dev.portalkit.runtime.Portal;
import jakarta.inject.Inject;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.annotation.WebFilter;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Locale;

/**
 * Refuses an action API request whose declared {@code Content-Length} is over the limit
 * ({@code portal.http.max_upload_size} for {@code multipart/form-data}, else
 * {@code portal.http.max_body_size}) before anything reads its body: the usual JSON error
 * envelope with 413, and no {@code 100 Continue} for a client that sent
 * {@code Expect: 100-continue} (the server sends that only once the body is read), so such a
 * client never sends the body. Requests without a length are limited while they are read
 * ({@link ActionInput}). In a WAR the container finds this filter by its annotation; the
 * standalone server registers it.
 */
@WebFilter(filterName = "request-size", urlPatterns = "/api/*")
public class RequestSizeFilter extends HttpFilter {
    @Inject
    transient Portal portal;

    /** For the servlet container (WAR): the portal is injected. */
    public RequestSizeFilter() {
    }

    /** For the standalone server. */
    public RequestSizeFilter(Portal portal) {
        this.portal = portal;
    }

    @Override
    protected void doFilter(HttpServletRequest req, HttpServletResponse resp, FilterChain chain) throws IOException, ServletException {
        long length = req.getContentLengthLong();
        if (length > 0 && portal != null && portal.isStarted()) {
            // The raw header: the servlet API's getContentType() fails on a charset the JVM does not know (a 500).
            String header = req.getHeader("Content-Type");
            String type = header == null ? "" : header.toLowerCase(Locale.ROOT).strip();
            String option = type.startsWith("multipart/form-data") ? WebPlugin.MAX_UPLOAD_SIZE : WebPlugin.MAX_BODY_SIZE;
            long limit = portal.config().size(option);
            if (length > limit) {
                refuse(req, resp, limit, option);
                return;
            }
        }
        chain.doFilter(req, resp);
    }

    private static void refuse(HttpServletRequest req, HttpServletResponse resp, long limit, String option) throws IOException {
        ApiError error = ApiResponses.describe(ActionInput.tooLarge(limit, option));
        String uri = req.getRequestURI();
        String action = uri.contains("/action/") ? uri.substring(uri.lastIndexOf('/') + 1) : null;
        byte[] body = ApiResponses.errorJson(ApiResponses.helpUrl(FileDownloadServlet.base(req), action), error.type(),
                error.message(), error.details());
        // The body was not read: the connection cannot carry another request after it.
        resp.setHeader("Connection", "close");
        ApiResponseHeaders.write(resp, error.status(), ApiResponses.JSON_TYPE, body, false);
    }
}
