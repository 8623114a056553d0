package dev.portalkit.storage.azure;

import static dev.portalkit.storage.azure.AzureBlobStorage.LIST_PAGE;
import static dev.portalkit.storage.azure.AzureBlobStorage.RESERVED;

import com.azure.core.http.rest.PagedIterable;
import com.azure.core.util.Context;
import com.azure.core.util.polling.PollResponse;
import com.azure.core.util.polling.SyncPoller;
import com.azure.storage.blob.BlobClient;
import com.azure.storage.blob.models.BlobCopyInfo;
import com.azure.storage.blob.models.BlobItem;
import com.azure.storage.blob.models.BlobProperties;
import com.azure.storage.blob.models.BlobStorageException;
import com.azure.storage.blob.models.CopyStatusType;
import com.azure.storage.blob.models.DeleteSnapshotsOptionType;
import com.azure.storage.blob.models.ListBlobsOptions;
import com.azure.storage.blob.options.BlobBeginCopyOptions;
import com.azure.storage.blob.sas.BlobSasPermission;
import com.azure.storage.blob.sas.BlobServiceSasSignatureValues;
import dev.portalkit.api.ErrorKind;
import dev.portalkit.api.files.Capability;
import dev.portalkit.api.files.FileData;
import dev.portalkit.api.files.FileStat;
import dev.portalkit.api.files.FilesException;
import dev.portalkit.api.files.Location;
import dev.portalkit.api.files.Manager;
import dev.portalkit.api.files.StorageSettings;
import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

/**
 * Manages the blobs of a {@code files:azure_blob} storage: removes, checks, copies (on the service),
 * moves (copy, then remove), lists and analyzes them.
 */
final class AzureBlobManager implements Manager {
    private final AzureBlobStorage storage;
    private final StorageSettings settings;
    private final AzureBlobStorageFactory.AzureConnection connection;

    AzureBlobManager(AzureBlobStorage storage) {
        this.storage = storage;
        this.settings = storage.settings();
        this.connection = storage.connection();
    }

    @Override
    public Set<Capability> capabilities() {
        return EnumSet.of(Capability.REMOVE, Capability.EXISTS, Capability.ANALYZE, Capability.SCAN, Capability.COPY, Capability.MOVE);
    }

    @Override
    public boolean remove(FileData data) {
        BlobClient blob = storage.blob(data.location());
        return storage.call("remove", data.location(), () -> blob.deleteIfExistsWithResponse(DeleteSnapshotsOptionType.INCLUDE, null, null,
                Context.NONE).getValue());
    }

    @Override
    public boolean exists(FileData data) {
        BlobClient blob = storage.blob(data.location());
        return storage.call("check", data.location(), blob::exists);
    }

    /** The blob's properties: size and Last-Modified (a copy makes a new blob, so it is when the bytes came here). */
    @Override
    public Optional<FileStat> stat(FileData data) {
        BlobClient blob = storage.blob(data.location());
        if (!storage.call("check", data.location(), blob::exists)) {
            return Optional.empty();
        }
        BlobProperties properties = storage.call("stat", data.location(), blob::getProperties);
        return Optional.of(new FileStat(properties.getBlobSize(),
                properties.getLastModified() == null ? null : properties.getLastModified().toInstant()));
    }

    @Override
    public FileData copy(Location target, FileData source, boolean overwrite) {
        BlobClient from = storage.blob(source.location());
        BlobClient to = storage.blob(target);
        String url = from.getBlobUrl() + sourceAuthorization(from);
        BlobBeginCopyOptions options = new BlobBeginCopyOptions(url).setPollInterval(Duration.ofMillis(250))
                .setDestinationRequestConditions(storage.noOverwrite(overwrite));
        try {
            SyncPoller<BlobCopyInfo, Void> poller = to.beginCopy(options);
            PollResponse<BlobCopyInfo> done = poller.waitForCompletion();
            BlobCopyInfo info = done.getValue();
            if (info != null && info.getCopyStatus() != null && info.getCopyStatus() != CopyStatusType.SUCCESS) {
                throw new FilesException(ErrorKind.TRANSIENT, "storage " + settings.name() + ": copying " + source.location() + " to "
                        + target + " ended " + info.getCopyStatus());
            }
        } catch (BlobStorageException e) {
            if (e.getStatusCode() == 404 && !Boolean.TRUE.equals(storage.call("check", source.location(), from::exists))) {
                throw FilesException.missingFile(settings.name(), source.location());
            }
            throw AzureFailures.of(settings.name(), "copy " + source.location() + " to", target, e, connection);
        } catch (RuntimeException e) {
            throw AzureFailures.of(settings.name(), "copy " + source.location() + " to", target, e, connection);
        }
        return describe(target, storage.call("check", target, to::getProperties));
    }

    /** The query that lets the service read the source of a copy. */
    private String sourceAuthorization(BlobClient source) {
        if (storage.canSign()) {
            OffsetDateTime now = OffsetDateTime.now(storage.clock()).withOffsetSameInstant(ZoneOffset.UTC);
            return "?" + source.generateSas(new BlobServiceSasSignatureValues(now.plusHours(1),
                    new BlobSasPermission().setReadPermission(true)).setStartTime(now.minusMinutes(5)));
        }
        return connection.sasToken() == null ? "" : "?" + connection.sasToken();
    }

    @Override
    public FileData move(Location target, FileData source, boolean overwrite) {
        FileData copied = copy(target, source, overwrite);
        remove(source);
        return copied;
    }

    @Override
    public Stream<Location> scan() {
        String prefix = connection.prefix();
        String reserved = prefix + RESERVED;
        PagedIterable<BlobItem> items = storage.call("list", null, () -> storage.containerClient().listBlobs(
                new ListBlobsOptions().setPrefix(prefix.isEmpty() ? null : prefix).setMaxResultsPerPage(LIST_PAGE), null));
        Iterator<BlobItem> all = storage.call("list", null, items::iterator);
        Iterator<Location> locations = new Iterator<>() {
            @Override
            public boolean hasNext() {
                return storage.call("list", null, all::hasNext);
            }

            @Override
            public Location next() {
                return new Location(storage.call("list", null, all::next).getName().substring(prefix.length()));
            }
        };
        return StreamSupport.stream(Spliterators.spliteratorUnknownSize(locations, Spliterator.ORDERED | Spliterator.NONNULL), false)
                .filter(l -> !(prefix + l.value()).startsWith(reserved));
    }

    @Override
    public FileData analyze(Location location) {
        BlobClient blob = storage.blob(location);
        return describe(location, storage.call("analyze", location, blob::getProperties));
    }

    /** A stored blob as FileData: from its properties, and its content only when it carries no hash of ours. */
    private FileData describe(Location location, BlobProperties properties) {
        String hash = storage.storedHash(properties);
        if (hash == null) {
            MessageDigest digest = storage.digest();
            try (InputStream in = storage.reader().stream(FileData.of(location))) {
                byte[] buffer = new byte[1 << 16];
                int n;
                while ((n = in.read(buffer)) >= 0) {
                    digest.update(buffer, 0, n);
                }
            } catch (IOException e) {
                throw FilesException.backend(settings.name(), "cannot read " + location, e);
            }
            hash = HexFormat.of().formatHex(digest.digest());
        }
        return new FileData(location, properties.getBlobSize(), properties.getContentType(), hash,
                settings.hashingAlgorithm(), Map.of());
    }
}
