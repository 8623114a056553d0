package dev.portalkit.integration.web;

import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerResponseContext;
import jakarta.ws.rs.container.ContainerResponseFilter;
import jakarta.ws.rs.ext.Provider;

/**
 * Every answer of the REST application (the action API, its errors, routing failures) is
 * {@code Cache-Control: no-store} (results can be private and tokens are handed out: no cache
 * keeps them) and {@code X-Content-Type-Options: nosniff} (a browser takes the JSON as JSON). In a
 * WAR the server finds this filter by its annotation; the standalone server registers it.
 */
@Provider
public class ApiResponseHeaders implements ContainerResponseFilter {
    public static final String CACHE_CONTROL = "no-store";
    public static final String NOSNIFF = "nosniff";

    @Override
    public void filter(ContainerRequestContext request, ContainerResponseContext response) {
        response.getHeaders().putSingle("Cache-Control", CACHE_CONTROL);
        response.getHeaders().putSingle("X-Content-Type-Options", NOSNIFF);
    }
}
