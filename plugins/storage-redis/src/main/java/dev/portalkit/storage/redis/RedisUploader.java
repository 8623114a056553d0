package dev.portalkit.storage.redis;

import dev.portalkit.api.ErrorKind;
import dev.portalkit.api.files.Capability;
import dev.portalkit.api.files.FileData;
import dev.portalkit.api.files.FilesException;
import dev.portalkit.api.files.Location;
import dev.portalkit.api.files.MultipartUploads;
import dev.portalkit.api.files.StorageSettings;
import dev.portalkit.api.files.Upload;
import dev.portalkit.api.files.Uploader;
import dev.portalkit.storage.redis.RedisStorage.Staged;
import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Writes whole files to a {@code files:redis} storage: the content into a staging string, committed
 * as the file with its meta hash by one atomic script. Multipart uploads are {@link RedisMultipart}'s job.
 */
final class RedisUploader implements Uploader {
    private final RedisStorage storage;
    private final StorageSettings settings;
    private final RedisStorageFactory.RedisConnection connection;
    private final RedisMultipart multipart;

    RedisUploader(RedisStorage storage) {
        this.storage = storage;
        this.settings = storage.settings();
        this.connection = storage.connection();
        this.multipart = new RedisMultipart(storage);
    }

    @Override
    public Set<Capability> capabilities() {
        return EnumSet.of(Capability.CREATE, Capability.MULTIPART);
    }

    @Override
    public FileData upload(Location location, Upload upload, boolean overwrite) {
        storage.fileKey(location);
        MessageDigest digest = storage.digest();
        Staged segment;
        try (InputStream in = upload.open()) {
            segment = storage.writeStaged("upload", location, in, digest);
        } catch (IOException e) {
            throw new FilesException(ErrorKind.TRANSIENT, "storage " + settings.name() + ": cannot read the content for "
                    + location + ": " + e.getMessage(), e);
        }
        String hash = HexFormat.of().formatHex(digest.digest());
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put("content_type", upload.contentType());
        fields.put("hash", hash);
        fields.put("hash_algorithm", settings.hashingAlgorithm());
        long result;
        try {
            result = storage.commit("upload", location, overwrite, segment, fields, null);
        } catch (RuntimeException e) {
            storage.unlinkStaged(List.of(segment));
            throw e;
        }
        if (result != 1) {
            storage.unlinkStaged(List.of(segment));
            throw result == 0 ? FilesException.existingFile(settings.name(), location) : storage.expired(location);
        }
        return new FileData(location, segment.size(), upload.contentType(), hash, settings.hashingAlgorithm(), Map.of());
    }

    @Override
    public Optional<MultipartUploads> multipart() {
        return Optional.of(multipart);
    }
}
