package dev.portalkit.runtime.intake;

import dev.portalkit.api.files.Upload;
import java.io.IOException;
import java.util.Optional;

/**
 * One file arriving: the bytes of a part are written in order, measured as they go (size limit,
 * hash, head for type detection) and, where the plan says so, piped into the target storage while
 * they arrive. Write failures of the portal's own disk are TRANSIENT; a limit passed is TOO_LARGE
 * naming the field.
 */
public interface IncomingFile {
    /** The next bytes of the file. */
    void write(byte[] bytes, int off, int len) throws IOException;

    /**
     * The file is complete: the upload the action gets (valid until the request's {@link FileParts}
     * closes); empty for an unnamed part that had no bytes (no file was sent).
     */
    Optional<Upload> finish() throws IOException;

    /** The file will not be completed (the request failed): stop hashing and piping it. */
    void abort();
}
