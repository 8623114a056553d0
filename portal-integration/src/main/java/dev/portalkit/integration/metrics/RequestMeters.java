package dev.portalkit.integration.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * The request meters of {@code /metrics}, resolved ahead so that a request costs a few lookups in
 * arrays and one map and no tag building: {@code portalkit_http_requests_seconds} by {@code route},
 * {@code action} and {@code status}; {@code portalkit_http_received_bytes_total} and
 * {@code portalkit_http_sent_bytes_total} by route; {@code portalkit_upload_seconds} (action
 * requests with a {@code multipart/form-data} body, tus {@code PATCH}es) and
 * {@code portalkit_download_seconds} (download {@code GET}s, by status class) as histograms.
 *
 * <p>Labels stay few whatever clients send: a route is one of {@link Route}, an action is a name
 * the action registry knows ({@code unknown} otherwise, {@code none} outside the action API), a
 * status a number from 100 to 599 ({@code other} otherwise). No path, id or user is ever a label.
 */
public final class RequestMeters {
    /** What a request asked for, by the start of its path. */
    public enum Route {
        ACTION, DOWNLOAD, TUS, PAGE, API, METRICS, HEALTH;

        final String label = name().toLowerCase(Locale.ROOT);

        /** The route of {@code path} (below the context path, starting with {@code /}). */
        static Route of(String path) {
            if (path.startsWith("/api/")) {
                return path.startsWith("/api/action/") || path.startsWith("/api/3/action/") ? ACTION : API;
            }
            if (path.startsWith("/files/")) {
                return path.startsWith("/files/tus") && (path.length() == 10 || path.charAt(10) == '/') ? TUS : DOWNLOAD;
            }
            if (path.startsWith("/dataset/") && path.contains("/resource/") && path.contains("/download")) {
                return DOWNLOAD; // CKAN's /dataset/<id>/resource/<rid>/download[/<name>]
            }
            if (path.equals("/metrics")) {
                return METRICS;
            }
            if (path.equals("/health") || path.startsWith("/health/")) {
                return HEALTH;
            }
            return path.equals("/api") ? API : PAGE;
        }
    }

    static final String REQUESTS = "portalkit.http.requests";
    static final String NO_ACTION = "none";
    static final String UNKNOWN_ACTION = "unknown";
    private static final int MIN_STATUS = 100;
    private static final int STATUSES = 500;
    private static final Duration[] UPLOAD_BUCKETS = seconds(0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900, 3600);
    private static final Duration[] DOWNLOAD_BUCKETS = seconds(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 10, 60, 600);

    private final MeterRegistry registry;
    private final Set<String> actionNames;
    private final ConcurrentHashMap<String, Series> actions = new ConcurrentHashMap<>();
    private final Series unknownAction;
    private final Series[] routes = new Series[Route.values().length];
    private final Counter[] received = new Counter[Route.values().length];
    private final Counter[] sent = new Counter[Route.values().length];
    private final Timer[] uploads = new Timer[Route.values().length];
    private final Timer[] downloads = new Timer[6];

    /** @param actionNames the names of the registered actions (their labels) */
    RequestMeters(MeterRegistry registry, Set<String> actionNames) {
        this.registry = registry;
        this.actionNames = Set.copyOf(actionNames);
        this.unknownAction = new Series(Route.ACTION, UNKNOWN_ACTION);
        for (Route route : Route.values()) {
            routes[route.ordinal()] = new Series(route, NO_ACTION);
            received[route.ordinal()] = Counter.builder("portalkit.http.received").baseUnit("bytes").tag("route", route.label)
                    .description("Bytes of request bodies read").register(registry);
            sent[route.ordinal()] = Counter.builder("portalkit.http.sent").baseUnit("bytes").tag("route", route.label)
                    .description("Bytes of response bodies written").register(registry);
        }
        for (Route route : new Route[]{Route.ACTION, Route.TUS}) {
            uploads[route.ordinal()] = Timer.builder("portalkit.upload").tag("route", route.label).serviceLevelObjectives(UPLOAD_BUCKETS)
                    .description("Requests that uploaded file content: multipart action calls and tus PATCHes, until answered")
                    .register(registry);
        }
        for (int c = 2; c <= 5; c++) {
            downloads[c] = Timer.builder("portalkit.download").tag("status", c + "xx").serviceLevelObjectives(DOWNLOAD_BUCKETS)
                    .description("Downloads (GET of a download route) until the last byte was handed to the server").register(registry);
        }
    }

    /**
     * Counts one finished request.
     *
     * @param path        below the context path, from {@code /}
     * @param contentType the request's {@code Content-Type}, or null
     * @param nanos       how long it took, to its last byte
     * @param receivedBytes body bytes read ({@code <= 0}: none)
     * @param sentBytes   body bytes written ({@code <= 0}: none)
     */
    public void record(String method, String path, String contentType, int status, long nanos, long receivedBytes, long sentBytes) {
        Route route = Route.of(path);
        Series series = route == Route.ACTION ? action(path) : routes[route.ordinal()];
        series.timer(status).record(nanos, TimeUnit.NANOSECONDS);
        if (receivedBytes > 0) {
            received[route.ordinal()].increment(receivedBytes);
        }
        if (sentBytes > 0) {
            sent[route.ordinal()].increment(sentBytes);
        }
        if (route == Route.DOWNLOAD) {
            if ("GET".equals(method) && status >= 200 && status < 600) {
                downloads[status / 100].record(nanos, TimeUnit.NANOSECONDS);
            }
        } else if (route == Route.TUS ? "PATCH".equals(method)
                : route == Route.ACTION && contentType != null && contentType.regionMatches(true, 0, "multipart/form-data", 0, 19)) {
            uploads[route.ordinal()].record(nanos, TimeUnit.NANOSECONDS);
        }
    }

    /** The series of the action named in {@code path} ({@code /api/action/NAME}, {@code /api/3/action/NAME}). */
    private Series action(String path) {
        int start = path.startsWith("/api/3/") ? "/api/3/action/".length() : "/api/action/".length();
        int end = path.indexOf('/', start);
        String name = end < 0 ? path.substring(start) : path.substring(start, end);
        Series series = actions.get(name);
        if (series != null) {
            return series;
        }
        return actionNames.contains(name) ? actions.computeIfAbsent(name, n -> new Series(Route.ACTION, n)) : unknownAction;
    }

    private static Duration[] seconds(double... values) {
        Duration[] out = new Duration[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = Duration.ofNanos((long) (values[i] * 1e9));
        }
        return out;
    }

    /** The request timers of one route and action, by status, registered on first use. */
    private final class Series {
        private final String route;
        private final String action;
        private final AtomicReferenceArray<Timer> byStatus = new AtomicReferenceArray<>(STATUSES + 1);

        Series(Route route, String action) {
            this.route = route.label;
            this.action = action;
        }

        Timer timer(int status) {
            int index = status >= MIN_STATUS && status < MIN_STATUS + STATUSES ? status - MIN_STATUS : STATUSES;
            Timer timer = byStatus.get(index);
            if (timer == null) {
                timer = Timer.builder(REQUESTS).tag("route", route).tag("action", action)
                        .tag("status", index == STATUSES ? "other" : Integer.toString(status))
                        .description("HTTP requests until their last byte, by route, action (the action API) and status")
                        .register(registry);
                byStatus.set(index, timer);
            }
            return timer;
        }
    }
}
