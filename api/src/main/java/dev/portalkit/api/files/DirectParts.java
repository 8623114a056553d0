package dev.portalkit.api.files;

import java.net.URI;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * Direct uploads of a storage's multipart uploads: the client sends each part straight to the
 * backend (an S3 presigned UploadPart URL, an Azure SAS URL for Put Block), so no byte of the file
 * passes through the portal. An adapter that can sign part uploads returns this from
 * {@link MultipartUploads#direct()}; the host does the rest:
 * <ul>
 *   <li>{@code files_multipart_start} with {@code direct=true} starts the upload as usual
 *       ({@link MultipartUploads#start}) and hands the client {@link #sign signed URLs} for every part;</li>
 *   <li>{@code files_multipart_refresh} signs them again and reports {@link #stored what arrived};</li>
 *   <li>{@code files_multipart_complete} compares the client's list of parts with {@link #stored},
 *       then calls {@link MultipartUploads#refresh} and {@link MultipartUploads#complete}, which
 *       must assemble exactly the parts the backend holds; the host verifies the assembled file
 *       (size, hash, type) as for every multipart upload. A refused completion aborts the upload
 *       ({@link MultipartUploads#abort}).</li>
 * </ul>
 * The host marks a direct upload in its {@link MultipartData#storageData()} under the key
 * {@value #STATE_KEY}; adapters keep that key as they keep their own.
 */
public interface DirectParts {
    /** The key of {@link MultipartData#storageData()} under which the host marks a direct upload. */
    String STATE_KEY = "portal_direct";

    /**
     * Signs the upload of each of {@code parts} (part numbers, 1 to {@link MultipartData#MAX_PARTS})
     * of the started upload {@code data}, valid for the storage's configured lifetime. Signing
     * needs no request to the backend where the backend allows it.
     */
    List<SignedPart> sign(MultipartData data, List<Integer> parts);

    /**
     * The origins ({@code scheme://host[:port]}) the signed URLs point at, so that pages that send
     * parts from the browser can allow them (the {@code connect-src} of their Content-Security-Policy);
     * empty when they are not known before an upload starts.
     */
    default List<String> origins() {
        return List.of();
    }

    /** The origin of {@code url}: its scheme, host and port as a browser names it. */
    static String originOf(URI url) {
        return url.getScheme() + "://" + url.getRawAuthority().replaceFirst("^[^@]*@", "");
    }

    /** The parts the backend holds for the upload now, ascending by number. */
    List<StoredPart> stored(MultipartData data);

    /**
     * One part's signed upload: send {@code method} to {@code url} with exactly the part's bytes as
     * the body and {@code headers}, before {@code expires}.
     *
     * @param number  the part number, 1-based
     * @param url     where the part goes; it carries the signature (treat it as a secret)
     * @param method  the HTTP method, e.g. {@code PUT}
     * @param headers headers the client must send besides {@code Host} and {@code Content-Length}
     * @param expires when the signature stops working
     */
    record SignedPart(int number, URI url, String method, Map<String, String> headers, Instant expires) {
        public SignedPart {
            headers = headers == null ? Map.of() : Map.copyOf(headers);
        }
    }

    /**
     * A part as the backend holds it.
     *
     * @param number the part number, 1-based
     * @param size   its size in bytes
     * @param etag   the tag the backend answered the part's upload with (S3: the part's ETag, compared
     *               with the client's); empty when the backend keeps none to compare (Azure blocks)
     */
    record StoredPart(int number, long size, String etag) {
        public StoredPart {
            etag = etag == null ? "" : etag;
        }
    }
}
