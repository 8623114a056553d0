package dev.portalkit.integration.web;

import jakarta.ws.rs.ApplicationPath;
import jakarta.ws.rs.core.Application;

/**
 * The Jakarta REST application, under {@code /api} (the HTML pages have the rest of the paths). In a WAR the server finds {@link ActionResource} and
 * {@link ApiExceptionMapper} by scanning and makes them CDI beans; the standalone server hands
 * RESTEasy the instances itself (see {@code PortalServer}).
 */
@ApplicationPath("/api")
public class PortalApplication extends Application {
}
