package dev.portalkit.api.files;

import java.time.Instant;

/**
 * What a backend's metadata says of a stored file without reading it ({@link Manager#stat}): its
 * size and when its bytes were last written at their location. Maintenance uses it to compare
 * stored bytes with their records and to tell a forgotten file from an upload in flight.
 *
 * @param size     size in bytes; -1 when the backend does not know it without reading
 * @param modified when the bytes were last written or moved to this location (a file system's
 *                 later of mtime and ctime, an object store's Last-Modified); {@code null} when unknown
 */
public record FileStat(long size, Instant modified) {
    /** A file that exists, of unknown size and age. */
    public static final FileStat UNKNOWN = new FileStat(-1, null);
}
