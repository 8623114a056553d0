package dev.portalkit.integration.metrics;

import dev.portalkit.integration.web.ApiResponseHeaders;
import jakarta.inject.Inject;
import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * {@code GET /metrics}: the portal's metrics as Prometheus text ({@link PortalMetrics}), to anyone
 * who asks, as Prometheus scrapes; 404 when {@value MetricsPlugin#ENABLED} is false. A WAR's
 * container finds it by its annotation; the standalone server registers it.
 */
@WebServlet(name = "metrics", urlPatterns = "/metrics")
public class MetricsServlet extends HttpServlet {
    @Inject
    transient PortalMetrics metrics;

    /** For the servlet container (WAR). */
    public MetricsServlet() {
    }

    /** For the standalone server. */
    public MetricsServlet(PortalMetrics metrics) {
        this.metrics = metrics;
    }

    @Override
    protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        String text = metrics.scrape();
        if (text == null) {
            resp.sendError(HttpServletResponse.SC_NOT_FOUND, "Not found");
            return;
        }
        ApiResponseHeaders.write(resp, HttpServletResponse.SC_OK, PortalMetrics.CONTENT_TYPE, text.getBytes(StandardCharsets.UTF_8), false);
    }
}
