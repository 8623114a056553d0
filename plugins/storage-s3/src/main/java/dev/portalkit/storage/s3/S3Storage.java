package dev.portalkit.storage.s3;

import dev.portalkit.api.ErrorKind;
import dev.portalkit.api.files.ContainerManagement;
import dev.portalkit.api.files.FilesException;
import dev.portalkit.api.files.Location;
import dev.portalkit.api.files.Manager;
import dev.portalkit.api.files.StorageReader;
import dev.portalkit.api.files.Storage;
import dev.portalkit.api.files.StorageSettings;
import dev.portalkit.api.files.Uploader;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.regex.Pattern;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;

/**
 * A storage of {@code files:s3} or {@code files:s3-dynamic}: objects in S3 buckets, keyed
 * {@code prefix + location}. Uploads stream: a known size of up to 5 GiB is one PUT fed straight
 * from the upload; an unknown (or larger) size becomes a multipart upload of {@code part_size}
 * parts, one part buffered at a time. Each file records its bucket in {@code storageData}.
 *
 * <p>This class holds the options, the connection, the buckets and the helpers the services share;
 * the services are {@link S3Uploader}, {@link S3Multipart}, {@link S3Reader} and {@link S3Manager}.
 */
final class S3Storage implements Storage, ContainerManagement {
    private static final Pattern PLAIN_MD5 = Pattern.compile("[0-9a-f]{32}");

    private final StorageSettings settings;
    private final S3Options options;
    private final S3Connection connection;
    private final Buckets buckets;
    private final S3Failures failures;
    private final Uploader uploader;
    private final StorageReader reader;
    private final Manager manager;
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
        this.uploader = new S3Uploader(this);
        this.reader = new S3Reader(this);
        this.manager = new S3Manager(this);
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

    /** The storage's prefix, part size, proxying and other options. */
    S3Options options() {
        return options;
    }

    /** The S3 clients (the plain and the streaming one) and the presigner. */
    S3Connection connection() {
        return connection;
    }

    /** Which bucket a file is read from and new files are written to. */
    Buckets buckets() {
        return buckets;
    }

    /** Turns SDK failures into FilesExceptions with the secrets masked. */
    S3Failures failures() {
        return failures;
    }

    /** The thread that sends the parts of the uploads the adapter splits itself. */
    ExecutorService partSender() {
        return partSender;
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

    Map<String, Object> bucketData(String bucket) {
        return Map.of(Buckets.BUCKET, bucket);
    }

    /** HEAD of an object, or {@code null} when it is missing. */
    HeadObjectResponse head(String bucket, String key, Location location) {
        try {
            return connection.client.headObject(h -> h.bucket(bucket).key(key));
        } catch (SdkException e) {
            if (S3Failures.isNotFound(e)) {
                return null;
            }
            throw failures.of("reading the metadata of " + location + " in bucket " + bucket, location, bucket, e);
        }
    }

    static String hashFromETag(HeadObjectResponse head, String algorithm) {
        String etag = head.eTag() == null ? "" : head.eTag().replace("\"", "");
        // A single-part object's ETag is its MD5 (without SSE-KMS); a multipart one's is not a content hash.
        return "md5".equalsIgnoreCase(algorithm) && PLAIN_MD5.matcher(etag).matches() ? etag : "";
    }

    /** Reads what is left of {@code in}: the host learns the upload ended (and its size was right). */
    static void drain(InputStream in) throws IOException {
        byte[] rest = new byte[8192];
        while (in.read(rest) >= 0) {
            // more than announced: the host's measured stream fails once it ends
        }
    }

    static ContentStreamProvider bytes(byte[] buffer, int length) {
        return () -> new ByteArrayInputStream(buffer, 0, length);
    }

    void removeQuietly(String bucket, String key, Throwable cause) {
        try {
            connection.client.deleteObject(d -> d.bucket(bucket).key(key));
        } catch (SdkException e) {
            cause.addSuppressed(failures.masked(e));
        }
    }

    void abortQuietly(String bucket, String key, String uploadId, Throwable cause) {
        try {
            connection.client.abortMultipartUpload(a -> a.bucket(bucket).key(key).uploadId(uploadId));
        } catch (SdkException e) {
            cause.addSuppressed(failures.masked(e));
        }
    }
}
