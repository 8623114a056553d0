package dev.portalkit.storage.s3;


import dev.portalkit.api.ErrorKind;
import dev.portalkit.api.files.Capability;
import dev.portalkit.api.files.Delivery;
import dev.portalkit.api.files.FileData;
import dev.portalkit.api.files.FilesException;
import dev.portalkit.api.files.StorageReader;
import dev.portalkit.api.files.StorageSettings;
import java.io.InputStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Set;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.s3.model.GetObjectRequest;
import software.amazon.awssdk.services.s3.presigner.model.GetObjectPresignRequest;

/** Reads objects of an S3 storage, whole or by byte range, and makes public, presigned and nginx links to them. */
final class S3Reader implements StorageReader {
    private final S3Storage storage;
    private final StorageSettings settings;
    private final S3Options options;
    private final S3Connection connection;
    private final Buckets buckets;
    private final S3Failures failures;

    S3Reader(S3Storage storage) {
        this.storage = storage;
        this.settings = storage.settings();
        this.options = storage.options();
        this.connection = storage.connection();
        this.buckets = storage.buckets();
        this.failures = storage.failures();
    }

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
            if (storage.head(bucket, storage.key(data.location()), data.location()) == null) {
                throw FilesException.missingFile(settings.name(), data.location());
            }
            return InputStream.nullInputStream();
        }
        return get(data, "bytes=" + start + "-" + (end - 1));
    }

    private InputStream get(FileData data, String range) {
        String key = storage.key(data.location());
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
        String key = storage.key(data.location());
        try {
            return connection.client.utilities().getUrl(g -> g.bucket(bucket).key(key)).toURI();
        } catch (URISyntaxException e) {
            throw FilesException.backend(settings.name(), "cannot make a public link to " + data.location(), e);
        }
    }

    @Override
    public URI temporalLink(FileData data, Duration ttl, String filename) {
        String bucket = buckets.forRead(data);
        String key = storage.key(data.location());
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
