package dev.portalkit.integration.web;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.portalkit.api.ErrorKind;
import dev.portalkit.api.PortalException;
import dev.portalkit.runtime.Json;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * CKAN's response envelope: {@code {"help": URL, "success": true, "result": ...}} and
 * {@code {"help": URL, "success": false, "error": {"__type": ..., "message": ..., FIELD: [...]}}}.
 * The one place where an {@link ErrorKind} becomes an API error type and an HTTP status. Error
 * bodies never carry stack traces or class names; failures that are not the client's are logged
 * here with a reference that the message repeats.
 */
public final class ApiResponses {
    private static final Logger LOG = Logger.getLogger(ApiResponses.class.getName());
    public static final String JSON_TYPE = "application/json;charset=utf-8";

    private ApiResponses() {
    }

    /** CKAN's help link: {@code <base>api/3/action/help_show?name=ACTION}. */
    public static String helpUrl(URI baseUri, String action) {
        String base = baseUri == null ? "/" : baseUri.toString();
        if (!base.endsWith("/")) {
            base += "/";
        }
        return base + "api/3/action/help_show" + (action == null ? "" : "?name=" + action);
    }

    public static Response success(String help, Object result) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("help", help);
        body.put("success", true);
        body.put("result", result);
        byte[] bytes;
        try {
            bytes = Json.MAPPER.writeValueAsBytes(body);
        } catch (JsonProcessingException e) {
            return error(help, new PortalException(ErrorKind.INTERNAL, "the action's result is not JSON-friendly", e));
        }
        return Response.ok(bytes, JSON_TYPE).build();
    }

    /** The API error type of each kind (CKAN's names where CKAN has one). */
    public static String errorType(ErrorKind kind) {
        return switch (kind) {
            case INVALID -> "Validation Error";
            case BAD_REQUEST -> "Bad Request Error";
            case NOT_FOUND -> "Not Found Error";
            case ALREADY_EXISTS -> "Already Exists Error";
            case CONFLICT -> "Conflict Error";
            case PERMISSION_DENIED -> "Authorization Error";
            case TOO_LARGE -> "Too Large Error";
            case WRONG_TYPE -> "Unsupported Media Type Error";
            case TOO_MANY_REQUESTS -> "Too Many Requests Error";
            case UNSUPPORTED -> "Not Implemented Error";
            case TRANSIENT -> "Service Unavailable Error";
            case CONFIG_INVALID, INTERNAL -> "Internal Error";
        };
    }

    /**
     * An API error as the client sees it.
     *
     * @param status  HTTP status
     * @param type    the envelope's {@code __type}
     * @param message the envelope's {@code message} (no internals; a reference for server-side failures)
     * @param details extra fields of the error (per-field validation errors)
     */
    public record ApiError(int status, String type, String message, Map<String, Object> details) {
    }

    /**
     * What a failure looks like to the client, for any web layer (REST resources, the download
     * servlet). Failures that are not the client's are logged here with a reference that the
     * message repeats.
     */
    public static ApiError describe(Throwable failure) {
        if (failure instanceof PortalException pe) {
            ErrorKind kind = pe.kind();
            String message = pe.getMessage();
            if (kind == ErrorKind.INTERNAL || kind == ErrorKind.CONFIG_INVALID || kind == ErrorKind.TRANSIENT) {
                String ref = reference();
                LOG.log(kind == ErrorKind.TRANSIENT ? Level.WARNING : Level.SEVERE, "request failed [" + ref + "]: " + message, pe);
                message = (message == null || message.isBlank() ? "Internal error" : message) + " (reference " + ref + ")";
            } else if (LOG.isLoggable(Level.FINE)) {
                LOG.log(Level.FINE, "request refused: " + kind + ": " + message);
            }
            return new ApiError(kind.httpStatus(), errorType(kind), message, pe.details());
        }
        String ref = reference();
        LOG.log(Level.SEVERE, "request failed [" + ref + "]", failure);
        return new ApiError(500, "Internal Error", "Internal server error (reference " + ref + ")", Map.of());
    }

    /** The error response for any failure of a request. */
    public static Response error(String help, Throwable failure) {
        if (failure instanceof PortalException) {
            ApiError e = describe(failure);
            return error(help, e.status(), e.type(), e.message(), e.details(), null);
        }
        if (failure instanceof WebApplicationException wae && wae.getResponse() != null
                && wae.getResponse().getStatus() >= 400 && wae.getResponse().getStatus() < 500) {
            // Routing failures of the REST layer (no such resource, method not allowed, ...).
            int status = wae.getResponse().getStatus();
            return error(help, status, httpErrorType(status), reason(status), Map.of(),
                    wae.getResponse().getHeaderString(HttpHeaders.ALLOW));
        }
        ApiError e = describe(failure);
        return error(help, e.status(), e.type(), e.message(), e.details(), null);
    }

    /** An error response for a status without an exception. */
    public static Response error(String help, int status, String type, String message, Map<String, Object> details,
                                 String allowHeader) {
        Response.ResponseBuilder builder = Response.status(status).entity(errorJson(help, type, message, details)).type(JSON_TYPE);
        if (allowHeader != null) {
            builder.header(HttpHeaders.ALLOW, allowHeader);
        }
        retryAfter(status, details).ifPresent(seconds -> builder.header(RETRY_AFTER, seconds));
        return builder.build();
    }

    /** The {@code Retry-After} header. */
    public static final String RETRY_AFTER = "Retry-After";

    /**
     * The {@code Retry-After} value of an error: the whole seconds of its {@code retry_after} detail
     * on a 429 or 503 (TOO_MANY_REQUESTS, TRANSIENT); empty otherwise.
     */
    public static java.util.Optional<String> retryAfter(int status, Map<String, Object> details) {
        if ((status == 429 || status == 503) && details.get("retry_after") instanceof Number seconds && seconds.longValue() >= 0) {
            return java.util.Optional.of(String.valueOf(seconds.longValue()));
        }
        return java.util.Optional.empty();
    }

    /** The error envelope as JSON bytes (also for the servlet container's own error pages). */
    public static byte[] errorJson(String help, String type, String message, Map<String, Object> details) {
        Map<String, Object> error = new LinkedHashMap<>();
        error.put("__type", type);
        error.put("message", message);
        details.forEach((field, errors) -> {
            if (!"__type".equals(field)) {
                error.put(field, errors);
            }
        });
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("help", help);
        body.put("success", false);
        body.put("error", error);
        try {
            return Json.MAPPER.writeValueAsBytes(body);
        } catch (JsonProcessingException e) {
            return ("{\"help\":" + quote(help) + ",\"success\":false,\"error\":{\"__type\":" + quote(type)
                    + ",\"message\":" + quote(message) + "}}").getBytes(java.nio.charset.StandardCharsets.UTF_8);
        }
    }

    /** The API error type of a bare HTTP status. */
    public static String httpErrorType(int status) {
        return switch (status) {
            case 400 -> "Bad Request Error";
            case 403 -> "Authorization Error";
            case 404 -> "Not Found Error";
            case 405 -> "Method Not Allowed Error";
            case 406 -> "Not Acceptable Error";
            case 408 -> "Request Timeout Error";
            case 413 -> "Too Large Error";
            case 415 -> "Unsupported Media Type Error";
            case 416 -> "Range Not Satisfiable Error";
            case 429 -> "Too Many Requests Error";
            case 503 -> "Service Unavailable Error";
            default -> status >= 500 ? "Internal Error" : "Bad Request Error";
        };
    }

    public static String reason(int status) {
        Response.Status known = Response.Status.fromStatusCode(status);
        return known == null ? "HTTP " + status : known.getReasonPhrase();
    }

    private static String reference() {
        return UUID.randomUUID().toString().substring(0, 8);
    }

    private static String quote(String s) {
        try {
            return Json.MAPPER.writeValueAsString(s);
        } catch (JsonProcessingException e) {
            return "\"\"";
        }
    }
}
