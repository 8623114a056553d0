package dev.portalkit.runtime.files.download;

/**
 * What a download service needs from an HTTP request: the method and the headers that shape the
 * answer. Any header may be {@code null} (absent).
 *
 * @param head            true for {@code HEAD} (headers only), false for {@code GET}
 * @param range           {@code Range}
 * @param ifRange         {@code If-Range}
 * @param ifNoneMatch     {@code If-None-Match}
 * @param ifModifiedSince {@code If-Modified-Since}
 */
public record DownloadRequest(boolean head, String range, String ifRange, String ifNoneMatch, String ifModifiedSince) {
    /** A plain {@code GET} without conditions or ranges. */
    public static DownloadRequest get() {
        return new DownloadRequest(false, null, null, null, null);
    }

    public DownloadRequest withRange(String value) {
        return new DownloadRequest(head, value, ifRange, ifNoneMatch, ifModifiedSince);
    }
}
