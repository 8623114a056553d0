package dev.portalkit.integration.metrics;

import dev.portalkit.api.config.ConfigDeclaration;
import dev.portalkit.api.config.ConfigOption;
import dev.portalkit.api.config.ConfigType;
import dev.portalkit.api.config.IConfigDeclarations;
import dev.portalkit.api.plugin.PortalPlugin;
import dev.portalkit.runtime.plugin.BuiltIn;
import jakarta.enterprise.context.ApplicationScoped;

/** Prometheus metrics at {@code GET /metrics} as a built-in plugin: it declares the {@code portal.metrics.*} options. */
@BuiltIn
@ApplicationScoped
public class MetricsPlugin implements PortalPlugin, IConfigDeclarations {
    /** Whether {@code /metrics} answers (and requests are measured). */
    public static final String ENABLED = "portal.metrics.enabled";

    @Override
    public String name() {
        return "metrics";
    }

    @Override
    public String description() {
        return "Prometheus metrics at /metrics: requests, bytes, durations, tasks, storage errors, the database pool, the JVM";
    }

    @Override
    public void declareConfig(ConfigDeclaration d) {
        d.namespace("portal.metrics.");
        d.option(ConfigOption.of(ENABLED, "Serve Prometheus metrics (text format) at /metrics, without authentication, as "
                + "Prometheus scrapes: counts and durations of requests by action, route and status, bytes received and sent, "
                + "post-commit tasks pending and failed, storage errors by storage, database pool use, JVM and process figures. "
                + "They name no user, file or secret; restrict /metrics at the reverse proxy if even that is too much. "
                + "false: /metrics answers 404 and requests are not measured.").type(ConfigType.BOOLEAN).defaultValue("true"));
    }
}
