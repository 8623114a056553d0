package dev.portalkit.api.files;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Content to store: a file part of a {@code multipart/form-data} request (streamed to temporary
 * storage by the host, never held in memory), or content a plugin makes with the factories below.
 * The host deletes request uploads when the request ends; read them during the action.
 *
 * <p>Adapters read an upload exactly once, through {@link #open()}; the host hands them a wrapper
 * that hashes the bytes and enforces the storage's {@code max_size} while they stream.
 */
public interface Upload {
    /** The client's file name (only a name: never used as a path). */
    String filename();

    /** The content type the client declared ({@code application/octet-stream} when none). */
    String contentType();

    /** Size in bytes, or -1 when unknown. */
    long size();

    /** A stream over the whole content; the caller closes it. */
    InputStream open() throws IOException;

    /** Opens a new stream over some content. */
    @FunctionalInterface
    interface Opener {
        InputStream open() throws IOException;
    }

    /**
     * An upload of content from any source: {@code opener} is called by each {@link #open()}.
     * {@code size} may be -1 when unknown; a null or blank content type becomes
     * {@code application/octet-stream}.
     */
    static Upload of(String filename, String contentType, long size, Opener opener) {
        String type = contentType == null || contentType.isBlank() ? "application/octet-stream" : contentType;
        return new Upload() {
            @Override
            public String filename() {
                return filename;
            }

            @Override
            public String contentType() {
                return type;
            }

            @Override
            public long size() {
                return size;
            }

            @Override
            public InputStream open() throws IOException {
                return opener.open();
            }
        };
    }

    /** An upload of bytes already in memory (small content: tests, generated files). */
    static Upload of(byte[] content, String filename, String contentType) {
        byte[] copy = content.clone();
        return of(filename, contentType, copy.length, () -> new ByteArrayInputStream(copy));
    }

    /** An upload of a file on disk; it may be opened any number of times. */
    static Upload of(Path file, String contentType) throws IOException {
        return of(file.getFileName().toString(), contentType, Files.size(file), () -> Files.newInputStream(file));
    }

    /** An upload of a stream, which can be opened once only. {@code size} may be -1. */
    static Upload of(InputStream stream, String filename, String contentType, long size) {
        AtomicBoolean opened = new AtomicBoolean();
        return of(filename, contentType, size, () -> {
            if (opened.getAndSet(true)) {
                throw new IOException("this upload's stream was read already");
            }
            return stream;
        });
    }
}
