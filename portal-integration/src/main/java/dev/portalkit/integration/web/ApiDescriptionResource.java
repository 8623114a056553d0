package dev.portalkit.integration.web;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.portalkit.api.ErrorKind;
import dev.portalkit.api.PortalException;
import dev.portalkit.runtime.Json;
import dev.portalkit.runtime.Portal;
import dev.portalkit.runtime.action.OpenApiDocument;
import dev.portalkit.runtime.core.CoreConfig;
import dev.portalkit.runtime.core.CorePlugin;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.EntityTag;
import jakarta.ws.rs.core.Request;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The machine-readable description of the action API and a browser for it, under the REST
 * application ({@code /api}):
 * <ul>
 *   <li>{@code GET /api/openapi.json}: the OpenAPI 3 document ({@link OpenApiDocument}) of every
 *       registered action, built on the first request and kept (actions and schemas change only
 *       at start);</li>
 *   <li>{@code GET /api/docs/}: Swagger UI from the {@code org.webjars:swagger-ui} jar (no CDN),
 *       pointed at the document; {@code /api/docs} redirects there so that its relative links
 *       work below any context path. Its pages carry a Content-Security-Policy that allows only the
 *       portal's own scripts and styles (and {@code data:} images, which the UI's CSS uses), no
 *       framing and no referrer.</li>
 * </ul>
 * The standalone server registers this resource; in a WAR the server finds it by scanning.
 */
@Path("/")
@ApplicationScoped
public class ApiDescriptionResource {
    /**
     * The UI's pages: only this origin's scripts, styles and images (plus the CSS's data: images),
     * nothing framed or framing. The one inline style swagger-ui-bundle.js 5.35.0 applies is allowed
     * by its hash (a new WebJar version may need the new hash: the browser names it in its console).
     */
    public static final String CONTENT_SECURITY_POLICY = "default-src 'self'; script-src 'self'; "
            + "style-src 'self' 'sha256-RL3ie0nH+Lzz2YNqQN83mnU0J1ot4QL7b99vMdIX99w='; "
            + "img-src 'self' data:; connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'self'; "
            + "form-action 'self'; frame-ancestors 'none'";
    private static final String WEBJAR = "META-INF/resources/webjars/swagger-ui/";
    /** The UI's static files: kept by the browser, revalidated by their ETag on every use. */
    static final String ASSET_CACHE_CONTROL = "no-cache";
    /** The WebJar's files the UI needs; nothing else of the jar is served (its index.html points at a petstore). */
    private static final Map<String, String> ASSETS = Map.of(
            "swagger-ui.css", "text/css;charset=utf-8",
            "index.css", "text/css;charset=utf-8",
            "swagger-ui-bundle.js", "text/javascript;charset=utf-8",
            "swagger-ui-standalone-preset.js", "text/javascript;charset=utf-8",
            "favicon-32x32.png", "image/png",
            "favicon-16x16.png", "image/png");
    /** Starts the UI on the document; a file of its own because the policy forbids inline scripts. */
    private static final String INITIALIZER = """
            window.onload = function () {
              window.ui = SwaggerUIBundle({
                url: "../openapi.json",
                dom_id: "#swagger-ui",
                deepLinking: true,
                presets: [SwaggerUIBundle.presets.apis, SwaggerUIStandalonePreset],
                plugins: [SwaggerUIBundle.plugins.DownloadUrl],
                layout: "StandaloneLayout",
                validatorUrl: null
              });
            };
            """;
    private static final String PAGE = """
            <!DOCTYPE html>
            <html lang="en">
            <head>
              <meta charset="utf-8">
              <title>%s: action API</title>
              <link rel="stylesheet" href="swagger-ui.css">
              <link rel="stylesheet" href="index.css">
              <link rel="icon" type="image/png" href="favicon-32x32.png" sizes="32x32">
            </head>
            <body>
              <div id="swagger-ui"></div>
              <script src="swagger-ui-bundle.js"></script>
              <script src="swagger-ui-standalone-preset.js"></script>
              <script src="portalkit-initializer.js"></script>
            </body>
            </html>
            """;

    @Inject
    Portal portal;

    /** The document's bytes by the API base it names (one per deployment: the context path is fixed). */
    private final Map<String, byte[]> documents = new ConcurrentHashMap<>();
    private volatile String webjarVersion;

    /** For CDI. */
    public ApiDescriptionResource() {
    }

