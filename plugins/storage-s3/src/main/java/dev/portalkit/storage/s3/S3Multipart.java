package dev.portalkit.storage.s3;

import static dev.portalkit.storage.s3.S3Storage.drain;
import static dev.portalkit.storage.s3.S3Storage.bytes;

import dev.portalkit.api.ErrorKind;
import dev.portalkit.api.files.DirectParts;
import dev.portalkit.api.files.FileData;
import dev.portalkit.api.files.FilesException;
import dev.portalkit.api.files.Location;
import dev.portalkit.api.files.MultipartData;
import dev.portalkit.api.files.MultipartUploads;
import dev.portalkit.api.files.StorageSettings;
import dev.portalkit.api.files.Upload;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.Part;
import software.amazon.awssdk.services.s3.presigner.model.PresignedUploadPartRequest;
import software.amazon.awssdk.services.s3.presigner.model.UploadPartPresignRequest;

/**
 * Multipart uploads the host drives on an S3 storage: each part is an S3 part of the object's
 * multipart upload, and the upload's bucket, id and the ETags of the parts received live in the
 * upload's {@code storageData}.
 */
final class S3Multipart implements MultipartUploads {
    /** storageData keys of a multipart upload: its id and the ETag of each part received, by part number. */
    static final String UPLOAD_ID = "upload_id";
    static final String PARTS = "parts";

    private final S3Storage storage;
    private final StorageSettings settings;
    private final S3Options options;
    private final S3Connection connection;
    private final Buckets buckets;
    private final S3Failures failures;

    S3Multipart(S3Storage storage) {
        this.storage = storage;
        this.settings = storage.settings();
        this.options = storage.options();
        this.connection = storage.connection();
        this.buckets = storage.buckets();
        this.failures = storage.failures();
    }

    /** S3 completes a multipart upload only when every part but the last has at least 5 MiB. */
    @Override
    public long minPartSize() {
        return S3Options.MIN_PART_SIZE;
    }

    @Override
    public MultipartData start(MultipartData data) {
        String key = storage.key(data.location());
        String bucket = buckets.forWrite();
        try {
            String uploadId = connection.client.createMultipartUpload(c -> c.bucket(bucket).key(key)
                    .contentType(data.contentType())).uploadId();
            Map<String, Object> state = new LinkedHashMap<>(data.storageData());
            state.put(Buckets.BUCKET, bucket);
            state.put(UPLOAD_ID, uploadId);
            state.put(PARTS, Map.of());
            return data.withStorageData(state);
        } catch (SdkException e) {
            throw failures.of("starting a multipart upload of " + data.location() + " in bucket " + bucket, null, bucket, e);
        }
    }

    @Override
    public MultipartData update(MultipartData data, int part, Upload content) {
        String key = storage.key(data.location());
        String bucket = bucketOf(data);
        String uploadId = uploadId(data);
        String what = "part " + part + " of the multipart upload of " + location(data);
        requireOpen(bucket, key, uploadId, data.location());
        String etag;
        try (InputStream in = content.open()) {
            long size = content.size();
            if (size >= 0) {
                etag = connection.streaming.uploadPart(u -> u.bucket(bucket).key(key).uploadId(uploadId).partNumber(part)
                        .contentLength(size), RequestBody.fromContentProvider(new OnceContent(in), size, "application/octet-stream")).eTag();
                drain(in);
            } else {
                etag = unsizedPart(bucket, key, uploadId, part, in);
            }
        } catch (IOException e) {
            throw FilesException.backend(settings.name(), what + " failed: cannot read the part: " + e.getMessage(), e);
        } catch (SdkException e) {
            throw failures.of(what, null, bucket, e);
        } catch (FilesException e) {
            throw e;
        } catch (RuntimeException e) {
            throw FilesException.backend(settings.name(), what + " failed: " + failures.describe(e), failures.masked(e));
        }
        Map<String, String> parts = new TreeMap<>(parts(data));
        parts.put(Integer.toString(part), etag);
        Map<String, Object> state = new LinkedHashMap<>(data.storageData());
        state.put(PARTS, parts);
        return data.withStorageData(state);
    }

    /**
     * Refuses a part of an upload that was completed or aborted (NOT_FOUND), as S3 does; some
     * S3-compatible services (S3Proxy) would store it. Without the permission to list
     * uploads, the check is left to the service.
     */
    private void requireOpen(String bucket, String key, String uploadId, Location location) {
        try {
            for (var upload : connection.client.listMultipartUploadsPaginator(l -> l.bucket(bucket).prefix(key)).uploads()) {
                if (upload.uploadId().equals(uploadId) && upload.key().equals(key)) {
                    return;
                }
            }
        } catch (SdkException e) {
            if (S3Failures.status(e) == 403 || S3Failures.status(e) == 501) {
                return;
            }
            throw failures.of("checking the multipart upload of " + location, null, bucket, e);
        }
        throw new FilesException(ErrorKind.NOT_FOUND, "storage " + settings.name() + ": the multipart upload of " + location
                + " does not exist (it was completed or aborted)");
    }

