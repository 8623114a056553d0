package dev.portalkit.storage.s3;

import dev.portalkit.api.ErrorKind;
import dev.portalkit.api.files.Capability;
import dev.portalkit.api.files.ContainerManagement;
import dev.portalkit.api.files.Delivery;
import dev.portalkit.api.files.FileData;
import dev.portalkit.api.files.FileStat;
import dev.portalkit.api.files.FilesException;
import dev.portalkit.api.files.Location;
import dev.portalkit.api.files.Manager;
import dev.portalkit.api.files.MultipartData;
import dev.portalkit.api.files.StorageReader;
import dev.portalkit.api.files.Storage;
import dev.portalkit.api.files.StorageSettings;
import dev.portalkit.api.files.Upload;
import dev.portalkit.api.files.Uploader;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.GetObjectRequest;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Request;
import software.amazon.awssdk.services.s3.model.Part;
import software.amazon.awssdk.services.s3.model.S3Object;
import software.amazon.awssdk.services.s3.presigner.model.GetObjectPresignRequest;

/**
 * A storage of {@code files:s3} or {@code files:s3-dynamic}: objects in S3 buckets, keyed
 * {@code prefix + location}. Uploads stream: a known size of up to 5 GiB is one PUT fed straight
 * from the upload; an unknown (or larger) size becomes a multipart upload of {@code part_size}
 * parts, one part buffered at a time. Each file records its bucket in {@code storageData}.
 */
final class S3Storage implements Storage, ContainerManagement {
    /** storageData keys of a multipart upload: its id and the ETag of each part received, by part number. */
    static final String UPLOAD_ID = "upload_id";
    static final String PARTS = "parts";
    private static final Pattern PLAIN_MD5 = Pattern.compile("[0-9a-f]{32}");

    private final StorageSettings settings;
    private final S3Options options;
    private final S3Connection connection;
    private final Buckets buckets;
    private final S3Failures failures;
    private final Uploader uploader = new S3Uploader();
    private final StorageReader reader = new S3Reader();
    private final Manager manager = new S3Manager();
    /** Sends the parts of the multipart uploads the adapter makes itself, one ahead of the reading thread. */
    private final ExecutorService partSender;

    S3Storage(StorageSettings settings, S3Options options, S3Connection connection, Buckets buckets, S3Failures failures) {
        this.settings = settings;
        this.options = options;
        this.connection = connection;
        this.buckets = buckets;
        this.failures = failures;
        this.partSender = Executors.newCachedThreadPool(r -> {
            Thread thread = new Thread(r, "s3-parts-" + settings.name());
            thread.setDaemon(true);
            return thread;
        });
    }

    @Override
    public StorageSettings settings() {
        return settings;
    }

    @Override
    public Uploader uploader() {
        return uploader;
    }

    @Override
    public StorageReader reader() {
        return reader;
    }

    @Override
    public Manager manager() {
        return manager;
    }

    @Override
    public boolean createContainer() {
        return buckets.createContainer();
    }

    @Override
    public void configureCors(List<String> origins) {
        if (origins == null || origins.isEmpty()) {
            throw new FilesException(ErrorKind.BAD_REQUEST, "CORS rules need at least one origin");
        }
        buckets.configureCors(origins);
    }

    @Override
    public void close() {
        partSender.shutdownNow();
        try {
            buckets.close();
        } finally {
            connection.close();
        }
    }

    @Override
    public String toString() {
        return "S3 storage " + settings.name();
    }

    // ---- keys and helpers -----------------------------------------------------------------------

    /** The object key of a location; refuses what could mean something else to an S3-compatible backend. */
    String key(Location location) {
        String value = location.value();
        if (value.startsWith("/") || value.contains("\\") || value.indexOf('\0') >= 0) {
            throw FilesException.badLocation(value, "not a relative path");
        }
        for (String segment : value.split("/", -1)) {
            if (segment.isEmpty() || segment.equals(".") || segment.equals("..")) {
                throw FilesException.badLocation(value, "empty, . and .. segments are not allowed");
            }
        }
        return options.prefix() + value;
    }

