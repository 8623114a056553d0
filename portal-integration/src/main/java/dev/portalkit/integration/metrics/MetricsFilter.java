package dev.portalkit.integration.metrics;

import dev.portalkit.integration.web.RequestPaths;
import jakarta.inject.Inject;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.annotation.WebFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;

/**
 * The request meters in a WAR: every request is timed until the application returned it to the
 * server, and its bytes are taken from its declared lengths (the request's and the response's
 * {@code Content-Length}: a chunked body counts 0, a response cut short counts whole). The
 * standalone server measures in Jetty instead ({@code MetricsHandler}): to the last byte, with
 * the bytes really read and written.
 */
@WebFilter(filterName = "metrics", urlPatterns = "/*")
public class MetricsFilter implements Filter {
    @Inject
    PortalMetrics metrics;

    @Override
    public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain) throws IOException, ServletException {
        RequestMeters meters = metrics.requests();
        if (meters == null || !(request instanceof HttpServletRequest req) || !(response instanceof HttpServletResponse resp)) {
            chain.doFilter(request, response);
            return;
        }
        long start = System.nanoTime();
        boolean failed = true;
        try {
            chain.doFilter(request, response);
            failed = false;
        } finally {
            int status = failed && !resp.isCommitted() ? 500 : resp.getStatus();
            meters.record(req.getMethod(), RequestPaths.path(req), req.getContentType(), status, System.nanoTime() - start,
                    req.getContentLengthLong(), "HEAD".equals(req.getMethod()) ? 0 : length(resp.getHeader("Content-Length")));
        }
    }

    private static long length(String header) {
        if (header == null) {
            return 0;
        }
        try {
            return Long.parseLong(header.trim());
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}