    /** A part of unknown size: in memory up to {@code part_size}, else through a temporary file. */
    private String unsizedPart(String bucket, String key, String uploadId, int part, InputStream in) throws IOException {
        byte[] buffer = new byte[(int) options.partSize()];
        int n = in.readNBytes(buffer, 0, buffer.length);
        if (n < buffer.length) {
            return connection.client.uploadPart(u -> u.bucket(bucket).key(key).uploadId(uploadId).partNumber(part)
                    .contentLength((long) n), RequestBody.fromContentProvider(bytes(buffer, n), n, "application/octet-stream")).eTag();
        }
        Path spool = Files.createTempFile("portalkit-s3-part-", ".bin");
        try {
            try (OutputStream out = Files.newOutputStream(spool)) {
                out.write(buffer, 0, n);
                in.transferTo(out);
            }
            return connection.client.uploadPart(u -> u.bucket(bucket).key(key).uploadId(uploadId).partNumber(part),
                    RequestBody.fromFile(spool)).eTag();
        } finally {
            Files.deleteIfExists(spool);
        }
    }

    /** Presigned UploadPart URLs: signed here, with the storage's endpoint, region, credentials and addressing style. */
    @Override
    public Optional<DirectParts> direct() {
        return Optional.of(new DirectParts() {
            @Override
            public List<SignedPart> sign(MultipartData data, List<Integer> parts) {
                return signParts(data, parts);
            }

            @Override
            public List<StoredPart> stored(MultipartData data) {
                return storedParts(data);
            }

            @Override
            public List<String> origins() {
                // Signing needs no request: a part of no upload, in the bucket new uploads go to, shows where URLs point.
                String bucket = buckets.forWrite();
                try {
                    return List.of(DirectParts.originOf(S3Connection.withPluginClassLoader(() -> connection.presigner.presignUploadPart(
                            UploadPartPresignRequest.builder().signatureDuration(options.directUrlLifetime())
                                    .uploadPartRequest(u -> u.bucket(bucket).key(storage.key(new Location("origin"))).uploadId("origin")
                                            .partNumber(1)).build())).url().toURI()));
                } catch (java.net.URISyntaxException | RuntimeException e) {
                    // Not known in advance: pages allow only the portal, and the browser says why a part failed.
                    return List.of();
                }
            }
        });
    }

    private List<DirectParts.SignedPart> signParts(MultipartData data, List<Integer> numbers) {
        String key = storage.key(data.location());
        String bucket = bucketOf(data);
        String uploadId = uploadId(data);
        List<DirectParts.SignedPart> out = new ArrayList<>(numbers.size());
        try {
            for (int n : numbers) {
                PresignedUploadPartRequest signed = S3Connection.withPluginClassLoader(() -> connection.presigner.presignUploadPart(
                        UploadPartPresignRequest.builder().signatureDuration(options.directUrlLifetime())
                                .uploadPartRequest(u -> u.bucket(bucket).key(key).uploadId(uploadId).partNumber(n)).build()));
                Map<String, String> headers = new TreeMap<>();
                // The client sends Host (and Content-Length) itself; a browser may not set them.
                signed.signedHeaders().forEach((name, values) -> {
                    if (!name.equalsIgnoreCase("host") && !name.equalsIgnoreCase("content-length")) {
                        headers.put(name, String.join(",", values));
                    }
                });
                out.add(new DirectParts.SignedPart(n, signed.url().toURI(), signed.httpRequest().method().name(), headers,
                        signed.expiration()));
            }
            return out;
        } catch (SdkException e) {
            throw failures.of("signing the parts of the multipart upload of " + location(data), null, bucket, e);
        } catch (java.net.URISyntaxException e) {
            throw FilesException.backend(settings.name(), "signing the parts of the multipart upload of " + data.location()
                    + " made no URL", e);
        }
    }

    private List<DirectParts.StoredPart> storedParts(MultipartData data) {
        String bucket = bucketOf(data);
        String uploadId = uploadId(data);
        try {
            List<DirectParts.StoredPart> out = new ArrayList<>();
            for (Part p : connection.client.listPartsPaginator(l -> l.bucket(bucket).key(storage.key(data.location()))
                    .uploadId(uploadId)).parts()) {
                out.add(new DirectParts.StoredPart(p.partNumber(), p.size(), p.eTag()));
            }
            out.sort(java.util.Comparator.comparingInt(DirectParts.StoredPart::number));
            return out;
        } catch (SdkException e) {
            throw failures.of("listing the parts of the multipart upload of " + location(data), null, bucket, e);
        }
    }

