package dev.portalkit.integration.health;

import dev.portalkit.runtime.Portal;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.Map;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * Readiness: the portal's database answers {@code SELECT 1} (through the connection pool, with a
 * query timeout; the whole probe within {@link PortalHealth#PROBE_TIMEOUT}). Data: the product
 * (H2, PostgreSQL), never the URL. A portal without a database is UP with {@code database: none}.
 */
@Readiness
@ApplicationScoped
public class DatabaseHealthCheck implements HealthCheck {
    @Inject
    Portal portal;

    @Inject
    PortalHealth health;

    private TimedProbe probe;

    @Override
    public HealthCheckResponse call() {
        return probe().call();
    }

    private synchronized TimedProbe probe() {
        if (probe == null) {
            probe = new TimedProbe("database", PortalHealth.PROBE_TIMEOUT, PortalHealth.PROBE_CACHE, this::query, health.probeThreads());
        }
        return probe;
    }

    private Map<String, Object> query() throws Exception {
        if (!portal.isStarted()) {
            throw new IllegalStateException("the portal is not started");
        }
        Map<String, Object> data = new LinkedHashMap<>();
        if (portal.database() == null) {
            data.put("database", "none");
            return data;
        }
        try (Connection c = portal.database().dataSource().getConnection(); Statement s = c.createStatement()) {
            s.setQueryTimeout((int) Math.max(1, PortalHealth.PROBE_TIMEOUT.toSeconds()));
            s.execute("SELECT 1");
            data.put("database", c.getMetaData().getDatabaseProductName());
        }
        return data;
    }
}
