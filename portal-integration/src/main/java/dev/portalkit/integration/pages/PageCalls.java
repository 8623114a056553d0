package dev.portalkit.integration.pages;

import dev.portalkit.api.ErrorKind;
import dev.portalkit.api.PortalException;
import dev.portalkit.api.web.Page;
import dev.portalkit.api.web.PageRequest;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** What the core pages share: calling actions as the page's user, asking auth, and common answers. */
final class PageCalls {
    private PageCalls() {
    }

    /** The action's result, as the user of the request. */
    static Object call(PageRequest r, String action, Map<String, Object> data) {
        return r.context().call(action, new LinkedHashMap<>(data));
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> callMap(PageRequest r, String action, Map<String, Object> data) {
        return (Map<String, Object>) call(r, action, data);
    }

    @SuppressWarnings("unchecked")
    static List<Object> callList(PageRequest r, String action, Map<String, Object> data) {
        return (List<Object>) call(r, action, data);
    }

    /**
     * {@code action}'s result for a page that shows one thing: a thing the user may not see is
     * answered as missing (404), as CKAN does, so that private datasets do not show they exist.
     */
    static Map<String, Object> show(PageRequest r, String action, String id) {
        try {
            return callMap(r, action, Map.of("id", id));
        } catch (PortalException e) {
            if (e.kind() == ErrorKind.PERMISSION_DENIED || e.kind() == ErrorKind.NOT_FOUND) {
                throw PortalException.notFound("Not found: " + id);
            }
            throw e;
        }
    }

    /** Whether the auth function {@code name} lets the user call it with {@code data}. */
    static boolean may(PageRequest r, String name, Map<String, Object> data) {
        try {
            return r.context().checkAccess(name, new LinkedHashMap<>(data)).allowed();
        } catch (PortalException e) {
            return false;
        }
    }

    /** Refuses (403) unless {@link #may}. */
    static void require(PageRequest r, String name, Map<String, Object> data, String what) {
        if (!may(r, name, data)) {
            throw PortalException.denied(r.user().isPresent() ? "You are not allowed to " + what
                    : "Log in to " + what);
        }
    }

    /** The login page, coming back to this page after. */
    static Page loginFirst(PageRequest r) {
        return Page.redirect("/user/login?came_from=" + encode(r.path()));
    }

    static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    /** A model map from pairs. */
    static Map<String, Object> model(Object... pairs) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i + 1 < pairs.length; i += 2) {
            m.put((String) pairs[i], pairs[i + 1]);
        }
        return m;
    }

    /** A positive page number from a query value (1 when absent or malformed). */
    static int pageNumber(String value) {
        try {
            int n = value == null ? 1 : Integer.parseInt(value.strip());
            return Math.max(1, Math.min(n, 100_000));
        } catch (NumberFormatException e) {
            return 1;
        }
    }
}