    @GET
    @Path("openapi.json")
    public Response document(@Context HttpServletRequest request) {
        String base = (request == null ? "" : request.getContextPath()) + "/api";
        byte[] bytes = documents.computeIfAbsent(base, this::render);
        return Response.ok(bytes, ApiResponses.JSON_TYPE).header("Access-Control-Allow-Origin", "*").build();
    }

    private byte[] render(String base) {
        Map<String, Object> doc = OpenApiDocument.build(portal.dispatcher().actions(), portal.validation(), base,
                portal.config().string(CoreConfig.SITE_TITLE), CorePlugin.VERSION, this::wholeNumberOption);
        try {
            return Json.MAPPER.writeValueAsBytes(doc);
        } catch (JsonProcessingException e) {
            throw new PortalException(ErrorKind.INTERNAL, "the API description is not JSON: " + e.getOriginalMessage(), e);
        }
    }

    /** The UI's page at {@code /api/docs/}; {@code /api/docs} redirects there so that the page's relative links work. */
    /** A whole-number option's value, for the bounds schemas name by key; null when it is not one. */
    private Long wholeNumberOption(String key) {
        try {
            return (long) portal.config().integer(key);
        } catch (RuntimeException e) {
            return null;
        }
    }

    @GET
    @Path("docs")
    public Response docs(@Context HttpServletRequest request, @Context UriInfo uri) {
        if (request != null && !request.getRequestURI().endsWith("/")) {
            // Absolute: JAX-RS would resolve a relative location against the application's base (/api/).
            return Response.status(Response.Status.MOVED_PERMANENTLY).location(uri.getBaseUri().resolve("docs/")).build();
        }
        String title = escape(portal.config().string(CoreConfig.SITE_TITLE));
        return page(Response.ok(PAGE.formatted(title).getBytes(StandardCharsets.UTF_8), "text/html;charset=utf-8"));
    }

    private static String escape(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }

    @GET
    @Path("docs/portalkit-initializer.js")
    public Response initializer() {
        return page(Response.ok(INITIALIZER.getBytes(StandardCharsets.UTF_8), "text/javascript;charset=utf-8"));
    }

    @GET
    @Path("docs/{file: [A-Za-z0-9._-]+}")
    public Response asset(@PathParam("file") String file, @Context Request request) {
        String type = ASSETS.get(file);
        String version = webjarVersion();
        InputStream in = type == null ? null
                : ApiDescriptionResource.class.getClassLoader().getResourceAsStream(WEBJAR + version + "/" + file);
        if (in == null) {
            throw PortalException.notFound("No such file of the API browser: " + file);
        }
        // The WebJar's files change only with its version: a browser keeps them and asks again with
        // If-None-Match, answered 304 without the body (the bundle is 1.7 MB).
        EntityTag tag = new EntityTag("swagger-ui-" + version + "-" + file);
        Response.ResponseBuilder unchanged = request == null ? null : request.evaluatePreconditions(tag);
        if (unchanged != null) {
            try {
                in.close();
            } catch (IOException ignored) {
                // nothing was read
            }
            return page(unchanged.tag(tag).header("Cache-Control", ASSET_CACHE_CONTROL));
        }
        return page(Response.ok(in, type).tag(tag).header("Cache-Control", ASSET_CACHE_CONTROL));
    }

    /** The headers of every answer of the UI (the JSON answers get nosniff and no-store from {@link ApiResponseHeaders}). */
    private static Response page(Response.ResponseBuilder builder) {
        return builder.header("Content-Security-Policy", CONTENT_SECURITY_POLICY)
                .header("X-Frame-Options", "DENY")
                .header("Referrer-Policy", "no-referrer")
                .build();
    }

    /** The WebJar's version, from its Maven metadata (the resources sit below it). */
    private String webjarVersion() {
        String v = webjarVersion;
        if (v == null) {
            try (InputStream in = ApiDescriptionResource.class.getClassLoader()
                    .getResourceAsStream("META-INF/maven/org.webjars/swagger-ui/pom.properties")) {
                if (in == null) {
                    throw new PortalException(ErrorKind.INTERNAL, "the swagger-ui WebJar is missing from the class path");
                }
                Properties p = new Properties();
                p.load(in);
                v = p.getProperty("version", "").strip().toLowerCase(Locale.ROOT);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            webjarVersion = v;
        }
        return v;
    }
}
