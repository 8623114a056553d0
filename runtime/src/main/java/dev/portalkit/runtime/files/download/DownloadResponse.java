package dev.portalkit.runtime.files.download;

import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.FileChannel;
import java.util.Collections;
import java.util.Map;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The answer of the download service, independent of the web API that sends it: a status, headers
 * (in order) and a body. The web layer writes it and then {@link #close()}s it, which releases an
 * open file or stream.
 *
 * @param status  HTTP status: 200, 206, 302, 304 or 416
 * @param headers header names and values, {@code Content-Length} included when the length is known
 * @param body    what follows the headers
 */
public record DownloadResponse(int status, Map<String, String> headers, Body body) implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(DownloadResponse.class.getName());

    public DownloadResponse {
        headers = Collections.unmodifiableMap(headers);
    }

    /** What follows the headers. */
    public sealed interface Body {
    }

    /** Nothing: 304, redirects, {@code HEAD}. */
    public record None() implements Body {
    }

    /**
     * Bytes {@code offset .. offset + length} of an open local file: the web layer may hand the
     * channel to the server for zero-copy sending.
     */
    public record LocalFile(FileChannel channel, long offset, long length) implements Body {
    }

    /** A stream of {@code length} bytes ({@code -1}: to its end, length unknown). */
    public record Content(InputStream stream, long length) implements Body {
    }

    /** An error status (416) whose message the web layer renders in its error format. */
    public record Problem(String message) implements Body {
    }

    public String header(String name) {
        for (Map.Entry<String, String> e : headers.entrySet()) {
            if (e.getKey().equalsIgnoreCase(name)) {
                return e.getValue();
            }
        }
        return null;
    }

    @Override
    public void close() {
        try {
            if (body instanceof LocalFile f) {
                f.channel().close();
            } else if (body instanceof Content c) {
                c.stream().close();
            }
        } catch (IOException | RuntimeException e) {
            LOG.log(Level.FINE, "closing a download body failed", e);
        }
    }
}
