package dev.portalkit.integration.web;

import dev.portalkit.api.PortalException;
import dev.portalkit.api.action.UserRef;
import dev.portalkit.api.config.PortalConfig;
import dev.portalkit.api.web.IAuthenticator;
import dev.portalkit.api.web.WebRequest;
import dev.portalkit.runtime.ApiTokenAuthenticator;
import dev.portalkit.runtime.Portal;
import dev.portalkit.runtime.WebSessions;
import dev.portalkit.runtime.plugin.PluginSet;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import jakarta.servlet.http.Cookie;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Optional;

/**
 * Who an HTTP request is, the same way for pages, the action API and downloads: an API token in
 * {@code Authorization} first; without one, the enabled plugins' {@link IAuthenticator}s in
 * {@code portal.plugins} order, then the password login's session cookie. Identities that a
 * browser sends by itself (a cookie, or a header a plugin trusts) are <em>ambient</em>: their
 * state-changing requests must carry the CSRF token ({@link #checkCsrf}).
 *
 * <p>The CSRF token is the session's own (stored with it); a visitor without a session gets a
 * random one in the {@value #CSRF_COOKIE} cookie, which the form must repeat (login and register
 * forms). Cookies are {@code HttpOnly}, {@code SameSite=Lax}, and {@code Secure} when the request
 * came over HTTPS (or through a trusted proxy saying so with {@code X-Forwarded-Proto}).
 */
@ApplicationScoped
public class WebIdentity {
    public static final String SESSION_COOKIE = "portal_session";
    public static final String CSRF_COOKIE = "portal_csrf";
    /** The form field that carries the CSRF token. */
    public static final String CSRF_FIELD = "_csrf_token";
    /** The header that carries it on an API call (CKAN's name). */
    public static final String CSRF_HEADER = "X-CSRFToken";
    private static final SecureRandom RANDOM = new SecureRandom();

    @Inject
    Portal portal;

    @Inject
    Instance<ApiTokenAuthenticator> tokens;

    @Inject
    Instance<WebSessions> sessions;

    /**
     * The token authenticator, resolved on first use: the beans do not change once deployed, and
     * resolving it through {@link Instance} cost about 5 % of a small authenticated download. It is
     * an application-scoped bean, so this is its client proxy, as {@code tokens.get()} gives.
     */
    private volatile Optional<ApiTokenAuthenticator> authenticator;

    /** For CDI. */
    public WebIdentity() {
    }

    /** For the standalone server, which builds its servlets itself. */
    public WebIdentity(Portal portal, Instance<ApiTokenAuthenticator> tokens, Instance<WebSessions> sessions) {
        this.portal = portal;
        this.tokens = tokens;
        this.sessions = sessions;
    }

    private Optional<ApiTokenAuthenticator> authenticator() {
        Optional<ApiTokenAuthenticator> known = authenticator;
        if (known == null) {
            known = tokens == null || tokens.isUnsatisfied() ? Optional.empty() : Optional.of(tokens.get());
            authenticator = known;
        }
        return known;
    }

    /**
     * Who the request is.
     *
     * @param user    the user, empty for a visitor
     * @param session the login session the cookie names, if any
     * @param ambient whether the browser sends the identity by itself (cookie or trusted header)
     */
    public record Identity(Optional<UserRef> user, Optional<WebSessions.Session> session, boolean ambient) {
        public static final Identity ANONYMOUS = new Identity(Optional.empty(), Optional.empty(), false);
    }

    /**
     * The request's identity. A bad API token is refused (403), as on the action API.
     *
     * @throws PortalException PERMISSION_DENIED for an invalid token, TOO_MANY_REQUESTS when throttled
     */
    public Identity identify(HttpServletRequest req) {
        String authorization = req.getHeader("Authorization");
        if (authorization != null && !authorization.isBlank()) {
            return new Identity(ApiTokens.user(new ApiTokens.Credentials(authorization, req.getRemoteAddr()), authenticator()),
                    Optional.empty(), false);
        }
        WebRequest view = view(req, portal.portalConfig());
        for (PluginSet.Named<IAuthenticator> a : portal.plugins().implementing(IAuthenticator.class)) {
            Optional<String> name = a.plugin().identify(view);
            if (name.isPresent()) {
                Optional<UserRef> user = sessions.isUnsatisfied() ? Optional.empty() : sessions.get().activeUser(name.get());
                if (user.isPresent()) {
                    return new Identity(user, session(req), true);
                }
            }
        }
        Optional<WebSessions.Session> session = session(req);
        return session.map(s -> new Identity(Optional.of(s.user()), Optional.of(s), true)).orElse(Identity.ANONYMOUS);
    }

