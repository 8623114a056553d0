package dev.portalkit.integration.web;

import jakarta.ws.rs.ApplicationPath;
import jakarta.ws.rs.core.Application;

/**
 * The Jakarta REST application. In a WAR the server finds {@link ActionResource} and
 * {@link ApiExceptionMapper} by scanning and makes them CDI beans; the standalone server hands
 * RESTEasy the instances itself (see {@code PortalServer}).
 */
@ApplicationPath("/")
public class PortalApplication extends Application {
}
