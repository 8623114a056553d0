package dev.portalkit.runtime.files.download;

import dev.portalkit.api.files.FileData;
import java.nio.file.Path;
import java.time.Instant;

/**
 * The file a download serves.
 *
 * @param data         location, size ({@code -1} when unknown), content type, hash, storage data
 * @param filename     the name the client saves it as (a bare name; the last location segment when blank)
 * @param lastModified for {@code Last-Modified} and {@code If-Modified-Since}, or {@code null}
 * @param etag         the entity tag with its quotes (e.g. {@code "d41d8cd9..."}), or {@code null} for none
 * @param localFile    the local file the storage's reader gave when the target was described, or
 *                     {@code null}: the download asks the reader (so a public download resolves
 *                     and checks its path once, not twice)
 */
public record DownloadTarget(FileData data, String filename, Instant lastModified, String etag, Path localFile) {
    public DownloadTarget(FileData data, String filename, Instant lastModified, String etag) {
        this(data, filename, lastModified, etag, null);
    }

    /**
     * A tracked file: its entity tag is its recorded hash (the same bytes always have the same tag,
     * whatever the storage), so a client can compare it with {@code files_file_show}'s {@code hash}.
     */
    public static DownloadTarget tracked(FileData data, String filename, Instant lastModified) {
        String hash = data.hash();
        boolean usable = hash != null && !hash.isBlank() && hash.chars().allMatch(c -> c > 0x20 && c < 0x7f && c != '"');
        return new DownloadTarget(data, filename, lastModified, usable ? "\"" + hash + "\"" : null);
    }
}
