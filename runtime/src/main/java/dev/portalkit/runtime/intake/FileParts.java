package dev.portalkit.runtime.intake;

import java.util.Map;

/**
 * The runtime's side of the file parts of one request: the HTTP layer parses the request and, for
 * each file part, asks for an {@link IncomingFile} and streams the part's bytes into it; it knows
 * nothing of storages, limits, hashes or pipes. Closing ends the request: whatever was received
 * and not kept by the action is released (spools deleted, pipes aborted).
 *
 * <p>The portal's implementation is {@link SpooledParts} ({@link UploadIntake.Admission#files});
 * a new way for bytes to arrive over HTTP (a tus PATCH, a part of a direct upload) brings its own
 * {@code FileParts} or {@link IncomingFile} and reuses the decision ({@link PartPlanner}) and the
 * storage side (the managed storage's local intake) unchanged; see docs/uploads.md.
 */
public interface FileParts extends AutoCloseable {
    /**
     * Accepts a file part before any of its bytes is written, or refuses it with a
     * {@link dev.portalkit.api.PortalException} that names the field (the request then ends with it).
     * A part whose file name is empty (an HTML form's empty file input) is decided at its first
     * byte: an empty one is no file and costs nothing.
     *
     * @param field       the part's field name
     * @param filename    the part's file name as the client sent it
     * @param contentType the part's declared media type, or {@code null}
     * @param fields      the text fields read before the part (values are strings, or lists of them)
     * @param remaining   the bytes the request's Content-Length leaves from the part's first byte on, or -1
     * @param expected    the part's predicted size (the request's declared length less what follows the
     *                    part when nothing else does), or -1
     */
    IncomingFile open(String field, String filename, String contentType, Map<String, Object> fields, long remaining,
                      long expected);

    /** Parts for a request that takes no files (a plain form): a file part is refused (400) naming its field. */
    static FileParts none() {
        return new FileParts() {
            @Override
            public IncomingFile open(String field, String filename, String contentType, Map<String, Object> fields, long remaining,
                                     long expected) {
                throw dev.portalkit.runtime.action.FieldFailure.of(dev.portalkit.api.ErrorKind.BAD_REQUEST, field,
                        "This form takes no files, but the part '" + field + "' is one");
            }

            @Override
            public void close() {
            }
        };
    }

    /** Releases what the request received and the action did not keep. */
    @Override
    void close();
}
