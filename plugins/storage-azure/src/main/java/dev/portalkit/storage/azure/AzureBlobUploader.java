package dev.portalkit.storage.azure;

import static dev.portalkit.storage.azure.AzureBlobStorage.randomToken;
import static dev.portalkit.storage.azure.AzureBlobStorage.blockId;
import static dev.portalkit.storage.azure.AzureBlobStorage.readFully;
import static dev.portalkit.storage.azure.AzureBlobStorage.uploadUnreadable;

import com.azure.core.util.BinaryData;
import com.azure.core.util.Context;
import com.azure.storage.blob.options.BlockBlobCommitBlockListOptions;
import com.azure.storage.blob.options.BlockBlobSimpleUploadOptions;
import com.azure.storage.blob.options.BlockBlobStageBlockOptions;
import com.azure.storage.blob.specialized.BlockBlobClient;
import dev.portalkit.api.files.Capability;
import dev.portalkit.api.files.FileData;
import dev.portalkit.api.files.Location;
import dev.portalkit.api.files.MultipartUploads;
import dev.portalkit.api.files.StorageSettings;
import dev.portalkit.api.files.Upload;
import dev.portalkit.api.files.Uploader;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Writes whole files to a {@code files:azure_blob} storage: in one request when they fit in a block,
 * otherwise as staged blocks committed as the block list. Multipart uploads are
 * {@link AzureBlobMultipart}'s job.
 */
final class AzureBlobUploader implements Uploader {
    private final AzureBlobStorage storage;
    private final StorageSettings settings;
    private final AzureBlobStorageFactory.AzureConnection connection;
    private final AzureBlobMultipart multipart;

    AzureBlobUploader(AzureBlobStorage storage) {
        this.storage = storage;
        this.settings = storage.settings();
        this.connection = storage.connection();
        this.multipart = new AzureBlobMultipart(storage);
    }

    @Override
    public Set<Capability> capabilities() {
        return EnumSet.of(Capability.CREATE, Capability.MULTIPART);
    }

    @Override
    public FileData upload(Location location, Upload upload, boolean overwrite) {
        BlockBlobClient blob = storage.blockBlob(location);
        MessageDigest digest = storage.digest();
        String token = randomToken();
        byte[] buffer = new byte[(int) connection.blockSize()];
        long size = 0;
        try (InputStream in = upload.open()) {
            int n = readFully(in, buffer);
            if (n < buffer.length) {
                // All of it fits in one block: one request (the service checks the MD5 sent with it).
                digest.update(buffer, 0, n);
                byte[] hash = digest.digest();
                BlockBlobSimpleUploadOptions options = new BlockBlobSimpleUploadOptions(BinaryData.fromByteBuffer(ByteBuffer.wrap(buffer, 0, n)))
                        .setHeaders(storage.headers(upload.contentType(), hash)).setMetadata(storage.hashMetadata(hash))
                        .setContentMd5(storage.md5() ? hash : null).setRequestConditions(storage.noOverwrite(overwrite));
                storage.call("upload", location, () -> blob.uploadWithResponse(options, null, Context.NONE));
                size = n;
            } else {
                List<String> blocks = new ArrayList<>();
                while (n > 0) {
                    digest.update(buffer, 0, n);
                    String id = blockId("up", token, blocks.size());
                    BinaryData data = BinaryData.fromByteBuffer(ByteBuffer.wrap(buffer, 0, n));
                    storage.call("upload", location, () -> blob.stageBlockWithResponse(new BlockBlobStageBlockOptions(id, data), null, Context.NONE));
                    blocks.add(id);
                    size += n;
                    if (n < buffer.length) {
                        break;
                    }
                    n = readFully(in, buffer);
                }
                byte[] hash = digest.digest();
                BlockBlobCommitBlockListOptions options = new BlockBlobCommitBlockListOptions(blocks)
                        .setHeaders(storage.headers(upload.contentType(), hash)).setMetadata(storage.hashMetadata(hash))
                        .setRequestConditions(storage.noOverwrite(overwrite));
                storage.call("upload", location, () -> blob.commitBlockListWithResponse(options, null, Context.NONE));
            }
            return new FileData(location, size, upload.contentType(), "", "", Map.of());
        } catch (IOException e) {
            // Nothing was committed: staged blocks stay uncommitted, invisible, and the service drops them.
            throw uploadUnreadable(settings.name(), location, e);
        }
    }

    @Override
    public Optional<MultipartUploads> multipart() {
        return Optional.of(multipart);
    }
}