    private Optional<WebSessions.Session> session(HttpServletRequest req) {
        String token = cookie(req, SESSION_COOKIE);
        return token == null || sessions.isUnsatisfied() ? Optional.empty() : sessions.get().find(token);
    }

    /** The login sessions, when the portal model provides them. */
    public Optional<WebSessions> sessions() {
        return sessions.isUnsatisfied() ? Optional.empty() : Optional.of(sessions.get());
    }

    /** The CSRF token this request's forms carry: the session's, else the visitor's cookie (set on {@code resp} when new). */
    public String csrfToken(Identity identity, HttpServletRequest req, HttpServletResponse resp) {
        if (identity.session().isPresent()) {
            return identity.session().get().csrfToken();
        }
        String token = cookie(req, CSRF_COOKIE);
        if (token == null || token.length() < 20 || token.length() > 100) {
            byte[] bytes = new byte[32];
            RANDOM.nextBytes(bytes);
            token = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
            resp.addHeader("Set-Cookie", cookieHeader(req, CSRF_COOKIE, token, -1));
            req.setAttribute(CSRF_COOKIE, token);
        }
        return token;
    }

    /**
     * Refuses (403) a state-changing request of an ambient identity, or of a form, whose CSRF token
     * ({@code given}: the form field or the {@value #CSRF_HEADER} header) is missing or wrong.
     */
    public void checkCsrf(Identity identity, HttpServletRequest req, String given) {
        String expected = identity.session().map(WebSessions.Session::csrfToken).orElseGet(() -> cookie(req, CSRF_COOKIE));
        if (expected == null || given == null
                || !MessageDigest.isEqual(expected.getBytes(StandardCharsets.UTF_8), given.getBytes(StandardCharsets.UTF_8))) {
            throw PortalException.denied("The CSRF token is missing or wrong: send the form again from a fresh page"
                    + " (an API call authenticated by the session cookie sends it in the " + CSRF_HEADER + " header)");
        }
    }

    /** A {@code Set-Cookie} value: HttpOnly, SameSite=Lax, path /, Secure over HTTPS; {@code maxAge} 0 deletes it, -1 lasts the browser session. */
    public String cookieHeader(HttpServletRequest req, String name, String value, int maxAge) {
        String context = req.getContextPath() == null || req.getContextPath().isEmpty() ? "/" : req.getContextPath();
        StringBuilder b = new StringBuilder(name).append('=').append(value).append("; Path=").append(context)
                .append("; HttpOnly; SameSite=Lax");
        if (maxAge >= 0) {
            b.append("; Max-Age=").append(maxAge);
        }
        if (secure(req)) {
            b.append("; Secure");
        }
        return b.toString();
    }

    /** Whether the browser reached the portal over HTTPS. */
    public boolean secure(HttpServletRequest req) {
        if (req.isSecure()) {
            return true;
        }
        String proto = req.getHeader("X-Forwarded-Proto");
        return proto != null && proto.trim().equalsIgnoreCase("https") && trustedProxy(req.getRemoteAddr());
    }

    private boolean trustedProxy(String address) {
        try {
            for (String proxy : portal.config().list(WebPlugin.PROXY_ADDRESSES)) {
                java.net.InetAddress trusted = WebPlugin.ipAddress(proxy);
                if (trusted != null && trusted.equals(WebPlugin.ipAddress(address))) {
                    return true;
                }
            }
        } catch (RuntimeException e) {
            return false;
        }
        return false;
    }

    /** A cookie's value, or null. */
    public static String cookie(HttpServletRequest req, String name) {
        Object fresh = req.getAttribute(name);
        if (fresh instanceof String s) {
            return s;
        }
        Cookie[] cookies = req.getCookies();
        if (cookies == null) {
            return null;
        }
        for (Cookie c : cookies) {
            if (name.equals(c.getName())) {
                return c.getValue();
            }
        }
        return null;
    }

    private static WebRequest view(HttpServletRequest req, PortalConfig config) {
        return new WebRequest() {
            @Override
            public String header(String name) {
                return req.getHeader(name);
            }

            @Override
            public String cookie(String name) {
                return WebIdentity.cookie(req, name);
            }

            @Override
            public String remoteAddress() {
                return req.getRemoteAddr();
            }

            @Override
            public PortalConfig config() {
                return config;
            }
        };
    }
}
