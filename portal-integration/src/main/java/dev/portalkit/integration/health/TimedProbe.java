package dev.portalkit.integration.health;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.eclipse.microprofile.health.HealthCheckResponse;

/**
 * One probe of a backend (a query, a request to a storage's server) as a health check answer:
 * run on a thread of its own with a deadline, so a slow backend cannot hold a health request
 * (the answer is DOWN, "timed out"); at most one run at a time (a later call waits for the run
 * in flight instead of starting another), and an answer is reused for {@code cache}, so that
 * probes cannot be used to hammer the backend. A failure is told by its exception's class only:
 * messages may name hosts, users or connection strings.
 */
final class TimedProbe {
    private final String name;
    private final Duration timeout;
    private final Duration cache;
    private final Callable<Map<String, Object>> probe;
    private final Executor executor;
    private CompletableFuture<HealthCheckResponse> running;
    private HealthCheckResponse last;
    private long lastAt;

    /**
     * @param probe returns the check's data when the backend answers; throws when it does not
     */
    TimedProbe(String name, Duration timeout, Duration cache, Callable<Map<String, Object>> probe, Executor executor) {
        this.name = name;
        this.timeout = timeout;
        this.cache = cache;
        this.probe = probe;
        this.executor = executor;
    }

    String name() {
        return name;
    }

    HealthCheckResponse call() {
        CompletableFuture<HealthCheckResponse> future;
        synchronized (this) {
            if (last != null && System.nanoTime() - lastAt < cache.toNanos()) {
                return last;
            }
            future = running;
            if (future == null) {
                CompletableFuture<HealthCheckResponse> started = CompletableFuture.supplyAsync(this::runProbe, executor);
                running = started;
                future = started;
                started.whenComplete((response, error) -> remember(started, response)); // may run here, at once
            }
        }
        try {
            return future.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            return down(Map.of("error", "timed out after " + timeout.toMillis() + " ms"));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return down(Map.of("error", "interrupted"));
        } catch (ExecutionException e) {
            return down(Map.of("error", e.getCause().getClass().getName()));
        }
    }

    private synchronized void remember(CompletableFuture<HealthCheckResponse> finished, HealthCheckResponse response) {
        if (running == finished) {
            running = null;
        }
        if (response != null) {
            last = response;
            lastAt = System.nanoTime();
        }
    }

    private HealthCheckResponse runProbe() {
        try {
            return new HealthCheckResponse(name, HealthCheckResponse.Status.UP, Optional.of(data(probe.call())));
        } catch (Exception | LinkageError e) {
            return down(Map.of("error", e.getClass().getName()));
        }
    }

    private HealthCheckResponse down(Map<String, Object> data) {
        return new HealthCheckResponse(name, HealthCheckResponse.Status.DOWN, Optional.of(data(data)));
    }

    /** MicroProfile Health's data holds strings, longs and booleans only. */
    static Map<String, Object> data(Map<String, Object> values) {
        Map<String, Object> out = new LinkedHashMap<>();
        values.forEach((k, v) -> out.put(k, v instanceof Number n && !(v instanceof Double || v instanceof Float) ? (Object) n.longValue()
                : v instanceof Boolean ? v : String.valueOf(v)));
        return out;
    }
}
