package dev.portalkit.storage.s3;

import static dev.portalkit.storage.s3.S3Storage.hashFromETag;

import dev.portalkit.api.files.Capability;
import dev.portalkit.api.files.FileData;
import dev.portalkit.api.files.FileStat;
import dev.portalkit.api.files.FilesException;
import dev.portalkit.api.files.Location;
import dev.portalkit.api.files.Manager;
import dev.portalkit.api.files.MultipartData;
import dev.portalkit.api.files.StorageSettings;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Request;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * Manages the objects of an S3 storage: removes, checks, copies (on the server, in parts over
 * 5 GiB), moves (copy, then remove), lists and analyzes them.
 */
final class S3Manager implements Manager {
    private final S3Storage storage;
    private final StorageSettings settings;
    private final S3Options options;
    private final S3Connection connection;
    private final Buckets buckets;
    private final S3Failures failures;

    S3Manager(S3Storage storage) {
        this.storage = storage;
        this.settings = storage.settings();
        this.options = storage.options();
        this.connection = storage.connection();
        this.buckets = storage.buckets();
        this.failures = storage.failures();
    }

    @Override
    public Set<Capability> capabilities() {
        return EnumSet.of(Capability.REMOVE, Capability.EXISTS, Capability.SCAN, Capability.ANALYZE, Capability.COPY,
                Capability.MOVE);
    }

    @Override
    public boolean remove(FileData data) {
        String key = storage.key(data.location());
        String bucket = buckets.forRead(data);
        if (storage.head(bucket, key, data.location()) == null) {
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
        return storage.head(buckets.forRead(data), storage.key(data.location()), data.location()) != null;
    }

    /** One HEAD: Content-Length and Last-Modified (a copy or move makes a new object, so it is when the bytes came here). */
    @Override
    public Optional<FileStat> stat(FileData data) {
        HeadObjectResponse head = storage.head(buckets.forRead(data), storage.key(data.location()), data.location());
        return head == null ? Optional.empty() : Optional.of(new FileStat(head.contentLength() == null ? -1 : head.contentLength(),
                head.lastModified()));
    }

    @Override
    public FileData copy(Location target, FileData source, boolean overwrite) {
        String sourceKey = storage.key(source.location());
        String targetKey = storage.key(target);
        String sourceBucket = buckets.forRead(source);
        String targetBucket = buckets.forWrite();
        HeadObjectResponse head = storage.head(sourceBucket, sourceKey, source.location());
        if (head == null) {
            throw FilesException.missingFile(settings.name(), source.location());
        }
        if (!overwrite && storage.head(targetBucket, targetKey, target) != null) {
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
                storage.bucketData(targetBucket));
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
            storage.abortQuietly(targetBucket, targetKey, uploadId, e);
            throw e;
        }
    }

    @Override
    public FileData move(Location target, FileData source, boolean overwrite) {
        FileData copied = copy(target, source, overwrite);
        String bucket = buckets.forRead(source);
        try {
            connection.client.deleteObject(d -> d.bucket(bucket).key(storage.key(source.location())));
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
        HeadObjectResponse head = storage.head(bucket, storage.key(location), location);
        if (head == null) {
            throw FilesException.missingFile(settings.name(), location);
        }
        String hash = hashFromETag(head, settings.hashingAlgorithm());
        return new FileData(location, head.contentLength(), head.contentType(), hash,
                hash.isEmpty() ? "" : settings.hashingAlgorithm(), storage.bucketData(bucket));
    }
}
