package dev.portalkit.integration.web;

import jakarta.servlet.http.HttpServletResponse;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerResponseContext;
import jakarta.ws.rs.container.ContainerResponseFilter;
import jakarta.ws.rs.ext.Provider;
import java.io.IOException;

/**
 * Every answer of the REST application (the action API, its errors, routing failures) is
 * {@code Cache-Control: no-store} (results can be private and tokens are handed out: no cache
 * keeps them; only a resource that sets its own, the API browser's static files, differs) and {@code X-Content-Type-Options: nosniff} (a browser takes the JSON as JSON). In a
 * WAR the server finds this filter by its annotation; the standalone server registers it.
 */
@Provider
public class ApiResponseHeaders implements ContainerResponseFilter {
    public static final String CACHE_CONTROL = "no-store";
    public static final String NOSNIFF = "nosniff";

    @Override
    public void filter(ContainerRequestContext request, ContainerResponseContext response) {
        if (!response.getHeaders().containsKey("Cache-Control")) {
            response.getHeaders().putSingle("Cache-Control", CACHE_CONTROL);
        }
        response.getHeaders().putSingle("X-Content-Type-Options", NOSNIFF);
    }

    /**
     * Answers a servlet request outside the REST application (health, metrics, a refused body)
     * the same way: {@code status}, {@code body} of {@code contentType} with its length, never
     * cached, never sniffed; a HEAD request gets the headers only.
     */
    public static void write(HttpServletResponse resp, int status, String contentType, byte[] body, boolean head)
            throws IOException {
        resp.setStatus(status);
        resp.setContentType(contentType);
        resp.setHeader("Cache-Control", CACHE_CONTROL);
        resp.setHeader("X-Content-Type-Options", NOSNIFF);
        resp.setContentLength(body.length);
        if (!head) {
            resp.getOutputStream().write(body);
        }
    }
}
