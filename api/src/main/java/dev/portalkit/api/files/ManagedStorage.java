package dev.portalkit.api.files;

/**
 * A storage as the host hands it to actions and plugins: the adapter's {@link Storage} behind
 * the host's checks. Its {@link #uploader()}, {@link #reader()} and {@link #manager()} are the
 * adapter's services, wrapped so that
 * <ul>
 *   <li>every {@link Location} is checked again (no {@code ..} or empty segments, no absolute
 *       paths, backslashes, NUL or control characters, at most 1024 bytes and 255 bytes a
 *       segment): BAD_REQUEST otherwise, before the adapter sees it;</li>
 *   <li>uploads are measured while the adapter streams them: the returned {@link FileData} carries
 *       the size and the {@code hashing_algorithm} hash the host computed; {@code max_size} is
 *       enforced mid-stream (TOO_LARGE, and the adapter removes its partial output);</li>
 *   <li>the content type is detected from the first KiB of the content and the file name; a
 *       declared type is kept only when the content agrees with it; {@code supported_types} is
 *       checked against that (WRONG_TYPE);</li>
 *   <li>an upload replaces an existing file only when the caller asks for it <em>and</em> the
 *       storage's {@code overwrite_existing} allows it (ALREADY_EXISTS otherwise);</li>
 *   <li>COPY, MOVE, COMPOSE and RANGE the adapter lacks are emulated by streaming, for files up to
 *       {@code inefficient_operation_cap} bytes (UNSUPPORTED naming the cap beyond it);</li>
 *   <li>multipart completion verifies the expected size and hash (BAD_REQUEST for a wrong size,
 *       CONFLICT for a wrong hash; the assembled file is removed).</li>
 * </ul>
 * {@link #capabilities()} is the adapter's, minus {@code disabled_capabilities}, plus the
 * emulated ones; an operation outside it fails with UNSUPPORTED.
 */
public interface ManagedStorage extends Storage {
    /** The configured name: the {@code <name>} of {@code portal.files.storage.<name>.*}. */
    default String name() {
        return settings().name();
    }

    /**
     * Turns an untrusted name (a client's file name, a path from a form) into a location: applies
     * the storage's {@code location_transformers} in order, then checks the result like every
     * location (see above).
     *
     * @param untrusted the name as received
     * @param sample    the upload the location is for, or {@code null} (some transformers use its type)
     * @throws FilesException BAD_REQUEST when the result is not an acceptable location
     */
    Location prepareLocation(String untrusted, Upload sample);
}