    private Map<String, Object> bucketData(String bucket) {
        return Map.of(Buckets.BUCKET, bucket);
    }

    /** HEAD of an object, or {@code null} when it is missing. */
    private HeadObjectResponse head(String bucket, String key, Location location) {
        try {
            return connection.client.headObject(h -> h.bucket(bucket).key(key));
        } catch (SdkException e) {
            if (S3Failures.isNotFound(e)) {
                return null;
            }
            throw failures.of("reading the metadata of " + location + " in bucket " + bucket, location, bucket, e);
        }
    }

    private static String hashFromETag(HeadObjectResponse head, String algorithm) {
        String etag = head.eTag() == null ? "" : head.eTag().replace("\"", "");
        // A single-part object's ETag is its MD5 (without SSE-KMS); a multipart one's is not a content hash.
        return "md5".equalsIgnoreCase(algorithm) && PLAIN_MD5.matcher(etag).matches() ? etag : "";
    }

    /** Reads what is left of {@code in}: the host learns the upload ended (and its size was right). */
    private static void drain(InputStream in) throws IOException {
        byte[] rest = new byte[8192];
        while (in.read(rest) >= 0) {
            // more than announced: the host's measured stream fails once it ends
        }
    }

    /** A body read from {@code in} once; a retry is possible only as long as nothing was read. */
    private static final class OnceContent implements ContentStreamProvider {
        private final InputStream in;
        private long read;
        private boolean given;

        OnceContent(InputStream in) {
            this.in = in;
        }

        @Override
        public InputStream newStream() {
            if (given && read > 0) {
                throw new IllegalStateException("the upload cannot be sent again after a failure: it streams from its source");
            }
            given = true;
            return new InputStream() {
                @Override
                public int read() throws IOException {
                    int b = in.read();
                    if (b >= 0) {
                        read++;
                    }
                    return b;
                }

                @Override
                public int read(byte[] b, int off, int len) throws IOException {
                    int n = in.read(b, off, len);
                    if (n > 0) {
                        read += n;
                    }
                    return n;
                }

                @Override
                public void close() {
                    // the uploader closes the source
                }
            };
        }
    }

    private static ContentStreamProvider bytes(byte[] buffer, int length) {
        return () -> new ByteArrayInputStream(buffer, 0, length);
    }

    // ---- uploads --------------------------------------------------------------------------------

    private final class S3Uploader implements Uploader {
        @Override
        public Set<Capability> capabilities() {
            return EnumSet.of(Capability.CREATE, Capability.MULTIPART);
        }

        /** S3 completes a multipart upload only when every part but the last has at least 5 MiB. */
        @Override
        public long multipartMinPartSize() {
            return S3Options.MIN_PART_SIZE;
        }

        @Override
        public FileData upload(Location location, Upload upload, boolean overwrite) {
            String key = key(location);
            String bucket = buckets.forWrite();
            if (!overwrite && head(bucket, key, location) != null) {
                throw FilesException.existingFile(settings.name(), location);
            }
            String what = "upload of " + location + " to bucket " + bucket;
            long size;
            String type;
            try (InputStream in = upload.open()) {
                // After open: the type the host detected from the content.
                type = upload.contentType();
                long declared = upload.size();
                if (declared >= 0 && declared <= S3Options.MAX_PUT_SIZE) {
                    connection.streaming.putObject(p -> p.bucket(bucket).key(key).contentType(type).contentLength(declared),
                            RequestBody.fromContentProvider(new OnceContent(in), declared, type));
                    try {
                        drain(in);
                    } catch (IOException | RuntimeException e) {
                        removeQuietly(bucket, key, e);
                        throw e;
                    }
                    size = declared;
                } else {
                    size = multipart(bucket, key, type, in, declared);
                }
            } catch (IOException e) {
                throw FilesException.backend(settings.name(), what + " failed: cannot read the upload: " + e.getMessage(), e);
            } catch (SdkException e) {
                throw failures.of(what, null, bucket, e);
            } catch (FilesException e) {
                throw e;
            } catch (RuntimeException e) {
                throw FilesException.backend(settings.name(), what + " failed: " + failures.describe(e), failures.masked(e));
            }
            return new FileData(location, size, type, "", "", bucketData(bucket));
        }

