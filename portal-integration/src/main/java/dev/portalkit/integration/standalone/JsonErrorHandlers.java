package dev.portalkit.integration.standalone;

import dev.portalkit.integration.web.ApiResponseHeaders;
import dev.portalkit.integration.web.ApiResponses;
import java.nio.ByteBuffer;
import java.nio.charset.Charset;
import java.util.List;
import java.util.Map;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;

/** Jetty's own error responses (malformed HTTP, failures outside the REST layer) as CKAN error envelopes. */
final class JsonErrorHandlers {
    private JsonErrorHandlers() {
    }

    static void writeJson(Request request, Response response, Callback callback, int code) {
        writeJson(request, response, callback, code, HttpStatus.getMessage(code));
    }

    /** Writes the error envelope of status {@code code} with {@code message} (the status is set too). */
    static void writeJson(Request request, Response response, Callback callback, int code, String message) {
        var uri = request.getHttpURI();
        String help = uri == null || uri.getScheme() == null || uri.getAuthority() == null ? "/api/3/action/help_show"
                : uri.getScheme() + "://" + uri.getAuthority() + "/api/3/action/help_show";
        byte[] body = ApiResponses.errorJson(help, ApiResponses.httpErrorType(code), message, Map.of());
        response.setStatus(code);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, ApiResponses.JSON_TYPE);
        response.getHeaders().put("X-Content-Type-Options", ApiResponseHeaders.NOSNIFF);
        response.getHeaders().put(HttpHeader.CACHE_CONTROL, ApiResponseHeaders.CACHE_CONTROL);
        response.write(true, ByteBuffer.wrap(body), callback);
    }

    /** For the server (errors before a request reaches the servlet context). */
    static final class Server extends ErrorHandler {
        Server() {
            setShowStacks(false);
            setShowCauses(false);
            setShowMessageInTitle(false);
        }

        @Override
        protected void generateResponse(Request request, Response response, int code, String message, Throwable cause,
                                        Callback callback) {
            writeJson(request, response, callback, code);
        }
    }

    /** For the servlet context. */
    static final class Servlet extends org.eclipse.jetty.ee11.servlet.ErrorHandler {
        Servlet() {
            setShowStacks(false);
            setShowCauses(false);
            setShowMessageInTitle(false);
        }

        @Override
        protected boolean generateAcceptableResponse(Request request, Response response, Callback callback, String contentType,
                                                     List<Charset> charsets, int code, String message, Throwable cause) {
            writeJson(request, response, callback, code);
            return true;
        }
    }
}
