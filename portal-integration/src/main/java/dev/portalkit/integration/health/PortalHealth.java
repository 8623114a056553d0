package dev.portalkit.integration.health;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Any;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import java.lang.annotation.Annotation;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Liveness;
import org.eclipse.microprofile.health.Readiness;

/**
 * The portal's MicroProfile Health reporter: every CDI bean implementing {@link HealthCheck} with
 * {@link Liveness} or {@link Readiness} (the portal's own checks and any plugin's) answers, and
 * the overall status is DOWN when one of them is. Also holds whether this node is draining
 * (shutting down): from {@link #startDraining()} on, readiness is DOWN (check {@code server}) while
 * liveness is not touched.
 *
 * <p>A check that throws is DOWN with the exception's class name, never its message or trace.
 */
@ApplicationScoped
public class PortalHealth {
    private static final java.util.logging.Logger LOG = java.util.logging.Logger.getLogger(PortalHealth.class.getName());
    /** The longest a backend probe may take before its check answers DOWN. */
    public static final java.time.Duration PROBE_TIMEOUT = java.time.Duration.ofSeconds(2);
    /** How long a probe's answer is reused. */
    public static final java.time.Duration PROBE_CACHE = java.time.Duration.ofSeconds(1);

    @Inject
    @Any
    Instance<HealthCheck> checks;

    private volatile boolean draining;

    /** Threads of the backend probes: at most one per probe at a time (see {@link TimedProbe}). */
    private final ExecutorService probes = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "portal-health-probe");
        t.setDaemon(true);
        return t;
    });

    /** The overall status and the checks' answers. */
    public record Report(HealthCheckResponse.Status status, List<HealthCheckResponse> checks) {
        public boolean up() {
            return status == HealthCheckResponse.Status.UP;
        }

        /** MicroProfile Health's JSON shape: {@code {"status":..,"checks":[{"name":..,"status":..,"data":{..}}]}}. */
        public Map<String, Object> toJson() {
            List<Object> list = new ArrayList<>();
            for (HealthCheckResponse c : checks) {
                Map<String, Object> one = new LinkedHashMap<>();
                one.put("name", c.getName());
                one.put("status", c.getStatus().name());
                c.getData().filter(d -> !d.isEmpty()).ifPresent(d -> one.put("data", d));
                list.add(one);
            }
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("status", status.name());
            out.put("checks", list);
            return out;
        }
    }

    public Report liveness() {
        return report(List.of(Liveness.Literal.INSTANCE));
    }

    public Report readiness() {
        return report(List.of(Readiness.Literal.INSTANCE));
    }

    /** Liveness and readiness together ({@code /health}). */
    public Report all() {
        return report(List.of(Liveness.Literal.INSTANCE, Readiness.Literal.INSTANCE));
    }

    /** Turns readiness DOWN for good (a node about to stop); liveness stays as it is. */
    public void startDraining() {
        draining = true;
    }

    /** Whether {@link #startDraining()} was called. */
    public boolean draining() {
        return draining;
    }

    /** The threads the backend probes run on (daemon threads, at most one per probe at a time). */
    public ExecutorService probeThreads() {
        return probes;
    }

    private Report report(List<Annotation> kinds) {
        List<HealthCheckResponse> answers = new ArrayList<>();
        java.util.Set<Class<?>> seen = new java.util.HashSet<>();
        for (Annotation kind : kinds) {
            for (HealthCheck check : checks.select(kind)) {
                if (!seen.add(check.getClass())) {
                    continue; // both liveness and readiness
                }
                answers.addAll(call(check));
            }
        }
        boolean up = answers.stream().allMatch(r -> r.getStatus() == HealthCheckResponse.Status.UP);
        return new Report(up ? HealthCheckResponse.Status.UP : HealthCheckResponse.Status.DOWN, answers);
    }

    private static List<HealthCheckResponse> call(HealthCheck check) {
        try {
            List<HealthCheckResponse> answers = check instanceof HealthCheckGroup group ? group.responses() : List.of(check.call());
            for (HealthCheckResponse r : answers) {
                if (r == null || r.getName() == null || r.getStatus() == null) {
                    return List.of(failed(check, "an answer without a name or status"));
                }
            }
            return answers;
        } catch (RuntimeException | LinkageError e) {
            LOG.log(java.util.logging.Level.WARNING, "health check " + check.getClass().getName() + " failed: " + e, e);
            return List.of(failed(check, e.getClass().getName()));
        }
    }

    private static HealthCheckResponse failed(HealthCheck check, String error) {
        String name = check.getClass().getName().replaceAll("\\$Proxy\\$.*|_\\$\\$_.*", "");
        return new HealthCheckResponse(name, HealthCheckResponse.Status.DOWN, Optional.of(Map.of("error", error)));
    }

    @jakarta.annotation.PreDestroy
    void stop() {
        probes.shutdownNow();
    }
}
