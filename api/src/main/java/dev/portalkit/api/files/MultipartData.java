package dev.portalkit.api.files;

import java.util.Map;

/**
 * State of an unfinished multipart upload. The host keeps it in the database between calls, so
 * any node can continue the upload; adapters put what they need into {@code storageData}
 * (an upload id, the parts received) and return an updated copy from each step.
 *
 * @param location    where the file will be
 * @param size        the expected total size in bytes (verified at completion)
 * @param contentType declared MIME type
 * @param hash        the expected hash, hex, or empty when the client gave none (verified at completion when given)
 * @param storageData adapter-specific state; JSON-friendly values
 */
public record MultipartData(Location location, long size, String contentType, String hash, Map<String, Object> storageData) {
    /** Part numbers run from 1 to this (as in S3); others are refused with BAD_REQUEST. */
    public static final int MAX_PARTS = 10_000;

    public MultipartData {
        contentType = contentType == null || contentType.isBlank() ? "application/octet-stream" : contentType;
        hash = hash == null ? "" : hash;
        storageData = storageData == null ? Map.of() : Map.copyOf(storageData);
    }

    public MultipartData withStorageData(Map<String, Object> data) {
        return new MultipartData(location, size, contentType, hash, data);
    }
}
