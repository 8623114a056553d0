package dev.portalkit.api.web;

import dev.portalkit.api.config.PortalConfig;

/** The parts of an HTTP request an {@link IAuthenticator} may look at. */
public interface WebRequest {
    /** A header's first value, or null. */
    String header(String name);

    /** A cookie's value, or null. */
    String cookie(String name);

    /** The client's address (the proxy's, unless it is a trusted proxy). */
    String remoteAddress();

    /** The portal's configuration (an authenticator reads its own options here). */
    PortalConfig config();
}
