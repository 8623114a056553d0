package dev.portalkit.api.files;

import java.util.Map;

/**
 * What a storage knows about a stored file.
 *
 * @param location      where it is in its storage
 * @param size          size in bytes
 * @param contentType   MIME type ({@code application/octet-stream} when unknown)
 * @param hash          checksum of the content, hex; computed by the host while streaming
 * @param hashAlgorithm algorithm of {@code hash}, e.g. {@code md5}
 * @param storageData   adapter-specific details (a bucket name, an upload id); JSON-friendly values
 */
public record FileData(Location location, long size, String contentType, String hash, String hashAlgorithm,
                       Map<String, Object> storageData) {
    public FileData {
        contentType = contentType == null || contentType.isBlank() ? "application/octet-stream" : contentType;
        storageData = storageData == null ? Map.of() : Map.copyOf(storageData);
    }

    /** Only the location known. */
    public static FileData of(Location location) {
        return new FileData(location, 0, null, "", "", Map.of());
    }

    public FileData withLocation(Location other) {
        return new FileData(other, size, contentType, hash, hashAlgorithm, storageData);
    }

    public FileData withStorageData(Map<String, Object> data) {
        return new FileData(location, size, contentType, hash, hashAlgorithm, data);
    }
}