        /**
         * Streams {@code in} as a multipart upload (a single PUT when it fits one part); returns the
         * size. Two part buffers: while one part is sent (on the storage's part thread), the next is
         * read from the upload, so reading (and the host's hashing) overlaps the network.
         */
        private long multipart(String bucket, String key, String type, InputStream in, long declared) throws IOException {
            long partSize = declared > 0 ? Math.max(options.partSize(), -Math.floorDiv(-declared, MultipartData.MAX_PARTS))
                    : options.partSize();
            if (partSize > S3Options.MAX_PUT_SIZE) {
                throw new FilesException(ErrorKind.TOO_LARGE, "storage " + settings.name() + ": " + declared
                        + " bytes are more than S3 takes in one object");
            }
            int bufferSize = (int) Math.min(partSize, Integer.MAX_VALUE - 8);
            byte[][] buffers = {new byte[bufferSize], null};
            int n = in.readNBytes(buffers[0], 0, bufferSize);
            if (n < bufferSize) {
                int length = n;
                connection.client.putObject(p -> p.bucket(bucket).key(key).contentType(type).contentLength((long) length),
                        RequestBody.fromContentProvider(bytes(buffers[0], length), length, type));
                return n;
            }
            buffers[1] = new byte[bufferSize];
            String uploadId = connection.client.createMultipartUpload(c -> c.bucket(bucket).key(key).contentType(type)).uploadId();
            Future<CompletedPart> inFlight = null;
            try {
                List<CompletedPart> parts = new ArrayList<>();
                long total = 0;
                int current = 0;
                int number = 0;
                while (n > 0) {
                    number++;
                    if (number > MultipartData.MAX_PARTS) {
                        throw new FilesException(ErrorKind.TOO_LARGE, "storage " + settings.name()
                                + ": the upload needs more than " + MultipartData.MAX_PARTS + " parts of " + partSize + " bytes");
                    }
                    byte[] data = buffers[current];
                    int length = n;
                    int partNumber = number;
                    Future<CompletedPart> sent = partSender.submit(() -> {
                        String etag = connection.client.uploadPart(u -> u.bucket(bucket).key(key).uploadId(uploadId)
                                        .partNumber(partNumber).contentLength((long) length),
                                RequestBody.fromContentProvider(bytes(data, length), length, "application/octet-stream")).eTag();
                        return CompletedPart.builder().partNumber(partNumber).eTag(etag).build();
                    });
                    if (inFlight != null) {
                        parts.add(await(inFlight));
                    }
                    inFlight = sent;
                    total += length;
                    // The other buffer's part has been sent: read the next part into it meanwhile.
                    current ^= 1;
                    n = in.readNBytes(buffers[current], 0, bufferSize);
                }
                parts.add(await(inFlight));
                inFlight = null;
                connection.client.completeMultipartUpload(c -> c.bucket(bucket).key(key).uploadId(uploadId)
                        .multipartUpload(m -> m.parts(parts)));
                return total;
            } catch (IOException | RuntimeException e) {
                if (inFlight != null) {
                    inFlight.cancel(true);
                    try {
                        inFlight.get();
                    } catch (Exception ignored) {
                        // it failed or was stopped: either way it sends no more
                    }
                }
                abortQuietly(bucket, key, uploadId, e);
                throw e;
            }
        }

        private CompletedPart await(Future<CompletedPart> part) {
            try {
                return part.get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw FilesException.backend(settings.name(), "interrupted while sending a part", e);
            } catch (ExecutionException e) {
                if (e.getCause() instanceof RuntimeException r) {
                    throw r;
                }
                throw FilesException.backend(settings.name(), "sending a part failed", e.getCause());
            }
        }

