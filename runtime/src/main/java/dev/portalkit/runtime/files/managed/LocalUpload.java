package dev.portalkit.runtime.files.managed;

import dev.portalkit.runtime.files.content.ContentTypes;
import dev.portalkit.api.files.Upload;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Runtime-internal: an {@link Upload} the host has already written, whole, to a local file (a
 * request's file part spooled to {@code <data-dir>/tmp}) and measured while writing it: its size,
 * its first {@value ContentTypes#SNIFF_BYTES} bytes and its hash. A storage whose adapter is a
 * {@link LocalFileAdopter} (files:fs on the same file system) takes the file by a hard link
 * instead of copying and re-hashing it; every other storage streams it through {@link #open()} as
 * any upload. The file stays where it is, owned by whoever made it (the request deletes it).
 */
public interface LocalUpload extends Upload {
    /** The complete file; it is not written any more. */
    Path file();

    /** The first {@code min(size, SNIFF_BYTES)} bytes, for type detection. */
    byte[] head();

    /**
     * The content's hash, computed while the file was written, in the configured algorithm
     * {@code algorithm} ({@code md5}, {@code sha256}, ...); empty when it was hashed with another one.
     */
    Optional<String> hash(String algorithm);

    /**
     * The multipart upload this part was piped into while it was spooled, if any: the managed
     * storage it was predicted for completes it instead of storing the file again, any other
     * upload of it aborts it ({@link UploadPipe}).
     */
    default Optional<UploadPipe> pipe() {
        return Optional.empty();
    }
}
