package dev.portalkit.integration.health;

import java.util.List;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;

/**
 * A health check bean that answers for several things at once (one per configured storage): the
 * portal's {@code /health} lists each of {@link #responses()}; a server's own MicroProfile Health
 * (WildFly), which knows only {@link HealthCheck#call()}, sees their summary.
 */
public interface HealthCheckGroup extends HealthCheck {
    /** One answer per member, each with its own name. */
    List<HealthCheckResponse> responses();

    /** The summary: DOWN when a member is, with each member's status in its data. */
    @Override
    default HealthCheckResponse call() {
        var builder = new java.util.LinkedHashMap<String, Object>();
        boolean up = true;
        for (HealthCheckResponse r : responses()) {
            up &= r.getStatus() == HealthCheckResponse.Status.UP;
            builder.put(r.getName(), r.getStatus().name());
        }
        return new HealthCheckResponse(groupName(), up ? HealthCheckResponse.Status.UP : HealthCheckResponse.Status.DOWN,
                java.util.Optional.of(builder));
    }

    /** The summary's name. */
    String groupName();
}
