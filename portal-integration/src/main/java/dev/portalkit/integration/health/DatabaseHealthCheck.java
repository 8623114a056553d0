package dev.portalkit.integration.health;

import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Connection;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.Map;
import org.eclipse.microprofile.health.Readiness;

/**
 * Readiness: the portal's database answers {@code SELECT 1} (through the connection pool, with a
 * query timeout; the whole probe within {@link PortalHealth#PROBE_TIMEOUT}). Data: the product
 * (H2, PostgreSQL), never the URL. A portal without a database is UP with {@code database: none}.
 */
@Readiness
@ApplicationScoped
public class DatabaseHealthCheck extends ProbedCheck {
    @Override
    String name() {
        return "database";
    }

    @Override
    Map<String, Object> measure() throws Exception {
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
