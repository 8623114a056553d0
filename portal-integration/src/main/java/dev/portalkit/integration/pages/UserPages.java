package dev.portalkit.integration.pages;

import static dev.portalkit.integration.pages.PageCalls.callMap;
import static dev.portalkit.integration.pages.PageCalls.model;

import dev.portalkit.api.ErrorKind;
import dev.portalkit.api.PortalException;
import dev.portalkit.api.ValidationException;
import dev.portalkit.api.action.UserRef;
import dev.portalkit.api.web.Page;
import dev.portalkit.api.web.PageRequest;
import dev.portalkit.integration.web.WebIdentity;
import dev.portalkit.runtime.Portal;
import dev.portalkit.runtime.WebSessions;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** Login, logout, registration, a user's page and their edit form. */
final class UserPages {
    private final Portal portal;
    private final PageTemplates templates;
    private final WebIdentity identities;

    UserPages(Portal portal, PageTemplates templates, WebIdentity identities) {
        this.portal = portal;
        this.templates = templates;
        this.identities = identities;
    }

    void routes(Router r) {
        r.get("/user/login", req -> Page.render("user/login.html", model("came_from", safeReturn(req.param("came_from").orElse(null)))));
        r.post("/user/login", this::login);
        r.get("/user/logout", req -> Page.render("user/logout.html", Map.of()));
        r.post("/user/logout", this::logout);
        r.get("/user/register", this::register);
        r.post("/user/register", this::register);
        r.get("/user/edit/{id}", this::edit);
        r.postUpload("/user/edit/{id}", "user_update", this::edit);
        r.get("/user/{id}", this::read);
    }

    private WebSessions sessions() {
        return identities.sessions().orElseThrow(() -> new PortalException(ErrorKind.UNSUPPORTED, "This portal has no login sessions"));
    }

    private Page login(PageRequest req) {
        PageRequestImpl r = (PageRequestImpl) req;
        String login = r.param("login").orElse("").strip();
        String password = r.param("password").orElse("");
        String cameFrom = safeReturn(r.param("came_from").orElse(null));
        Optional<UserRef> user;
        try {
            user = login.isEmpty() || password.isEmpty() ? Optional.empty()
                    : sessions().checkPassword(login, password, r.servletRequest().getRemoteAddr());
        } catch (PortalException e) {
            if (e.kind() != ErrorKind.TOO_MANY_REQUESTS) {
                throw e;
            }
            return Page.render(429, "user/login.html", model("login", login, "came_from", cameFrom, "error", "login.throttled"));
        }
        if (user.isEmpty()) {
            return Page.render(403, "user/login.html", model("login", login, "came_from", cameFrom, "error", "login.failed"));
        }
        startSession(r, user.get());
        return Page.redirect(cameFrom != null ? cameFrom : "/user/" + PageCalls.encode(user.get().name()));
    }

    /** A new session for {@code user} (any session the browser had is ended first: no fixation). */
    private void startSession(PageRequestImpl r, UserRef user) {
        r.identity().session().ifPresent(s -> sessions().close(s.token()));
        WebSessions.Session session = sessions().open(user);
        r.servletResponse().addHeader("Set-Cookie", identities.cookieHeader(r.servletRequest(), WebIdentity.SESSION_COOKIE, session.token(), -1));
    }

    private Page logout(PageRequest req) {
        PageRequestImpl r = (PageRequestImpl) req;
        r.identity().session().ifPresent(s -> sessions().close(s.token()));
        r.servletResponse().addHeader("Set-Cookie", identities.cookieHeader(r.servletRequest(), WebIdentity.SESSION_COOKIE, "", 0));
        return Page.redirect("/");
    }

