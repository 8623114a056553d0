package dev.portalkit.runtime.files.managed;

import dev.portalkit.api.files.FileData;
import dev.portalkit.api.files.Location;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Runtime-internal facet of an adapter that can store a complete local file without copying it
 * (a hard link into its folder when the file is on the same file system). The managed storage uses
 * it for a {@link LocalUpload} whose size, type and hash it has already checked.
 */
public interface LocalFileAdopter {
    /**
     * Makes {@code file}'s content the file at {@code location}, leaving {@code file} in place.
     *
     * @return the stored file's data (size and location; the caller supplies type and hash), or
     *         empty when this adapter cannot take this file (another file system, no hard links):
     *         nothing was stored, stream the upload instead
     * @throws dev.portalkit.api.files.FilesException ALREADY_EXISTS when {@code overwrite} is false
     *         and the location is taken, or as the upload would fail
     */
    Optional<FileData> adopt(Location location, Path file, boolean overwrite);
}
