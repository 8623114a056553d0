package dev.portalkit.integration.web;

import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;

/**
 * Failures outside an action call (no such route, method not allowed, anything unexpected in
 * the REST layer) as CKAN error envelopes, so that no client ever sees a stack trace.
 */
@Provider
public class ApiExceptionMapper implements ExceptionMapper<Throwable> {
    @Context
    UriInfo uriInfo;

    @Override
    public Response toResponse(Throwable failure) {
        String help;
        try {
            help = ApiResponses.helpUrl(uriInfo.getBaseUri().resolve(".."), null);
        } catch (RuntimeException e) {
            help = ApiResponses.helpUrl(null, null);
        }
        return ApiResponses.error(help, failure);
    }
}
