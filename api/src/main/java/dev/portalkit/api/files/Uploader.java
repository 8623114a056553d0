package dev.portalkit.api.files;

import java.util.Set;

/**
 * Writes content: whole uploads ({@link Capability#CREATE}) and staged multipart uploads
 * ({@link Capability#MULTIPART}). Declare what you implement in {@link #capabilities()}; the
 * default methods refuse.
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

    /** Begins a multipart upload; returns the state to keep (with the adapter's storage data). */
    default MultipartData multipartStart(MultipartData data) {
        throw new FilesException(dev.portalkit.api.ErrorKind.UNSUPPORTED, "multipart upload is not supported");
    }

    /**
     * Stores part number {@code part} (1-based; parts may arrive in any order and be sent again).
     *
     * @throws FilesException BAD_REQUEST for a part number the upload cannot have
     */
    default MultipartData multipartUpdate(MultipartData data, int part, Upload content) {
        throw new FilesException(dev.portalkit.api.ErrorKind.UNSUPPORTED, "multipart upload is not supported");
    }

    /**
     * The smallest size every part of a multipart upload but its last must have (S3: 5 MiB); 1 when
     * parts may have any size. The host refuses part numbers an upload of its declared size cannot
     * need with parts of at least this size, so that one upload never holds more than its size.
     */
    default long multipartMinPartSize() {
        return 1;
    }

    /** Re-reads the upload's state from the backend (parts received so far). */
    default MultipartData multipartRefresh(MultipartData data) {
        return data;
    }

    /**
     * Assembles the parts into the file and frees the parts. The host verifies the expected size
     * and hash: when the returned {@link FileData} carries a hash made with the storage's
     * {@code hashing_algorithm} while assembling, the host trusts it (and its size); otherwise
     * it reads the file back once. A mismatch removes the file.
     *
     * @throws FilesException BAD_REQUEST when parts are missing (the upload stays open)
     */
    default FileData multipartComplete(MultipartData data) {
        throw new FilesException(dev.portalkit.api.ErrorKind.UNSUPPORTED, "multipart upload is not supported");
    }

    /** Abandons an unfinished upload and frees what the backend holds for it. */
    default void multipartAbort(MultipartData data) {
        throw new FilesException(dev.portalkit.api.ErrorKind.UNSUPPORTED, "multipart upload is not supported");
    }
}
