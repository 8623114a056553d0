package dev.portalkit.integration.health;

import dev.portalkit.integration.web.ApiResponseHeaders;
import dev.portalkit.integration.web.ApiResponses;
import dev.portalkit.runtime.Json;
import jakarta.inject.Inject;
import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * MicroProfile Health over HTTP: {@code GET /health/live} (liveness), {@code /health/ready}
 * (readiness), {@code /health/started} (the portal answers, so it started) and {@code /health}
 * (liveness and readiness), each answering 200 when UP and 503 when DOWN with
 * {@code {"status":..,"checks":[..]}}. Anonymous (no session or token is read), GET and HEAD only,
 * never cached; answers hold no URLs, credentials or stack traces.
 */
@WebServlet(name = "health", urlPatterns = {"/health", "/health/*"})
public class HealthServlet extends HttpServlet {
    @Inject
    transient PortalHealth health;

    /** For the servlet container (WAR): the reporter is injected. */
    public HealthServlet() {
    }

    /** For the standalone server. */
    public HealthServlet(PortalHealth health) {
        this.health = health;
    }

    @Override
    protected void service(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        String method = req.getMethod();
        if (!"GET".equals(method) && !"HEAD".equals(method)) {
            resp.setHeader("Allow", "GET, HEAD");
            write(resp, HttpServletResponse.SC_METHOD_NOT_ALLOWED, "{\"error\":\"health endpoints answer GET and HEAD only\"}", false);
            return;
        }
        String path = req.getPathInfo() == null ? "" : req.getPathInfo();
        PortalHealth.Report report;
        switch (path) {
            case "", "/" -> report = health.all();
            case "/live" -> report = health.liveness();
            case "/ready" -> report = health.readiness();
            case "/started" -> report = new PortalHealth.Report(org.eclipse.microprofile.health.HealthCheckResponse.Status.UP,
                    java.util.List.of());
            default -> {
                write(resp, HttpServletResponse.SC_NOT_FOUND, "{\"error\":\"no such health endpoint; use /health, /health/live,"
                        + " /health/ready or /health/started\"}", "HEAD".equals(method));
                return;
            }
        }
        write(resp, report.up() ? HttpServletResponse.SC_OK : HttpServletResponse.SC_SERVICE_UNAVAILABLE,
                Json.write(report.toJson()), "HEAD".equals(method));
    }

    private static void write(HttpServletResponse resp, int status, String json, boolean head) throws IOException {
        ApiResponseHeaders.write(resp, status, ApiResponses.JSON_TYPE, json.getBytes(StandardCharsets.UTF_8), head);
    }
}
