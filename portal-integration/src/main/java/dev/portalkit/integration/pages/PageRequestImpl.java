package dev.portalkit.integration.pages;

import dev.portalkit.api.action.ActionContext;
import dev.portalkit.api.action.UserRef;
import dev.portalkit.api.web.PageRequest;
import dev.portalkit.integration.web.ActionInput;
import dev.portalkit.integration.web.WebIdentity;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** A page request: the servlet request, its identity, its form data (file parts included) and its action context. */
final class PageRequestImpl implements PageRequest, AutoCloseable {
    private final HttpServletRequest req;
    private final HttpServletResponse resp;
    private final String path;
    private final Map<String, String> variables;
    private final ActionInput body;
    private final WebIdentity.Identity identity;
    private final ActionContext context;
    private final String csrf;

    PageRequestImpl(HttpServletRequest req, HttpServletResponse resp, String path, Map<String, String> variables, ActionInput body,
                    WebIdentity.Identity identity, ActionContext context, String csrf) {
        this.req = req;
        this.resp = resp;
        this.path = path;
        this.variables = Map.copyOf(variables);
        this.body = body;
        this.identity = identity;
        this.context = context;
        this.csrf = csrf;
    }

    @Override
    public String method() {
        return req.getMethod().equals("HEAD") ? "GET" : req.getMethod();
    }

    @Override
    public String path() {
        return path;
    }

    @Override
    public String pathParam(String name) {
        return variables.get(name);
    }

    @Override
    public Optional<String> param(String name) {
        List<String> posted = body == null ? List.of() : strings(body.data().get(name));
        return posted.isEmpty() ? Optional.ofNullable(req.getParameter(name)) : Optional.of(posted.get(0));
    }

    /** A form value's text values: one string, the strings of a repeated field, none for a file. */
    private static List<String> strings(Object value) {
        if (value instanceof String s) {
            return List.of(s);
        }
        List<String> out = new ArrayList<>();
        if (value instanceof List<?> l) {
            for (Object o : l) {
                if (o instanceof String s) {
                    out.add(s);
                }
            }
        }
        return out;
    }

    @Override
    public Map<String, List<String>> params() {
        Map<String, List<String>> out = new LinkedHashMap<>();
        req.getParameterMap().forEach((k, v) -> out.put(k, new ArrayList<>(List.of(v))));
        if (body != null) {
            body.data().forEach((k, v) -> {
                List<String> values = strings(v);
                if (!values.isEmpty()) {
                    out.computeIfAbsent(k, x -> new ArrayList<>()).addAll(values);
                }
            });
        }
        return Collections.unmodifiableMap(out);
    }

    /** The posted form as the action API would see it (file parts as uploads); empty for a GET. */
    Map<String, Object> form() {
        return body == null ? new LinkedHashMap<>() : body.data();
    }

    /** Query parameters only (a GET's). */
    String query(String name) {
        return req.getParameter(name);
    }

    List<String> queryValues(String name) {
        String[] v = req.getParameterValues(name);
        return v == null ? List.of() : List.of(v);
    }

    @Override
    public Optional<UserRef> user() {
        return identity.user();
    }

    @Override
    public ActionContext context() {
        return context;
    }

    @Override
    public String header(String name) {
        return req.getHeader(name);
    }

    WebIdentity.Identity identity() {
        return identity;
    }

    HttpServletRequest servletRequest() {
        return req;
    }

    HttpServletResponse servletResponse() {
        return resp;
    }

    /**
     * The variables every template gets: {@code user}, {@code csrf_token}, {@code request_path} (below
     * the portal's root) and {@code base} (the context path, "" standalone: every link starts with it).
     */
    Map<String, Object> common() {
        return common(req, identity, path, csrf);
    }

    /** {@link #common()} for a page drawn without a request of its own (an error page before routing). */
    static Map<String, Object> common(HttpServletRequest req, WebIdentity.Identity identity, String path, String csrf) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("base", req.getContextPath() == null ? "" : req.getContextPath());
        m.put("user", identity.user().map(u -> Map.<String, Object>of("id", u.id(), "name", u.name(), "sysadmin", u.sysadmin())).orElse(null));
        m.put("csrf_token", csrf);
        m.put("request_path", path);
        return m;
    }

    @Override
    public void close() {
        if (body != null) {
            body.close();
        }
    }
}
