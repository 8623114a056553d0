package dev.portalkit.runtime.files.managed;

import dev.portalkit.runtime.files.content.Hashing;
import dev.portalkit.runtime.files.content.Streams;
import dev.portalkit.api.ErrorKind;
import dev.portalkit.api.files.FileData;
import dev.portalkit.api.files.FilesException;
import dev.portalkit.api.files.Location;
import dev.portalkit.api.files.StorageSettings;
import dev.portalkit.api.files.Upload;
import java.security.MessageDigest;
import java.util.Optional;

/**
 * Measuring of what a managed storage is given: the {@code max_size} limit, the hash in the
 * storage's {@code hashing_algorithm} and the detected type against {@code supported_types}, all
 * taken while the content streams through the adapter ({@link MeasuredUpload}); a failure the
 * stream raised wins over what the adapter made of it, and what it wrote is removed.
 */
final class UploadMeasuring {
    private final StorageSettings settings;
    private final AdapterAccess access;

    UploadMeasuring(AdapterAccess access) {
        this.settings = access.settings();
        this.access = access;
    }

    /** {@code max_size}, or no limit. */
    long maxSizeLimit() {
        return settings.maxSize() > 0 ? settings.maxSize() : Long.MAX_VALUE;
    }

    FilesException tooLarge(long limit) {
        return FilesException.tooLarge(access.name(), limit);
    }

    /** Refuses a declared size over {@code max_size} before a byte moves. */
    void checkDeclaredSize(long size) {
        if (settings.maxSize() > 0 && size > settings.maxSize()) {
            throw tooLarge(settings.maxSize());
        }
    }

    MessageDigest digest() {
        return Hashing.digest(settings.hashingAlgorithm());
    }

    /** The storage's {@code supported_types} check of a detected type. */
    MeasuredUpload.TypeCheck typeCheck() {
        return new MeasuredUpload.TypeCheck(access.name(), settings.supportedTypes());
    }

    /**
     * Streams {@code upload} through the adapter to {@code location}, measured: size up to
     * {@code max_size}, type by {@code typeCheck}, and the hash unless a local upload was hashed
     * while it was written.
     */
    FileData upload(Location location, Upload upload, boolean replace, MeasuredUpload.TypeCheck typeCheck) {
        // A local upload hashed while it was written is not hashed again while the adapter copies it.
        Optional<String> known = upload instanceof LocalUpload local ? local.hash(settings.hashingAlgorithm()) : Optional.empty();
        MeasuredUpload measured = new MeasuredUpload(upload, maxSizeLimit(), this::tooLarge,
                known.isPresent() ? null : digest(), typeCheck);
        FileData stored = store(location, measured, replace);
        return new FileData(location, measured.count(), measured.contentType(), known.orElseGet(measured::hash),
                settings.hashingAlgorithm(), stored.storageData());
    }

    /** Hands a measured upload to the adapter; a failure the stream raised wins over what the adapter made of it. */
    FileData store(Location location, MeasuredUpload measured, boolean replace) {
        FileData stored;
        try {
            stored = access.uploader().upload(location, measured, replace);
        } catch (RuntimeException e) {
            throw measured.failureOr(e);
        }
        FilesException failure = measured.failure();
        if (failure != null) {
            // The adapter swallowed the failure: what it wrote is not the upload.
            access.removeQuietly(location, failure);
            throw failure;
        }
        if (!measured.ended()) {
            FilesException e = new FilesException(ErrorKind.INTERNAL, "adapter " + settings.type() + " of storage " + access.name()
                    + " did not read the upload to its end");
            access.removeQuietly(location, e);
            throw e;
        }
        return stored;
    }
}