    @Override
    public MultipartData refresh(MultipartData data) {
        String bucket = bucketOf(data);
        String uploadId = uploadId(data);
        try {
            Map<String, String> parts = new TreeMap<>();
            for (Part p : connection.client.listPartsPaginator(l -> l.bucket(bucket).key(storage.key(data.location())).uploadId(uploadId)).parts()) {
                parts.put(Integer.toString(p.partNumber()), p.eTag());
            }
            Map<String, Object> state = new LinkedHashMap<>(data.storageData());
            state.put(PARTS, parts);
            return data.withStorageData(state);
        } catch (SdkException e) {
            throw failures.of("listing the parts of the multipart upload of " + location(data), null, bucket, e);
        }
    }

    @Override
    public FileData complete(MultipartData data) {
        String key = storage.key(data.location());
        String bucket = bucketOf(data);
        String uploadId = uploadId(data);
        Map<String, String> received = parts(data);
        List<CompletedPart> parts = new ArrayList<>();
        List<Integer> missing = new ArrayList<>();
        int last = received.keySet().stream().mapToInt(Integer::parseInt).max().orElse(0);
        for (int n = 1; n <= last; n++) {
            String etag = received.get(Integer.toString(n));
            if (etag == null) {
                missing.add(n);
            } else {
                parts.add(CompletedPart.builder().partNumber(n).eTag(etag).build());
            }
        }
        if (last == 0 || !missing.isEmpty()) {
            throw new FilesException(ErrorKind.BAD_REQUEST, "the multipart upload of " + data.location() + " cannot be completed: "
                    + (last == 0 ? "no part arrived" : "part(s) " + missing + " are missing"));
        }
        try {
            connection.client.completeMultipartUpload(c -> c.bucket(bucket).key(key).uploadId(uploadId)
                    .multipartUpload(m -> m.parts(parts)));
        } catch (SdkException e) {
            if (S3Failures.code(e).equals("EntityTooSmall") || S3Failures.code(e).equals("InvalidPart")) {
                throw new FilesException(ErrorKind.BAD_REQUEST, "the multipart upload of " + data.location() + " cannot be "
                        + "completed: every part but the last must have at least 5 MiB (" + failures.describe(e) + ")");
            }
            throw failures.of("completing the multipart upload of " + location(data), null, bucket, e);
        }
        HeadObjectResponse head = storage.head(bucket, key, data.location());
        if (head == null) {
            throw FilesException.backend(settings.name(), "the completed multipart upload of " + data.location()
                    + " is not in bucket " + bucket, null);
        }
        // The ETag of a multipart object is no content hash: the host reads the file back for it.
        return new FileData(data.location(), head.contentLength(), head.contentType(), "", "", storage.bucketData(bucket));
    }

    @Override
    public void abort(MultipartData data) {
        String bucket = bucketOf(data);
        try {
            connection.client.abortMultipartUpload(a -> a.bucket(bucket).key(storage.key(data.location())).uploadId(uploadId(data)));
        } catch (SdkException e) {
            if (S3Failures.code(e).equals("NoSuchUpload")) {
                return;
            }
            throw failures.of("aborting the multipart upload of " + location(data), null, bucket, e);
        }
    }

    private String location(MultipartData data) {
        return data.location() + " in bucket " + bucketOf(data);
    }

    private String bucketOf(MultipartData data) {
        Object bucket = data.storageData().get(Buckets.BUCKET);
        if (!(bucket instanceof String name) || name.isBlank()) {
            throw new FilesException(ErrorKind.BAD_REQUEST, "the multipart upload of " + data.location()
                    + " was not started by storage " + settings.name() + " (no bucket in its state)");
        }
        return name;
    }

    private String uploadId(MultipartData data) {
        Object id = data.storageData().get(UPLOAD_ID);
        if (!(id instanceof String value) || value.isBlank()) {
            throw new FilesException(ErrorKind.BAD_REQUEST, "the multipart upload of " + data.location()
                    + " was not started by storage " + settings.name() + " (no upload id in its state)");
        }
        return value;
    }

    @SuppressWarnings("unchecked")
    private Map<String, String> parts(MultipartData data) {
        Object parts = data.storageData().get(PARTS);
        Map<String, String> out = new TreeMap<>();
        if (parts instanceof Map<?, ?> map) {
            map.forEach((k, v) -> out.put(String.valueOf(k), String.valueOf(v)));
        }
        return out;
    }
}