        @Override
        public MultipartData multipartStart(MultipartData data) {
            String key = key(data.location());
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
        public MultipartData multipartUpdate(MultipartData data, int part, Upload content) {
            String key = key(data.location());
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

        @Override
        public MultipartData multipartRefresh(MultipartData data) {
            String bucket = bucketOf(data);
            String uploadId = uploadId(data);
            try {
                Map<String, String> parts = new TreeMap<>();
                for (Part p : connection.client.listPartsPaginator(l -> l.bucket(bucket).key(key(data.location())).uploadId(uploadId)).parts()) {
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
        public FileData multipartComplete(MultipartData data) {
            String key = key(data.location());
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
            HeadObjectResponse head = head(bucket, key, data.location());
            if (head == null) {
                throw FilesException.backend(settings.name(), "the completed multipart upload of " + data.location()
                        + " is not in bucket " + bucket, null);
            }
            // The ETag of a multipart object is no content hash: the host reads the file back for it.
            return new FileData(data.location(), head.contentLength(), head.contentType(), "", "", bucketData(bucket));
        }

        @Override
        public void multipartAbort(MultipartData data) {
            String bucket = bucketOf(data);
            try {
                connection.client.abortMultipartUpload(a -> a.bucket(bucket).key(key(data.location())).uploadId(uploadId(data)));
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

    private void removeQuietly(String bucket, String key, Throwable cause) {
        try {
            connection.client.deleteObject(d -> d.bucket(bucket).key(key));
        } catch (SdkException e) {
            cause.addSuppressed(failures.masked(e));
        }
    }

    private void abortQuietly(String bucket, String key, String uploadId, Throwable cause) {
        try {
            connection.client.abortMultipartUpload(a -> a.bucket(bucket).key(key).uploadId(uploadId));
        } catch (SdkException e) {
            cause.addSuppressed(failures.masked(e));
        }
    }

    // ---- reads ----------------------------------------------------------------------------------

    private final class S3Reader implements StorageReader {
        @Override
        public Set<Capability> capabilities() {
            EnumSet<Capability> out = EnumSet.of(Capability.STREAM, Capability.RANGE, Capability.TEMPORAL_LINK);
            if (settings.publicStorage()) {
                out.add(Capability.PUBLIC_LINK);
            }
            return out;
        }

        @Override
        public InputStream stream(FileData data) {
            return get(data, null);
        }

        @Override
        public InputStream range(FileData data, long start, long end) {
            if (start < 0 || end < start) {
                throw new FilesException(ErrorKind.BAD_REQUEST, "range " + start + ".." + end + " is not a valid byte range");
            }
            if (start == end) {
                String bucket = buckets.forRead(data);
                if (head(bucket, key(data.location()), data.location()) == null) {
                    throw FilesException.missingFile(settings.name(), data.location());
                }
                return InputStream.nullInputStream();
            }
            return get(data, "bytes=" + start + "-" + (end - 1));
        }

        private InputStream get(FileData data, String range) {
            String key = key(data.location());
            String bucket = buckets.forRead(data);
            try {
                GetObjectRequest.Builder request = GetObjectRequest.builder().bucket(bucket).key(key);
                if (range != null) {
                    request.range(range);
                }
                return new ObjectStream(connection.client.getObject(request.build()));
            } catch (SdkException e) {
                if (range != null && S3Failures.status(e) == 416) {
                    // The range starts at or after the end: nothing of it is there.
                    return InputStream.nullInputStream();
                }
                throw failures.of("reading " + data.location() + " from bucket " + bucket, data.location(), bucket, e);
            }
        }

        @Override
        public Delivery delivery(FileData data, String filename, Duration ttl) {
            return switch (options.proxy()) {
                case PROXY -> new Delivery.Stream();
                case REDIRECT -> new Delivery.Redirect(temporalLink(data, ttl, filename));
                case NGINX -> new Delivery.InternalRedirect("X-Accel-Redirect", nginxPath(temporalLink(data, ttl, filename)));
            };
        }

        @Override
        public URI publicLink(FileData data) {
            if (!settings.publicStorage()) {
                throw FilesException.unsupported(settings.name(), Capability.PUBLIC_LINK);
            }
            String bucket = buckets.forRead(data);
            String key = key(data.location());
            try {
                return connection.client.utilities().getUrl(g -> g.bucket(bucket).key(key)).toURI();
            } catch (URISyntaxException e) {
                throw FilesException.backend(settings.name(), "cannot make a public link to " + data.location(), e);
            }
        }

        @Override
        public URI temporalLink(FileData data, Duration ttl, String filename) {
            String bucket = buckets.forRead(data);
            String key = key(data.location());
            Duration validity = ttl == null || ttl.isNegative() || ttl.isZero() ? Duration.ofMinutes(5) : ttl;
            GetObjectRequest.Builder get = GetObjectRequest.builder().bucket(bucket).key(key)
                    .responseContentDisposition(ContentDispositions.attachment(filename != null ? filename
                            : data.location().value().substring(data.location().value().lastIndexOf('/') + 1)));
            if (!"application/octet-stream".equals(data.contentType())) {
                get.responseContentType(data.contentType());
            }
            try {
                return connection.presigner.presignGetObject(GetObjectPresignRequest.builder().signatureDuration(validity)
                        .getObjectRequest(get.build()).build()).url().toURI();
            } catch (URISyntaxException | SdkException e) {
                throw FilesException.backend(settings.name(), "cannot sign a link to " + data.location() + ": "
                        + failures.describe(e), failures.masked(e));
            }
        }

        /**
         * The internal nginx location for a presigned URL: {@code nginx_location + scheme/authority/path?query}.
         * nginx decodes the path once when it matches locations, so the path's escapes are escaped once more.
         */
        private String nginxPath(URI url) {
            return options.nginxLocation() + url.getScheme() + "/" + url.getRawAuthority()
                    + url.getRawPath().replace("%", "%25") + (url.getRawQuery() == null ? "" : "?" + url.getRawQuery());
        }
    }

    // ---- management -----------------------------------------------------------------------------

    private final class S3Manager implements Manager {
        @Override
        public Set<Capability> capabilities() {
            return EnumSet.of(Capability.REMOVE, Capability.EXISTS, Capability.SCAN, Capability.ANALYZE, Capability.COPY,
                    Capability.MOVE);
        }

        @Override
        public boolean remove(FileData data) {
            String key = key(data.location());
            String bucket = buckets.forRead(data);
            if (head(bucket, key, data.location()) == null) {
                return false;
            }
            try {
                connection.client.deleteObject(d -> d.bucket(bucket).key(key));
                return true;
            } catch (SdkException e) {
                throw failures.of("removing " + data.location() + " from bucket " + bucket, data.location(), bucket, e);
            }
        }

        @Override
        public boolean exists(FileData data) {
            return head(buckets.forRead(data), key(data.location()), data.location()) != null;
        }

        /** One HEAD: Content-Length and Last-Modified (a copy or move makes a new object, so it is when the bytes came here). */
        @Override
        public Optional<FileStat> stat(FileData data) {
            HeadObjectResponse head = head(buckets.forRead(data), key(data.location()), data.location());
            return head == null ? Optional.empty() : Optional.of(new FileStat(head.contentLength() == null ? -1 : head.contentLength(),
                    head.lastModified()));
        }

        @Override
        public FileData copy(Location target, FileData source, boolean overwrite) {
            String sourceKey = key(source.location());
            String targetKey = key(target);
            String sourceBucket = buckets.forRead(source);
            String targetBucket = buckets.forWrite();
            HeadObjectResponse head = head(sourceBucket, sourceKey, source.location());
            if (head == null) {
                throw FilesException.missingFile(settings.name(), source.location());
            }
            if (!overwrite && head(targetBucket, targetKey, target) != null) {
                throw FilesException.existingFile(settings.name(), target);
            }
            String what = "copy of " + source.location() + " to " + target;
            try {
                if (head.contentLength() <= S3Options.MAX_PUT_SIZE) {
                    connection.client.copyObject(c -> c.sourceBucket(sourceBucket).sourceKey(sourceKey)
                            .destinationBucket(targetBucket).destinationKey(targetKey));
                } else {
                    copyInParts(sourceBucket, sourceKey, targetBucket, targetKey, head);
                }
            } catch (SdkException e) {
                throw failures.of(what, source.location(), sourceBucket, e);
            }
            return new FileData(target, head.contentLength(), head.contentType(), source.hash(), source.hashAlgorithm(),
                    bucketData(targetBucket));
        }

        /** Server-side copy of an object over 5 GiB: a multipart upload of copied ranges. */
        private void copyInParts(String sourceBucket, String sourceKey, String targetBucket, String targetKey, HeadObjectResponse head) {
            long size = head.contentLength();
            long partSize = Math.max(1024L * 1024 * 1024, -Math.floorDiv(-size, MultipartData.MAX_PARTS));
            String uploadId = connection.client.createMultipartUpload(c -> c.bucket(targetBucket).key(targetKey)
                    .contentType(head.contentType())).uploadId();
            try {
                List<CompletedPart> parts = new ArrayList<>();
                for (long start = 0; start < size; start += partSize) {
                    int number = parts.size() + 1;
                    String range = "bytes=" + start + "-" + (Math.min(size, start + partSize) - 1);
                    String etag = connection.client.uploadPartCopy(u -> u.sourceBucket(sourceBucket).sourceKey(sourceKey)
                            .destinationBucket(targetBucket).destinationKey(targetKey).uploadId(uploadId).partNumber(number)
                            .copySourceRange(range)).copyPartResult().eTag();
                    parts.add(CompletedPart.builder().partNumber(number).eTag(etag).build());
                }
                connection.client.completeMultipartUpload(c -> c.bucket(targetBucket).key(targetKey).uploadId(uploadId)
                        .multipartUpload(m -> m.parts(parts)));
            } catch (RuntimeException e) {
                abortQuietly(targetBucket, targetKey, uploadId, e);
                throw e;
            }
        }

        @Override
        public FileData move(Location target, FileData source, boolean overwrite) {
            FileData copied = copy(target, source, overwrite);
            String bucket = buckets.forRead(source);
            try {
                connection.client.deleteObject(d -> d.bucket(bucket).key(key(source.location())));
            } catch (SdkException e) {
                throw failures.of("removing " + source.location() + " after copying it to " + target, source.location(), bucket, e);
            }
            return copied;
        }

        @Override
        public Stream<Location> scan() {
            List<String> all = buckets.all();
            String prefix = options.prefix();
            return all.stream().flatMap(bucket -> {
                ListObjectsV2Request request = ListObjectsV2Request.builder().bucket(bucket).prefix(prefix.isEmpty() ? null : prefix).build();
                // Pages through every object: ListObjectsV2 with continuation tokens, fetched as the stream is read.
                Iterator<S3Object> objects = connection.client.listObjectsV2Paginator(request).contents().iterator();
                Iterator<S3Object> mapped = new Iterator<>() {
                    @Override
                    public boolean hasNext() {
                        try {
                            return objects.hasNext();
                        } catch (SdkException e) {
                            throw failures.of("listing bucket " + bucket, null, bucket, e);
                        }
                    }

                    @Override
                    public S3Object next() {
                        try {
                            return objects.next();
                        } catch (SdkException e) {
                            throw failures.of("listing bucket " + bucket, null, bucket, e);
                        }
                    }
                };
                return StreamSupport.stream(Spliterators.spliteratorUnknownSize(mapped, Spliterator.ORDERED), false)
                        .map(S3Object::key)
                        .filter(key -> key.length() > prefix.length() && !key.endsWith("/"))
                        .map(key -> new Location(key.substring(prefix.length())));
            });
        }

        @Override
        public FileData analyze(Location location) {
            String bucket = buckets.forWrite();
            HeadObjectResponse head = head(bucket, key(location), location);
            if (head == null) {
                throw FilesException.missingFile(settings.name(), location);
            }
            String hash = hashFromETag(head, settings.hashingAlgorithm());
            return new FileData(location, head.contentLength(), head.contentType(), hash,
                    hash.isEmpty() ? "" : settings.hashingAlgorithm(), bucketData(bucket));
        }
    }
}
