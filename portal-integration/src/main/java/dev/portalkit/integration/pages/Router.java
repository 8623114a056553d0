package dev.portalkit.integration.pages;

import dev.portalkit.api.PortalException;
import dev.portalkit.api.web.PageHandler;
import dev.portalkit.api.web.Routes;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The page routes, in the order they were added (plugins' blueprints first, then the core's); the
 * matching route with the fewest {@code {name}} segments answers, the earliest among equals (so
 * {@code /dataset/new} wins over {@code /dataset/{id}}, and a plugin's route replaces a core route
 * of the same shape).
 */
final class Router implements Routes {
    private static final List<String> RESERVED = List.of("api", "files", "assets");

    /** A route's match: its handler and path variables. */
    record Match(PageHandler handler, Map<String, String> variables, String pattern, String uploadAction) {
    }

    private record Route(String method, String[] segments, String pattern, PageHandler handler, String owner, String uploadAction) {
    }

    private final List<Route> routes = new ArrayList<>();
    private String owner = "core";

    /** Routes added from now on belong to {@code owner} (for error messages). */
    Router owner(String owner) {
        this.owner = owner;
        return this;
    }

    @Override
    public Routes get(String path, PageHandler handler) {
        return add("GET", path, handler, null);
    }

    @Override
    public Routes post(String path, PageHandler handler) {
        return add("POST", path, handler, null);
    }

    /**
     * A form that uploads files for {@code action}: its multipart body's file parts go through the
     * upload intake as that action's would (admitted, limited, spooled or piped).
     */
    Routes postUpload(String path, String action, PageHandler handler) {
        return add("POST", path, handler, action);
    }

    private Routes add(String method, String path, PageHandler handler, String uploadAction) {
        if (path == null || !path.startsWith("/") || handler == null) {
            throw PortalException.config(owner + ": a route's path starts with '/' and has a handler (got " + path + ")");
        }
        String[] segments = split(path);
        if (segments.length > 0 && RESERVED.contains(segments[0])) {
            throw PortalException.config(owner + ": the route " + path + " is under /" + segments[0] + "/, which the portal keeps for itself");
        }
        for (String s : segments) {
            if (s.isEmpty() || (s.contains("{") && !(s.startsWith("{") && s.endsWith("}") && s.length() > 2))) {
                throw PortalException.config(owner + ": malformed route path " + path);
            }
        }
        routes.add(new Route(method, segments, path, handler, owner, uploadAction));
        return this;
    }

    /** The route answering {@code method} (HEAD as GET) on {@code path} (decoded segments), or null. */
    Match match(String method, List<String> path) {
        String m = "HEAD".equals(method) ? "GET" : method;
        Match best = null;
        int bestVariables = Integer.MAX_VALUE;
        for (Route r : routes) {
            if (!r.method().equals(m) || r.segments().length != path.size()) {
                continue;
            }
            Map<String, String> vars = new LinkedHashMap<>();
            boolean ok = true;
            for (int i = 0; i < r.segments().length && ok; i++) {
                String s = r.segments()[i];
                if (s.startsWith("{")) {
                    vars.put(s.substring(1, s.length() - 1), path.get(i));
                } else {
                    ok = s.equals(path.get(i));
                }
            }
            if (ok && vars.size() < bestVariables) {
                best = new Match(r.handler(), vars, r.pattern(), r.uploadAction());
                bestVariables = vars.size();
            }
        }
        return best;
    }

    /** Whether some route answers {@code path} with another method (for 405). */
    boolean pathKnown(List<String> path) {
        return match("GET", path) != null || match("POST", path) != null;
    }

    private static String[] split(String path) {
        String p = path.substring(1);
        if (p.endsWith("/")) {
            p = p.substring(0, p.length() - 1);
        }
        return p.isEmpty() ? new String[0] : p.split("/", -1);
    }
}
