package dev.portalkit.runtime.files.managed;

import dev.portalkit.runtime.files.content.ContentTypes;
import dev.portalkit.runtime.files.content.Hashing;
import dev.portalkit.runtime.files.content.LocationRules;
import dev.portalkit.runtime.files.content.Streams;
import dev.portalkit.api.ErrorKind;
import dev.portalkit.api.files.Capability;
import dev.portalkit.api.files.FileData;
import dev.portalkit.api.files.FilesException;
import dev.portalkit.api.files.Location;
import dev.portalkit.api.files.MultipartData;
import dev.portalkit.api.files.StorageSettings;
import dev.portalkit.api.files.Upload;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.security.MessageDigest;

/**
 * Verification of multipart uploads: the announced size against {@code max_size} and the overwrite
 * rule at the start, each part within the announced size (part 1, the file's head, type-checked
 * before it is stored), and the assembled file's size, hash and detected type at completion; a
 * completed file that fails a check is removed. Callers checked the capability and the location.
 */
final class MultipartVerification {
    private final StorageSettings settings;
    private final AdapterAccess access;
    private final UploadMeasuring measuring;

    MultipartVerification(AdapterAccess access, UploadMeasuring measuring) {
        this.settings = access.settings();
        this.access = access;
        this.measuring = measuring;
    }

    MultipartData start(MultipartData data) {
        if (data.size() < 0) {
            throw new FilesException(ErrorKind.BAD_REQUEST, "a multipart upload needs its expected size");
        }
        measuring.checkDeclaredSize(data.size());
        if (!settings.overwriteExisting() && access.exists(data.location())) {
            throw FilesException.existingFile(access.name(), data.location());
        }
        return access.multipart().start(data);
    }

    MultipartData update(MultipartData data, int part, Upload content) {
        if (part < 1 || part > MultipartData.MAX_PARTS) {
            throw new FilesException(ErrorKind.BAD_REQUEST, "part number " + part + " is out of range 1.."
                    + MultipartData.MAX_PARTS);
        }
        long limit = Math.min(data.size(), measuring.maxSizeLimit());
        if (content.size() > limit) {
            throw measuring.tooLarge(limit);
        }
        // Part 1 holds the head of the file: its type is checked before it is stored.
        Upload named = new Upload() {
            @Override
            public String filename() {
                return LocationRules.fileName(data.location().value());
            }

            @Override
            public String contentType() {
                return data.contentType();
            }

            @Override
            public long size() {
                return content.size();
            }

            @Override
            public InputStream open() throws IOException {
                return content.open();
            }
        };
        MeasuredUpload measured = new MeasuredUpload(named, limit, measuring::tooLarge, null,
                part == 1 ? measuring.typeCheck() : null);
        return measured.hand(() -> access.multipart().update(data, part, measured));
    }

    /** Completes the upload at the adapter and verifies what it assembled at {@code location}. */
    FileData complete(MultipartData data, Location location) {
        FileData assembled = access.multipart().complete(data);
        try {
            long size;
            String hash;
            byte[] head;
            String received = receivedHash(data, assembled);
            if (!assembled.hash().isEmpty() && settings.hashingAlgorithm().equalsIgnoreCase(assembled.hashAlgorithm())) {
                size = assembled.size();
                hash = assembled.hash();
                head = head(assembled);
            } else if (received != null) {
                // The host hashed every byte it sent to the parts, in order: nothing to read back but the head.
                size = assembled.size();
                hash = received;
                head = head(assembled);
            } else {
                // Read the file back once: size, hash and head together.
                MessageDigest digest = measuring.digest();
                try (InputStream in = access.reader().stream(assembled)) {
                    head = in.readNBytes(ContentTypes.SNIFF_BYTES);
                    digest.update(head);
                    size = head.length + Streams.copy(in, OutputStream.nullOutputStream(), digest);
                } catch (IOException e) {
                    throw FilesException.backend(access.name(), "cannot read " + location + " back", e);
                }
                hash = Hashing.hex(digest);
            }
            if (size != data.size()) {
                throw new FilesException(ErrorKind.BAD_REQUEST, "multipart upload of " + location + " was announced with "
                        + data.size() + " bytes but its parts hold " + size);
            }
            if (settings.maxSize() > 0 && size > settings.maxSize()) {
                throw measuring.tooLarge(settings.maxSize());
            }
            if (!data.hash().isEmpty() && !data.hash().equalsIgnoreCase(hash)) {
                throw new FilesException(ErrorKind.CONFLICT, "multipart upload of " + location + " was announced with "
                        + settings.hashingAlgorithm() + " " + data.hash() + " but its content has " + hash);
            }
            String type = ContentTypes.detect(head, head.length, LocationRules.fileName(location.value()), data.contentType());
            if (!ContentTypes.accepted(type, settings.supportedTypes())) {
                throw FilesException.wrongType(access.name(), type, "the storage accepts " + String.join(" ", settings.supportedTypes()));
            }
            return new FileData(location, size, type, hash, settings.hashingAlgorithm(), assembled.storageData());
        } catch (RuntimeException e) {
            access.removeQuietly(location, e);
            throw e;
        }
    }

    /**
     * The hash the host noted of the bytes it sent ({@link Hashing#RECEIVED}), when it is in the
     * storage's algorithm and of as many bytes as the backend assembled; else {@code null}.
     */
    private String receivedHash(MultipartData data, FileData assembled) {
        if (data.storageData().get(Hashing.RECEIVED) instanceof java.util.Map<?, ?> noted
                && settings.hashingAlgorithm().equalsIgnoreCase(String.valueOf(noted.get("algorithm")))
                && noted.get("hash") instanceof String hash && !hash.isEmpty()
                && noted.get("size") instanceof Number size && size.longValue() == assembled.size()) {
            return hash;
        }
        return null;
    }

    /** The stored file's first bytes, for type detection. */
    private byte[] head(FileData data) {
        try (InputStream in = access.has(Capability.RANGE) ? access.reader().range(data, 0, ContentTypes.SNIFF_BYTES)
                : access.reader().stream(data)) {
            return in.readNBytes(ContentTypes.SNIFF_BYTES);
        } catch (IOException e) {
            throw FilesException.backend(access.name(), "cannot read " + data.location(), e);
        }
    }
}
