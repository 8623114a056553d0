package dev.portalkit.integration.web;

import dev.portalkit.api.ErrorKind;
import dev.portalkit.api.PortalException;
import dev.portalkit.api.action.ActionContext;
import dev.portalkit.api.action.UserRef;
import dev.portalkit.runtime.ApiTokenAuthenticator;
import dev.portalkit.runtime.Portal;
import dev.portalkit.runtime.intake.UploadIntake;
import jakarta.enterprise.context.Dependent;
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
import java.io.IOException;
import java.io.InputStream;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * CKAN's action API: {@code GET|POST /api/action/NAME} and {@code /api/3/action/NAME}. One
 * request runs one action through {@link Portal#call}: who it is ({@link WebIdentity}: the token,
 * else a plugin's authenticator or the pages' session cookie, whose POSTs must carry the CSRF token
 * in {@code X-CSRFToken}), then the portal's upload
 * intake admits the request by its head ({@link UploadIntake#admit}: the action exists, GET and
 * HEAD only for side-effect-free actions, the caller is not refused whatever the data, the
 * declared length fits), then the body is read (each file part put to the intake before it is
 * written), then the call; the envelope carries the result or the error. An answer given before
 * the body was read to its end closes the connection ({@code Connection: close}): what is left of
 * the body cannot be told from a next request.
 */
@Path("/")
@Dependent
public class ActionResource {
    @Inject
    Portal portal;

    @Inject
    UploadIntake intake;

    @Inject
    WebIdentity identities;

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

    /**
     * The body is taken from the servlet request only once the request is admitted: asking for it
     * earlier (as an entity parameter would) makes the server send {@code 100 Continue}.
     */
    @POST
    @Path("action/{name}")
    public Response post(@PathParam("name") String name, @Context HttpHeaders headers, @Context UriInfo uri,
                         @Context HttpServletRequest request) {
        return handle(name, headers, uri, request, new Body(request));
    }

    @POST
    @Path("3/action/{name}")
    public Response post3(@PathParam("name") String name, @Context HttpHeaders headers, @Context UriInfo uri,
                          @Context HttpServletRequest request) {
        return handle(name, headers, uri, request, new Body(request));
    }

    /** @param body the POST body, or {@code null} for GET and HEAD */
    private Response handle(String name, HttpHeaders headers, UriInfo uri, HttpServletRequest request, Body body) {
        String help = ApiResponses.helpUrl(uri.getBaseUri().resolve(".."), name);
        ActionInput input = null;
        try {
            // The client's address: the action may throttle and log password checks by it (tokens are throttled in WebIdentity).
            String client = request == null ? null : request.getRemoteAddr();
            // A token, a plugin's authenticator or the pages' session cookie; a browser's POST needs its CSRF token.
            WebIdentity.Identity identity = identities.identify(request);
            if (body != null && identity.ambient()) {
                identities.checkCsrf(identity, request, request.getHeader(WebIdentity.CSRF_HEADER));
            }
            Optional<UserRef> user = identity.user();
            MediaType type = body == null ? null : mediaType(headers);
            long length = body == null ? -1 : contentLength(headers.getHeaderString(HttpHeaders.CONTENT_LENGTH));
            UploadIntake.Admission admission = intake.admit(name, user, body == null, length, "multipart/form-data".equals(baseType(type)),
                    portal.config().bool(WebPlugin.PIPE_UPLOADS));
            input = body == null ? ActionInput.fromQuery(uri.getQueryParameters()) : readBody(admission, type, length, body);
            ActionContext context = portal.context(user, false);
            if (client != null) {
                context.attributes().put(ApiTokenAuthenticator.CLIENT_ADDRESS_ATTRIBUTE, client);
            }
            Object result = context.call(name, input.data());
            return ApiResponses.success(help, result);
        } catch (UploadIntake.MethodRefused e) {
            return ApiResponses.error(help, 405, ApiResponses.httpErrorType(405), e.getMessage(), Map.of(), e.allowed());
        } catch (Exception e) {
            Response error = ApiResponses.error(help, e);
            return body != null && body.unread(headers) ? Response.fromResponse(error).header("Connection", "close").build() : error;
        } finally {
            if (input != null) {
                input.close();
            }
        }
    }

    private ActionInput readBody(UploadIntake.Admission admission, MediaType type, long length, InputStream body) {
        String contentType = baseType(type);
        String boundary = type == null ? null : parameter(type.getParameters(), "boundary");
        String charset = type == null ? null : parameter(type.getParameters(), "charset");
        ActionInput.Limits limits = new ActionInput.Limits(portal.config().size(WebPlugin.MAX_BODY_SIZE),
                portal.config().size(WebPlugin.MAX_UPLOAD_SIZE), portal.config().integer(WebPlugin.MAX_PARTS),
                admission.files(portal.config().integer(WebPlugin.MAX_FILE_PARTS), WebPlugin.MAX_FILE_PARTS));
        return ActionInput.fromBody(contentType, boundary, charset, length, body, limits);
    }

    private static MediaType mediaType(HttpHeaders headers) {
        try {
            return headers.getMediaType();
        } catch (RuntimeException e) {
            throw PortalException.badRequest("Malformed Content-Type header");
        }
    }

    /** The media type without parameters, in lower case, or {@code null}. */
    private static String baseType(MediaType type) {
        return type == null ? null : (type.getType() + "/" + type.getSubtype()).toLowerCase(Locale.ROOT);
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

    /** A request body, opened on the first read, that knows whether it was read to its end. */
    private static final class Body extends InputStream {
        private final HttpServletRequest request;
        private InputStream in;
        private boolean ended;

        Body(HttpServletRequest request) {
            this.request = request;
        }

        private InputStream in() throws IOException {
            if (in == null) {
                in = request.getInputStream();
            }
            return in;
        }

        @Override
        public int read() throws IOException {
            int b = in().read();
            ended |= b < 0;
            return b;
        }

        @Override
        public int read(byte[] buffer, int off, int len) throws IOException {
            int n = in().read(buffer, off, len);
            ended |= n < 0;
            return n;
        }

        @Override
        public int available() throws IOException {
            return in().available();
        }

        /** Whether the request has a body whose end was not read. */
        boolean unread(HttpHeaders headers) {
            if (ended) {
                return false;
            }
            String length = headers.getHeaderString(HttpHeaders.CONTENT_LENGTH);
            if (length != null && !length.isBlank()) {
                return !length.trim().equals("0");
            }
            return headers.getHeaderString("Transfer-Encoding") != null;
        }
    }
}
