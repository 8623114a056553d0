package dev.portalkit.runtime.files.download;

import dev.portalkit.api.files.FileData;
import java.time.Instant;

/**
 * A tracked file, read for a download: its id, storage, stored data, name (what the browser saves
 * it as) and modification time ({@code Last-Modified}; null when not known).
 */
public record DownloadableFile(String id, String storage, FileData data, String name, Instant mtime) {
    /** The {@link DownloadTarget}: saved under its {@code name}, tagged by its hash. */
    public DownloadTarget target() {
        return DownloadTarget.tracked(data, name, mtime);
    }
}
