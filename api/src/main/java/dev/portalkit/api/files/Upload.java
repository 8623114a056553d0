package dev.portalkit.api.files;

import java.io.IOException;
import java.io.InputStream;

/**
 * Content handed to an action: a file part of a {@code multipart/form-data} request (streamed to
 * temporary storage by the host, never held in memory), or content a plugin builds itself.
 * The host deletes request uploads when the request ends; read them during the action.
 */
public interface Upload {
    /** The client's file name (never trusted as a path: just a name). */
    String filename();

    /** The content type the client declared ({@code application/octet-stream} when none). */
    String contentType();

    /** Size in bytes, or -1 when unknown. */
    long size();

    /** A new stream over the whole content; the caller closes it. */
    InputStream open() throws IOException;
}
