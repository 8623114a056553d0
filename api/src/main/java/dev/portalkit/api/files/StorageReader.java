package dev.portalkit.api.files;

import java.io.InputStream;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;

/**
 * Reads content: streams ({@link Capability#STREAM}), byte ranges ({@link Capability#RANGE})
 * and links the backend can make itself (presigned URLs, public URLs). Declare what you implement
 * in {@link #capabilities()}; the default methods refuse. Streams never load a file whole.
 */
public interface StorageReader {
    Set<Capability> capabilities();

    /** The whole content; the caller closes the stream. @throws FilesException NOT_FOUND when missing */
    default InputStream stream(FileData data) {
        throw new FilesException(dev.portalkit.api.ErrorKind.UNSUPPORTED, "streaming is not supported");
    }

    /** Bytes {@code start} (inclusive) to {@code end} (exclusive); the caller closes the stream. */
    default InputStream range(FileData data, long start, long end) {
        throw new FilesException(dev.portalkit.api.ErrorKind.UNSUPPORTED, "ranges are not supported");
    }

    /**
     * A local file with the content, when the backend is a local file system: the web layer then
     * sends it without copying through user space (sendfile). Empty otherwise.
     */
    default Optional<Path> localFile(FileData data) {
        return Optional.empty();
    }

    /**
     * How downloads of this file are delivered: streamed through the portal (the default),
     * redirected to a short-lived backend URL, or handed to a fronting web server. Adapters with a
     * download-mode option (S3's {@code proxy = redirect | proxy | nginx}) decide here.
     *
     * @param filename the name the client should save the file as
     * @param ttl      how long a redirect URL may stay valid
     */
    default Delivery delivery(FileData data, String filename, Duration ttl) {
        return new Delivery.Stream();
    }

    /** A public URL (storages with {@code public = true}). */
    default URI publicLink(FileData data) {
        throw new FilesException(dev.portalkit.api.ErrorKind.UNSUPPORTED, "public links are not supported");
    }

    /**
     * A URL that works for {@code ttl} and then expires, made by the backend itself (e.g. S3
     * presigned). It must carry {@code filename} and the content type for the download.
     */
    default URI temporalLink(FileData data, Duration ttl, String filename) {
        throw new FilesException(dev.portalkit.api.ErrorKind.UNSUPPORTED, "temporal links are not supported");
    }

    /** A permanent URL made by the backend itself. */
    default URI permanentLink(FileData data) {
        throw new FilesException(dev.portalkit.api.ErrorKind.UNSUPPORTED, "permanent links are not supported");
    }

    /** A URL that works once, made by the backend itself. */
    default URI oneTimeLink(FileData data) {
        throw new FilesException(dev.portalkit.api.ErrorKind.UNSUPPORTED, "one-time links are not supported");
    }
}
