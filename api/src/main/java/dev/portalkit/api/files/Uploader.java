package dev.portalkit.api.files;

import java.util.Optional;
import java.util.Set;

/**
 * Writes content: whole uploads ({@link Capability#CREATE}) and staged multipart uploads
 * ({@link Capability#MULTIPART}, through {@link #multipart()}). Declare what you implement in
 * {@link #capabilities()}; the default {@link #upload} refuses and the default {@link #multipart()}
 * is empty.
 *
 * <p>Contract for every write: read the upload's stream once, to the end; if anything fails
 * (including the host's size limit, raised from inside the stream), remove what was written so
 * far and rethrow — a rejected upload leaves nothing behind. The host fills in the size and hash
 * it measured while the adapter streamed.
 */
public interface Uploader {
    Set<Capability> capabilities();

    /**
     * Stores {@code upload} at {@code location}.
     *
     * @throws FilesException ALREADY_EXISTS when a file is there and {@code overwrite} is false
     */
    default FileData upload(Location location, Upload upload, boolean overwrite) {
        throw new FilesException(dev.portalkit.api.ErrorKind.UNSUPPORTED, "upload is not supported");
    }

    /**
     * The storage's multipart uploads: present if and only if {@link #capabilities()} declares
     * {@link Capability#MULTIPART} (a storage that declares it and answers empty fails at start).
     * Implement {@link MultipartUploads} once, in a class of its own or on the uploader itself, and
     * return that object; the host calls it through this method only.
     */
    default Optional<MultipartUploads> multipart() {
        return Optional.empty();
    }
}
