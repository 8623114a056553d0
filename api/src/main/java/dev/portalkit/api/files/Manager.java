package dev.portalkit.api.files;

import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Manages stored files: remove, exists, copy, move, scan, append, compose, analyze. Declare what
 * you implement in {@link #capabilities()}; the default methods refuse. Where COPY, MOVE or
 * COMPOSE are missing, the host emulates them by streaming, up to {@code inefficient_operation_cap}.
 */
public interface Manager {
    Set<Capability> capabilities();

    /** Removes the file; false when it was not there. */
    default boolean remove(FileData data) {
        throw new FilesException(dev.portalkit.api.ErrorKind.UNSUPPORTED, "remove is not supported");
    }

    /** Whether the file exists — without reading it (HEAD, stat). */
    default boolean exists(FileData data) {
        throw new FilesException(dev.portalkit.api.ErrorKind.UNSUPPORTED, "exists is not supported");
    }

    /**
     * The size and last write time of the file from the backend's metadata (stat, HEAD), without
     * reading the content; empty when there is no file. Part of {@link Capability#EXISTS}: the
     * default answers from {@link #exists} and knows neither (size -1, no time); adapters that can,
     * say more.
     */
    default Optional<FileStat> stat(FileData data) {
        return exists(data) ? Optional.of(FileStat.UNKNOWN) : Optional.empty();
    }

    /** Copies {@code source} to {@code target} inside the storage. */
    default FileData copy(Location target, FileData source, boolean overwrite) {
        throw new FilesException(dev.portalkit.api.ErrorKind.UNSUPPORTED, "copy is not supported");
    }

    /** Moves {@code source} to {@code target} inside the storage. */
    default FileData move(Location target, FileData source, boolean overwrite) {
        throw new FilesException(dev.portalkit.api.ErrorKind.UNSUPPORTED, "move is not supported");
    }

    /** Every location in the storage, paging through the backend lazily; close the stream. */
    default Stream<Location> scan() {
        throw new FilesException(dev.portalkit.api.ErrorKind.UNSUPPORTED, "scan is not supported");
    }

    /** Adds {@code content} at the end of the file. */
    default FileData append(FileData data, Upload content) {
        throw new FilesException(dev.portalkit.api.ErrorKind.UNSUPPORTED, "append is not supported");
    }

    /** A new file at {@code target} with the content of {@code sources} one after the other. */
    default FileData compose(Location target, List<FileData> sources, boolean overwrite) {
        throw new FilesException(dev.portalkit.api.ErrorKind.UNSUPPORTED, "compose is not supported");
    }

    /** Describes the file at {@code location} as if it was just uploaded (size, type, hash). */
    default FileData analyze(Location location) {
        throw new FilesException(dev.portalkit.api.ErrorKind.UNSUPPORTED, "analyze is not supported");
    }
}
