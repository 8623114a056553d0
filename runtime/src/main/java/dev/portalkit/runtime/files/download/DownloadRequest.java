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
 * @param inline          this call's choice (CKAN's {@code send_inline}): {@code true} sends the file
 *                        inline, {@code false} as an attachment, {@code null} as
 *                        {@code portal.files.inline_content_types} says for its type
 */
public record DownloadRequest(boolean head, String range, String ifRange, String ifNoneMatch, String ifModifiedSince,
                              Boolean inline) {
    /** A request that leaves inline or attachment to the type list. */
    public DownloadRequest(boolean head, String range, String ifRange, String ifNoneMatch, String ifModifiedSince) {
        this(head, range, ifRange, ifNoneMatch, ifModifiedSince, null);
    }

    /** A plain {@code GET} without conditions or ranges. */
    public static DownloadRequest get() {
        return new DownloadRequest(false, null, null, null, null);
    }

    public DownloadRequest withRange(String value) {
        return new DownloadRequest(head, value, ifRange, ifNoneMatch, ifModifiedSince, inline);
    }

    /** This request sent inline ({@code true}), as an attachment ({@code false}) or by the type list ({@code null}). */
    public DownloadRequest withInline(Boolean value) {
        return new DownloadRequest(head, range, ifRange, ifNoneMatch, ifModifiedSince, value);
    }
}
