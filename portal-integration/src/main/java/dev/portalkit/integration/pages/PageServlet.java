package dev.portalkit.integration.pages;

import dev.portalkit.api.PortalException;
import dev.portalkit.api.action.ActionContext;
import dev.portalkit.api.web.IBlueprint;
import dev.portalkit.api.web.Page;
import dev.portalkit.integration.web.ActionInput;
import dev.portalkit.integration.web.ApiResponses;
import dev.portalkit.integration.web.RequestPaths;
import dev.portalkit.integration.web.WebIdentity;
import dev.portalkit.integration.web.WebPlugin;
import dev.portalkit.runtime.ApiTokenAuthenticator;
import dev.portalkit.runtime.Portal;
import dev.portalkit.runtime.core.CoreConfig;
import dev.portalkit.runtime.intake.FileParts;
import dev.portalkit.runtime.intake.UploadIntake;
import dev.portalkit.runtime.plugin.PluginSet;
import jakarta.inject.Inject;
import jakarta.servlet.annotation.MultipartConfig;
import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.Writer;
import java.net.URL;
import java.net.URLConnection;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The portal's HTML pages: every path the action API ({@code /api/}) and the download routes do
 * not take. Static assets at {@code /assets/...} (the {@link TemplateLayers}' public folders); the
 * rest is routed to the plugins' {@link IBlueprint}s and the core pages ({@link CorePages}).
 *
 * <p>For each request: who it is ({@link WebIdentity}); for a {@code POST}, the body read through
 * the same parser and upload intake as the action API (a route that uploads names its action, so
 * file parts are admitted, limited and spooled or piped exactly as for that action), then the
 * CSRF check; then the handler, whose {@link Page} is rendered. Every page carries a
 * {@code Content-Security-Policy} that allows scripts, styles and frames only from the portal
 * itself, and {@code Cache-Control: no-store}.
 */
@WebServlet(name = "pages", urlPatterns = "/")
public class PageServlet extends HttpServlet {
    private static final Logger LOG = Logger.getLogger(PageServlet.class.getName());
    /** The pages' policy: nothing runs or loads from elsewhere; no plugins, no framing. */
    public static final String CSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; "
            + "connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'";
    /**
     * A page's model entry: origins ({@code scheme://host[:port]}) the page's scripts may connect to
     * besides the portal (the upload widget's direct uploads), added to the CSP's {@code connect-src}.
     */
    public static final String CONNECT_ORIGINS = "connect_origins";
    private static final java.util.regex.Pattern ORIGIN = java.util.regex.Pattern.compile("https?://[A-Za-z0-9.\\-\\[\\]:]+");
    private static final Map<String, String> ASSET_TYPES = Map.of("css", "text/css; charset=utf-8", "js",
            "text/javascript; charset=utf-8", "svg", "image/svg+xml", "png", "image/png", "ico", "image/x-icon",
            "woff2", "font/woff2", "map", "application/json", "txt", "text/plain; charset=utf-8");

    @Inject
    transient Portal portal;
    @Inject
    transient WebIdentity identities;
    @Inject
    transient UploadIntake intake;

    private transient volatile Site site;

    /** For the servlet container (WAR). */
    public PageServlet() {
    }

    /** For the standalone server. */
    public PageServlet(Portal portal, WebIdentity identities, UploadIntake intake) {
        this.portal = portal;
        this.identities = identities;
        this.intake = intake;
    }

    /** The templates and routes, made on first use (the portal starts after the servlet is made in a WAR). */
    record Site(PageTemplates templates, Router router) {
    }

    Site site() {
        Site s = site;
        if (s == null) {
            synchronized (this) {
                s = site;
                if (s == null) {
                    PluginSet plugins = portal.plugins();
                    Router router = new Router();
                    for (PluginSet.Named<IBlueprint> b : plugins.implementing(IBlueprint.class)) {
                        if (!b.builtIn()) {
                            b.plugin().routes(router.owner("plugin " + b.name()));
                        }
                    }
                    PageTemplates templates = PageTemplates.of(plugins, portal.config().string(CoreConfig.SITE_URL));
                    new CorePages(portal, templates, identities).routes(router.owner("core"));
                    s = new Site(templates, router);
                    site = s;
                }
            }
        }
        return s;
    }

    @Override
    protected void service(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        resp.setHeader("X-Content-Type-Options", "nosniff");
        String path = RequestPaths.path(req);
        if (path.startsWith("/assets/")) {
            asset(req, resp, path.substring("/assets/".length()));
            return;
        }
        if (apiPath(path)) {
            apiNotFound(req, resp, path);
            return;
        }
        resp.setHeader("Content-Security-Policy", CSP);
        resp.setHeader("X-Frame-Options", "DENY");
        resp.setHeader("Referrer-Policy", "same-origin");
        resp.setHeader("Cache-Control", "no-store");
        Site site = site();
        String method = req.getMethod();
        WebIdentity.Identity identity = WebIdentity.Identity.ANONYMOUS;
        PageRequestImpl request = null;
        try {
            identity = identities.identify(req);
            List<String> segments = segments(path);
            Router.Match match = site.router().match(method, segments);
            if (match == null) {
                if (site.router().pathKnown(segments) || !(method.equals("GET") || method.equals("HEAD") || method.equals("POST"))) {
                    resp.setHeader("Allow", "GET, HEAD, POST");
                    error(req, resp, site, new ApiResponses.ApiError(405, "Method Not Allowed", "Method " + method
                            + " is not allowed here", Map.of()), null, identity);
                    return;
                }
                throw PortalException.notFound("There is no page at " + path);
            }
            String csrf = identities.csrfToken(identity, req, resp);
            ActionContext context = portal.context(identity.user(), false);
            context.attributes().put(ApiTokenAuthenticator.CLIENT_ADDRESS_ATTRIBUTE, req.getRemoteAddr());
            ActionInput body = method.equals("POST") ? readBody(req, match, identity) : null;
            request = new PageRequestImpl(req, resp, path, match.variables(), body, identity, context, csrf);
            if (body != null) {
                Object given = body.data().get(WebIdentity.CSRF_FIELD);
                identities.checkCsrf(identity, req, given instanceof String s ? s : req.getHeader(WebIdentity.CSRF_HEADER));
                body.data().remove(WebIdentity.CSRF_FIELD);
            }
            Page page = match.handler().handle(request);
            send(req, resp, site, page, request);
        } catch (RuntimeException e) {
            error(req, resp, site, ApiResponses.describe(e), request, identity);
        } finally {
            if (request != null) {
                request.close();
            }
        }
    }

    private ActionInput readBody(HttpServletRequest req, Router.Match match, WebIdentity.Identity identity) throws IOException {
        String type = req.getContentType() == null ? null : req.getContentType().split(";")[0].trim().toLowerCase(Locale.ROOT);
        String boundary = parameter(req.getContentType(), "boundary");
        long length = req.getContentLengthLong();
        boolean multipart = "multipart/form-data".equals(type);
        FileParts files;
        if (multipart && match.uploadAction() != null) {
            UploadIntake.Admission admission = intake.admit(match.uploadAction(), identity.user(), false, length, true,
                    portal.config().bool(WebPlugin.PIPE_UPLOADS));
            files = admission.files(portal.config().integer(WebPlugin.MAX_FILE_PARTS), WebPlugin.MAX_FILE_PARTS);
        } else {
            files = FileParts.none();
        }
        ActionInput.Limits limits = new ActionInput.Limits(portal.config().size(WebPlugin.MAX_BODY_SIZE),
                portal.config().size(WebPlugin.MAX_UPLOAD_SIZE), portal.config().integer(WebPlugin.MAX_PARTS), files);
        InputStream in = req.getInputStream();
        return ActionInput.fromBody(type, boundary, parameter(req.getContentType(), "charset"), length, in, limits);
    }

    private void send(HttpServletRequest req, HttpServletResponse resp, Site site, Page page, PageRequestImpl request) throws IOException {
        if (page.location() != null) {
            resp.setStatus(page.status());
            resp.setHeader("Location", req.getContextPath() + page.location());
            return;
        }
        if (page.model().get(CONNECT_ORIGINS) instanceof List<?> origins && !origins.isEmpty()) {
            StringBuilder connect = new StringBuilder("connect-src 'self'");
            for (Object o : origins) {
                if (o instanceof String origin && ORIGIN.matcher(origin).matches()) {
                    connect.append(' ').append(origin);
                }
            }
            resp.setHeader("Content-Security-Policy", CSP.replace("connect-src 'self'", connect.toString()));
        }
        render(resp, site, page.status(), page.template(), page.model(), request, req.getMethod().equals("HEAD"));
    }

    private void render(HttpServletResponse resp, Site site, int status, String template, Map<String, Object> model,
                        PageRequestImpl request, boolean head) throws IOException {
        Map<String, Object> all = new LinkedHashMap<>(model);
        if (request != null) {
            all.putAll(request.common());
        }
        // Rendered to memory first: a template error then becomes an error page, not half a page.
        java.io.StringWriter out = new java.io.StringWriter(8192);
        site.templates().render(template, all, out);
        byte[] bytes = out.toString().getBytes(StandardCharsets.UTF_8);
        resp.setStatus(status);
        resp.setContentType("text/html; charset=utf-8");
        resp.setContentLength(bytes.length);
        if (!head) {
            try (OutputStream o = resp.getOutputStream()) {
                o.write(bytes);
            }
        }
    }

    private void error(HttpServletRequest req, HttpServletResponse resp, Site site, ApiResponses.ApiError error,
                       PageRequestImpl request, WebIdentity.Identity identity) throws IOException {
        if (resp.isCommitted()) {
            LOG.log(Level.WARNING, "page " + req.getRequestURI() + " failed after its answer began: " + error.message());
            return;
        }
        resp.resetBuffer();
        Map<String, Object> model = PageRequestImpl.common(req, identity, RequestPaths.path(req), null);
        model.put("status", error.status());
        model.put("title", ApiResponses.reason(error.status()));
        model.put("message", error.message());
        ApiResponses.retryAfter(error.status(), error.details()).ifPresent(s -> resp.setHeader("Retry-After", s));
        try {
            render(resp, site, error.status(), "error.html", model, request, req.getMethod().equals("HEAD"));
        } catch (RuntimeException again) {
            LOG.log(Level.SEVERE, "the error page failed", again);
            resp.setStatus(error.status());
            resp.setContentType("text/plain; charset=utf-8");
            try (Writer w = resp.getWriter()) {
                w.write(error.status() + " " + ApiResponses.reason(error.status()) + "\n");
            }
        }
    }

    private void asset(HttpServletRequest req, HttpServletResponse resp, String path) throws IOException {
        if (!req.getMethod().equals("GET") && !req.getMethod().equals("HEAD")) {
            resp.setHeader("Allow", "GET, HEAD");
            resp.sendError(405);
            return;
        }
        URL url = site().templates().layers().findAsset(RequestPaths.decode(path));
        int dot = path.lastIndexOf('.');
        String type = dot < 0 ? null : ASSET_TYPES.get(path.substring(dot + 1).toLowerCase(Locale.ROOT));
        if (url == null || type == null) {
            resp.setStatus(404);
            resp.setContentType("text/plain; charset=utf-8");
            resp.getWriter().write("Not found\n");
            return;
        }
        URLConnection connection = url.openConnection();
        resp.setContentType(type);
        resp.setHeader("Cache-Control", "public, max-age=3600");
        // An SVG asset is a document: never let it run script on the portal's origin.
        resp.setHeader("Content-Security-Policy", "default-src 'none'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; sandbox");
        long length = connection.getContentLengthLong();
        if (length >= 0) {
            resp.setContentLengthLong(length);
        }
        if (req.getMethod().equals("HEAD")) {
            return;
        }
        try (InputStream in = connection.getInputStream(); OutputStream out = resp.getOutputStream()) {
            in.transferTo(out);
        }
    }

    /**
     * Whether {@code path} (as the client sent it) is under {@code /api/} or {@code /files/}: the
     * action API's and the downloads' ground, where no page lives. What reaches the pages there
     * (no API or download route took it, such as {@code /files/public-download/../../etc/passwd})
     * is answered in the API's JSON error envelope, as an API client expects, never as a page.
     */
    static boolean apiPath(String path) {
        return path.equals("/api") || path.startsWith("/api/") || path.equals("/files") || path.startsWith("/files/");
    }

    private static void apiNotFound(HttpServletRequest req, HttpServletResponse resp, String path) throws IOException {
        java.net.URI base;
        try {
            base = new java.net.URI(req.getScheme(), null, req.getServerName(), req.getServerPort(), req.getContextPath() + "/", null, null);
        } catch (java.net.URISyntaxException | RuntimeException e) {
            base = null;
        }
        String help = ApiResponses.helpUrl(base, null);
        byte[] body = ApiResponses.errorJson(help, ApiResponses.httpErrorType(404), "Not found", Map.of());
        resp.setStatus(404);
        resp.setContentType(ApiResponses.JSON_TYPE);
        resp.setHeader("Cache-Control", "no-store");
        resp.setContentLength(body.length);
        if (!req.getMethod().equals("HEAD")) {
            try (OutputStream out = resp.getOutputStream()) {
                out.write(body);
            }
        }
    }

    private static List<String> segments(String path) {
        List<String> out = new ArrayList<>();
        String p = path.startsWith("/") ? path.substring(1) : path;
        if (p.endsWith("/")) {
            p = p.substring(0, p.length() - 1);
        }
        if (p.isEmpty()) {
            return out;
        }
        for (String s : p.split("/", -1)) {
            out.add(RequestPaths.decode(s));
        }
        return out;
    }

    private static String parameter(String contentType, String name) {
        if (contentType == null) {
            return null;
        }
        for (String part : contentType.split(";")) {
            String p = part.trim();
            int eq = p.indexOf('=');
            if (eq > 0 && p.substring(0, eq).trim().equalsIgnoreCase(name)) {
                String v = p.substring(eq + 1).trim();
                return v.length() >= 2 && v.startsWith("\"") && v.endsWith("\"") ? v.substring(1, v.length() - 1) : v;
            }
        }
        return null;
    }
}
