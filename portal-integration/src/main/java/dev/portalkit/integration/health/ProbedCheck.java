package dev.portalkit.integration.health;

import dev.portalkit.runtime.Portal;
import jakarta.inject.Inject;
import java.util.Map;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;

/**
 * A check of one backend of the started portal, run as a {@link TimedProbe} (within
 * {@link PortalHealth#PROBE_TIMEOUT}, its answer reused for {@link PortalHealth#PROBE_CACHE}):
 * {@link #measure()} returns the check's data or throws when the backend fails.
 */
abstract class ProbedCheck implements HealthCheck {
    @Inject
    Portal portal;

    @Inject
    PortalHealth health;

    private TimedProbe probe;

    /** The check's name in the report. */
    abstract String name();

    /** The data of an UP answer (called only while the portal is started); throws when DOWN. */
    abstract Map<String, Object> measure() throws Exception;

    @Override
    public HealthCheckResponse call() {
        return probe().call();
    }

    private synchronized TimedProbe probe() {
        if (probe == null) {
            probe = new TimedProbe(name(), PortalHealth.PROBE_TIMEOUT, PortalHealth.PROBE_CACHE, () -> {
                if (!portal.isStarted()) {
                    throw new IllegalStateException("the portal is not started");
                }
                return measure();
            }, health.probeThreads());
        }
        return probe;
    }
}