    private Page register(PageRequest req) {
        PageRequestImpl r = (PageRequestImpl) req;
        r.context().attributes().put(WebSessions.VIA_WEB_ATTRIBUTE, true);
        PageCalls.require(r, "user_create", Map.of(), "register accounts here");
        Map<String, Object> values = new LinkedHashMap<>();
        Map<String, Object> errors = Map.of();
        if (r.method().equals("POST")) {
            Map<String, Object> data = SchemaForm.submitted(r.form());
            Object confirm = data.remove("password2");
            Object password = data.remove("password1");
            if (password != null) {
                data.put("password", password);
            }
            try {
                if (password != null && !password.equals(confirm)) {
                    throw ValidationException.of("password", "The passwords you entered do not match");
                }
                Map<String, Object> created = callMap(r, "user_create", data);
                String name = (String) created.get("name");
                if (r.user().isEmpty()) {
                    sessions().activeUser(name).ifPresent(u -> startSession(r, u));
                }
                return Page.redirect("/user/" + PageCalls.encode(name));
            } catch (ValidationException e) {
                data.remove("password");
                values = data;
                errors = SchemaForm.errors(e);
            }
        }
        var schema = portal.validation().schema("user_create");
        Set<String> drawn = Set.of("password");
        List<Map<String, Object>> fields = SchemaForm.fields(schema, drawn, values, errors, templates);
        return Page.render(errors.isEmpty() ? 200 : 409, "user/register.html", model("fields", fields,
                "password_errors", SchemaForm.messages(errors.get("password")), "other_errors", SchemaForm.otherErrors(errors, fields, drawn)));
    }

    private Page read(PageRequest r) {
        Map<String, Object> user = PageCalls.show(r, "user_show", r.pathParam("id"));
        boolean self = r.user().map(u -> u.id().equals(user.get("id"))).orElse(false);
        return Page.render("user/read.html", model("profile", user, "is_self", self,
                "can_edit", PageCalls.may(r, "user_update", model("id", user.get("id")))));
    }

    private Page edit(PageRequest req) {
        PageRequestImpl r = (PageRequestImpl) req;
        Map<String, Object> stored = PageCalls.show(r, "user_show", r.pathParam("id"));
        String id = (String) stored.get("id");
        PageCalls.require(r, "user_update", model("id", id), "edit this user");
        Map<String, Object> values = new LinkedHashMap<>(stored);
        Map<String, Object> errors = Map.of();
        if (r.method().equals("POST")) {
            Map<String, Object> data = SchemaForm.submitted(r.form());
            data.put("id", id);
            Object confirm = data.remove("password2");
            Object password = data.remove("password1");
            try {
                if (password != null) {
                    if (!password.equals(confirm)) {
                        throw ValidationException.of("password", "The passwords you entered do not match");
                    }
                    data.put("password", password);
                }
                if (!data.containsKey("image_upload") && !data.containsKey("image_url") && !"true".equals(data.get("clear_upload"))
                        && stored.get("image_url") != null) {
                    data.put("image_url", stored.get("image_url"));
                }
                Map<String, Object> saved = callMap(r, "user_update", data);
                return Page.redirect("/user/" + PageCalls.encode((String) saved.get("name")));
            } catch (ValidationException e) {
                data.remove("password");
                data.remove("old_password");
                data.remove("image_upload");
                values = data;
                errors = SchemaForm.errors(e);
            }
        }
        var schema = portal.validation().schema("user_update");
        Set<String> drawn = Set.of("password", "old_password", "image_url", "image_upload");
        List<Map<String, Object>> fields = SchemaForm.fields(schema, drawn, values, errors, templates);
        return Page.render(errors.isEmpty() ? 200 : 409, "user/edit.html", model("profile", stored, "fields", fields, "values", values,
                "password_errors", SchemaForm.messages(errors.get("password")),
                "old_password_errors", SchemaForm.messages(errors.get("old_password")),
                "image_errors", SchemaForm.messages(errors.get("image_upload")),
                "other_errors", SchemaForm.otherErrors(errors, fields, drawn)));
    }

    /** {@code came_from} when it is a path of this portal (never another site: no open redirect), else null. */
    static String safeReturn(String cameFrom) {
        if (cameFrom == null || !cameFrom.startsWith("/") || cameFrom.startsWith("//") || cameFrom.contains("\\")
                || cameFrom.chars().anyMatch(c -> c < 0x20) || cameFrom.startsWith("/user/login") || cameFrom.length() > 1000) {
            return null;
        }
        return cameFrom;
    }
}
