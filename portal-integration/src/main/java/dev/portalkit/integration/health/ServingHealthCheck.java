package dev.portalkit.integration.health;

import dev.portalkit.runtime.Portal;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.Map;
import java.util.Optional;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * Readiness, check {@code server}: DOWN once the node drains before it stops
 * ({@link PortalHealth#startDraining()}), so that a balancer sends it no new requests while it
 * finishes the running ones; DOWN too while the portal is not started.
 */
@Readiness
@ApplicationScoped
public class ServingHealthCheck implements HealthCheck {
    @Inject
    Portal portal;

    @Inject
    PortalHealth health;

    @Override
    public HealthCheckResponse call() {
        String state = health.draining() ? "draining" : portal.isStarted() ? "serving" : "not started";
        return new HealthCheckResponse("server", "serving".equals(state) ? HealthCheckResponse.Status.UP : HealthCheckResponse.Status.DOWN,
                Optional.of(Map.of("state", state)));
    }
}
