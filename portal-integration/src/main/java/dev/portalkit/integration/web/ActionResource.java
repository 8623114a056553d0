package dev.portalkit.integration.web;

import dev.portalkit.api.ErrorKind;
import dev.portalkit.api.PortalException;
import dev.portalkit.api.action.UserRef;
import dev.portalkit.runtime.ApiTokenAuthenticator;
import dev.portalkit.runtime.Portal;
import dev.portalkit.api.action.ActionContext;
import jakarta.enterprise.context.Dependent;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import java.io.InputStream;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * CKAN's action API: {@code GET|POST /api/action/NAME} and {@code /api/3/action/NAME}. One
 * request runs one action through {@link Portal#call}: token check, then the action's
 * existence, then the body (read only when both passed), then the call; the envelope carries
 * the result or the error.
 */
@Path("/api")
@Dependent
public class ActionResource {
    @Inject
    Portal portal;

    @Inject
    Instance<ApiTokenAuthenticator> authenticators;

    /** For CDI. */
    public ActionResource() {
    }

    @GET
    @Path("action/{name}")
    public Response get(@PathParam("name") String name, @Context HttpHeaders headers, @Context UriInfo uri,
                        @Context HttpServletRequest request) {
        return handle(name, headers, uri, request, null);
    }

    @GET
    @Path("3/action/{name}")
    public Response get3(@PathParam("name") String name, @Context HttpHeaders headers, @Context UriInfo uri,
                        @Context HttpServletRequest request) {
        return handle(name, headers, uri, request, null);
    }

    @POST
    @Path("action/{name}")
    public Response post(@PathParam("name") String name, @Context HttpHeaders headers, @Context UriInfo uri,
                         @Context HttpServletRequest request, InputStream body) {
        return handle(name, headers, uri, request, body);
    }

    @POST
    @Path("3/action/{name}")
    public Response post3(@PathParam("name") String name, @Context HttpHeaders headers, @Context UriInfo uri,
                         @Context HttpServletRequest request, InputStream body) {
        return handle(name, headers, uri, request, body);
    }

    private Response handle(String name, HttpHeaders headers, UriInfo uri, HttpServletRequest request, InputStream body) {
        String help = ApiResponses.helpUrl(uri.getBaseUri(), name);
        ActionInput input = null;
        try {
            String client = request == null ? null : request.getRemoteAddr();
            Optional<UserRef> user = ApiTokens.user(new ApiTokens.Credentials(headers.getHeaderString(HttpHeaders.AUTHORIZATION), client),
                    authenticators);
            if (portal.dispatcher().actions().get(name) == null) {
                throw PortalException.notFound("Action '" + name + "' does not exist");
            }
            input = body == null ? ActionInput.fromQuery(uri.getQueryParameters()) : readBody(name, user, headers, body);
            ActionContext context = portal.context(user, false);
            if (client != null) {
                context.attributes().put(ApiTokenAuthenticator.CLIENT_ADDRESS_ATTRIBUTE, client);
            }
            Object result = context.call(name, input.data());
            return ApiResponses.success(help, result);
        } catch (Exception e) {
            return ApiResponses.error(help, e);
        } finally {
            if (input != null) {
                input.close();
            }
        }
    }

    private ActionInput readBody(String action, Optional<UserRef> user, HttpHeaders headers, InputStream body) {
        MediaType type;
        try {
            type = headers.getMediaType();
        } catch (RuntimeException e) {
            throw PortalException.badRequest("Malformed Content-Type header");
        }
        String contentType = type == null ? null : (type.getType() + "/" + type.getSubtype()).toLowerCase(Locale.ROOT);
        String boundary = type == null ? null : parameter(type.getParameters(), "boundary");
        String charset = type == null ? null : parameter(type.getParameters(), "charset");
        long length = contentLength(headers.getHeaderString(HttpHeaders.CONTENT_LENGTH));
        ActionInput.Limits limits = new ActionInput.Limits(portal.config().size(WebPlugin.MAX_BODY_SIZE),
                portal.config().size(WebPlugin.MAX_UPLOAD_SIZE), portal.dataDirectory().resolve("tmp"),
                UploadSpooling.rules(portal, action, portal.config().bool(WebPlugin.PIPE_UPLOADS) ? user : Optional.empty()));
        return ActionInput.fromBody(contentType, boundary, charset, length, body, limits);
    }

    private static String parameter(Map<String, String> parameters, String name) {
        for (Map.Entry<String, String> e : parameters.entrySet()) {
            if (e.getKey().equalsIgnoreCase(name)) {
                return e.getValue();
            }
        }
        return null;
    }

    private static long contentLength(String header) {
        if (header == null || header.isBlank()) {
            return -1;
        }
        try {
            return Long.parseLong(header.trim());
        } catch (NumberFormatException e) {
            throw new PortalException(ErrorKind.BAD_REQUEST, "Malformed Content-Length header");
        }
    }
}
