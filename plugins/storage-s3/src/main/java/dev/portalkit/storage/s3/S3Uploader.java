package dev.portalkit.storage.s3;

import static dev.portalkit.storage.s3.S3Storage.drain;
import static dev.portalkit.storage.s3.S3Storage.bytes;

import dev.portalkit.api.ErrorKind;
import dev.portalkit.api.files.Capability;
import dev.portalkit.api.files.FileData;
import dev.portalkit.api.files.FilesException;
import dev.portalkit.api.files.Location;
import dev.portalkit.api.files.MultipartData;
import dev.portalkit.api.files.MultipartUploads;
import dev.portalkit.api.files.StorageSettings;
import dev.portalkit.api.files.Upload;
import dev.portalkit.api.files.Uploader;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.model.CompletedPart;

/**
 * Writes whole files to an S3 storage: a known size of up to 5 GiB as one PUT fed straight from the
 * upload, anything else as a multipart upload the adapter makes itself, one part buffered while
 * the other is sent. Multipart uploads the host drives are {@link S3Multipart}'s job.
 */
final class S3Uploader implements Uploader {
    private final S3Storage storage;
    private final StorageSettings settings;
    private final S3Options options;
    private final S3Connection connection;
    private final Buckets buckets;
    private final S3Failures failures;
    private final ExecutorService partSender;
    private final S3Multipart multipart;

    S3Uploader(S3Storage storage) {
        this.storage = storage;
        this.settings = storage.settings();
        this.options = storage.options();
        this.connection = storage.connection();
        this.buckets = storage.buckets();
        this.failures = storage.failures();
        this.partSender = storage.partSender();
        this.multipart = new S3Multipart(storage);
    }

    @Override
    public Set<Capability> capabilities() {
        return EnumSet.of(Capability.CREATE, Capability.MULTIPART);
    }

    @Override
    public FileData upload(Location location, Upload upload, boolean overwrite) {
        String key = storage.key(location);
        String bucket = buckets.forWrite();
        if (!overwrite && storage.head(bucket, key, location) != null) {
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
                    storage.removeQuietly(bucket, key, e);
                    throw e;
                }
                size = declared;
            } else {
                size = uploadInParts(bucket, key, type, in, declared);
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
        return new FileData(location, size, type, "", "", storage.bucketData(bucket));
    }

    /**
     * Streams {@code in} as a multipart upload (a single PUT when it fits one part); returns the
     * size. Two part buffers: while one part is sent (on the storage's part thread), the next is
     * read from the upload, so reading (and the host's hashing) overlaps the network.
     */
    private long uploadInParts(String bucket, String key, String type, InputStream in, long declared) throws IOException {
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
            storage.abortQuietly(bucket, key, uploadId, e);
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
    public Optional<MultipartUploads> multipart() {
        return Optional.of(multipart);
    }
}
