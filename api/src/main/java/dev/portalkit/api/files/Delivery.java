package dev.portalkit.api.files;

import java.net.URI;

/**
 * How the web layer delivers a file to a client that is allowed to read it (the decision about
 * permission is made before; see {@link StorageReader#delivery}).
 */
public sealed interface Delivery {
    /** Stream the bytes through the portal (with ranges); zero-copy when the reader has a {@link StorageReader#localFile}. */
    record Stream() implements Delivery {
    }

    /**
     * Redirect the client to a short-lived URL made by the backend (a presigned S3 or SAS URL) that
     * carries the file name and content type.
     */
    record Redirect(URI location) implements Delivery {
    }

    /**
     * Hand the transfer to a fronting web server: respond with header {@code header} (e.g.
     * {@code X-Accel-Redirect}) set to {@code path}, an internal location the server maps to the
     * backend, and no body.
     */
    record InternalRedirect(String header, String path) implements Delivery {
    }
}
