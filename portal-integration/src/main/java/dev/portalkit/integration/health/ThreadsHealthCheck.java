package dev.portalkit.integration.health;

import jakarta.enterprise.context.ApplicationScoped;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Liveness;

/**
 * Liveness, check {@code threads}: the process is not wedged. That this answer was computed at
 * all shows a request thread is free; DOWN when the JVM finds threads deadlocked on monitors or
 * locks (a restart is the only way out). It never looks at the database or the storages: a
 * backend that is down makes the node unready, not dead (restarting it would not help).
 */
@Liveness
@ApplicationScoped
public class ThreadsHealthCheck implements HealthCheck {
    @Override
    public HealthCheckResponse call() {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        long[] deadlocked = threads.findDeadlockedThreads();
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("threads", (long) threads.getThreadCount());
        data.put("deadlocked", deadlocked == null ? 0L : (long) deadlocked.length);
        data.put("uptime_s", ManagementFactory.getRuntimeMXBean().getUptime() / 1000);
        return new HealthCheckResponse("threads", deadlocked == null ? HealthCheckResponse.Status.UP : HealthCheckResponse.Status.DOWN,
                Optional.of(data));
    }
}
