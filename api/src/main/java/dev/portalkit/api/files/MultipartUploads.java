package dev.portalkit.api.files;

import java.util.Optional;

/**
 * Multipart uploads of a storage ({@link Capability#MULTIPART}): a file created in stages, start,
 * update (one part at a time, repeatable), complete or abort. An adapter implements this once and
 * returns it from {@link Uploader#multipart()}.
 *
 * <p>The host keeps the returned {@link MultipartData} in its database between calls, so any node
 * can continue an upload: put what the backend needs (an upload id, the parts received) into
 * {@link MultipartData#storageData()} and return an updated copy from each step. The host checks
 * the capability, the location, the announced size against {@code max_size} and each part's size
 * before it calls these; it verifies the assembled file after {@link #complete}.
 *
 * <p>Like every write, a part's stream is read once, to the end; if anything fails (including the
 * host's size limit, raised from inside the stream), remove what was written of that part and
 * rethrow.
 */
public interface MultipartUploads {
    /** Begins a multipart upload; returns the state to keep (with the adapter's storage data). */
    MultipartData start(MultipartData data);

    /**
     * Stores part number {@code part} (1-based; parts may arrive in any order and be sent again).
     *
     * @throws FilesException BAD_REQUEST for a part number the upload cannot have
     */
    MultipartData update(MultipartData data, int part, Upload content);

    /**
     * The smallest size every part of a multipart upload but its last must have (S3: 5 MiB); 1 when
     * parts may have any size. The host refuses part numbers an upload of its declared size cannot
     * need with parts of at least this size, so that one upload never holds more than its size.
     */
    default long minPartSize() {
        return 1;
    }

    /**
     * Direct uploads: present when the storage can sign part uploads that clients send straight to
     * the backend ({@link DirectParts}); empty by default. The host asks for it when a client starts
     * an upload with {@code direct=true} and refuses that request on a storage that answers empty.
     */
    default Optional<DirectParts> direct() {
        return Optional.empty();
    }

    /** Re-reads the upload's state from the backend (parts received so far); by default the state as given. */
    default MultipartData refresh(MultipartData data) {
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
    FileData complete(MultipartData data);

    /**
     * Abandons an unfinished upload and frees what the backend holds for it. An upload the backend
     * no longer knows may fail with NOT_FOUND; the host treats that as done.
     */
    void abort(MultipartData data);
}
