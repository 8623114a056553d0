package dev.portalkit.storage.azure;

import static dev.portalkit.storage.azure.AzureBlobStorage.randomToken;
import static dev.portalkit.storage.azure.AzureBlobStorage.blockId;
import static dev.portalkit.storage.azure.AzureBlobStorage.decodeBlockId;
import static dev.portalkit.storage.azure.AzureBlobStorage.readFully;
import static dev.portalkit.storage.azure.AzureBlobStorage.uploadUnreadable;
import static dev.portalkit.storage.azure.AzureBlobStorage.MULTIPART_MARKERS;

import com.azure.core.util.BinaryData;
import com.azure.core.util.Context;
import com.azure.storage.blob.BlobClient;
import com.azure.storage.blob.models.BlobHttpHeaders;
import com.azure.storage.blob.models.BlobRequestConditions;
import com.azure.storage.blob.models.BlobStorageException;
import com.azure.storage.blob.models.Block;
import com.azure.storage.blob.models.BlockListType;
import com.azure.storage.blob.models.DeleteSnapshotsOptionType;
import com.azure.storage.blob.options.BlockBlobCommitBlockListOptions;
import com.azure.storage.blob.options.BlockBlobSimpleUploadOptions;
import com.azure.storage.blob.options.BlockBlobStageBlockOptions;
import com.azure.storage.blob.sas.BlobSasPermission;
import com.azure.storage.blob.sas.BlobServiceSasSignatureValues;
import com.azure.storage.blob.specialized.BlockBlobClient;
import com.azure.storage.common.sas.SasProtocol;
import dev.portalkit.api.ErrorKind;
import dev.portalkit.api.files.DirectParts;
import dev.portalkit.api.files.FileData;
import dev.portalkit.api.files.FilesException;
import dev.portalkit.api.files.Location;
import dev.portalkit.api.files.MultipartData;
import dev.portalkit.api.files.MultipartUploads;
import dev.portalkit.api.files.StorageSettings;
import dev.portalkit.api.files.Upload;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Multipart uploads to a {@code files:azure_blob} storage: each part is a block staged under an id
 * made of the upload's id and the part number, committed as the block list at completion; the
 * upload's marker blob tells live uploads from completed or aborted ones.
 */
final class AzureBlobMultipart implements MultipartUploads {
    private static final String UPLOAD_ID = "upload_id";

    private final AzureBlobStorage storage;
    private final StorageSettings settings;
    private final AzureBlobStorageFactory.AzureConnection connection;

    AzureBlobMultipart(AzureBlobStorage storage) {
        this.storage = storage;
        this.settings = storage.settings();
        this.connection = storage.connection();
    }

    @Override
    public MultipartData start(MultipartData data) {
        storage.blobName(data.location());
        String id = randomToken();
        BlockBlobClient marker = storage.containerClient().getBlobClient(connection.prefix() + MULTIPART_MARKERS + id).getBlockBlobClient();
        byte[] state = ("location=" + data.location().value() + "\nsize=" + data.size() + "\n").getBytes(StandardCharsets.UTF_8);
        storage.call("start a multipart upload of", data.location(), () -> marker.uploadWithResponse(
                new BlockBlobSimpleUploadOptions(BinaryData.fromBytes(state)).setHeaders(new BlobHttpHeaders().setContentType("text/plain"))
                        .setMetadata(Map.of("portalkit_location", java.net.URLEncoder.encode(data.location().value(), StandardCharsets.UTF_8))),
                null, Context.NONE));
        return data.withStorageData(Map.of(UPLOAD_ID, id));
    }

    private String uploadId(MultipartData data) {
        Object id = data.storageData().get(UPLOAD_ID);
        if (!(id instanceof String s) || !s.matches("[0-9a-f]{16}")) {
            throw new FilesException(ErrorKind.BAD_REQUEST, "multipart upload of " + data.location() + " has no valid " + UPLOAD_ID);
        }
        return s;
    }

    private BlockBlobClient marker(String id) {
        return storage.containerClient().getBlobClient(connection.prefix() + MULTIPART_MARKERS + id).getBlockBlobClient();
    }

    private void requireOpen(MultipartData data, String id) {
        if (!storage.call("check the multipart upload of", data.location(), () -> marker(id).exists())) {
            throw new FilesException(ErrorKind.NOT_FOUND, "multipart upload " + id + " of " + data.location()
                    + " does not exist in storage " + settings.name() + " (completed or aborted)");
        }
    }

    @Override
    public MultipartData update(MultipartData data, int part, Upload content) {
        String id = uploadId(data);
        BlockBlobClient blob = storage.blockBlob(data.location());
        requireOpen(data, id);
        String blockId = blockId("mp", id, part);
        byte[] buffer = new byte[(int) Math.min(connection.blockSize(), content.size() >= 0 ? Math.max(content.size(), 1) : connection.blockSize())];
        Path spool = null;
        try (InputStream in = content.open()) {
            int n = readFully(in, buffer);
            int next = n < buffer.length ? -1 : in.read();
            BinaryData body;
            if (next < 0) {
                body = BinaryData.fromByteBuffer(ByteBuffer.wrap(buffer, 0, n));
            } else {
                // Larger than a block buffer: spool to disk, so that retries can replay it without memory.
                spool = Files.createTempFile("portalkit-azure-part-", ".tmp");
                try (OutputStream out = Files.newOutputStream(spool)) {
                    out.write(buffer, 0, n);
                    out.write(next);
                    long more = in.transferTo(out);
                    if (n + 1 + more > AzureBlobStorageFactory.MAX_BLOCK_SIZE) {
                        throw new FilesException(ErrorKind.TOO_LARGE, "storage " + settings.name()
                                + ": a part of a multipart upload holds at most 4000 MiB");
                    }
                }
                body = BinaryData.fromFile(spool);
            }
            BinaryData part0 = body;
            storage.call("upload part " + part + " of", data.location(),
                    () -> blob.stageBlockWithResponse(new BlockBlobStageBlockOptions(blockId, part0), null, Context.NONE));
            return data;
        } catch (IOException e) {
            throw uploadUnreadable(settings.name(), data.location(), e);
        } finally {
            if (spool != null) {
                try {
                    Files.deleteIfExists(spool);
                } catch (IOException ignored) {
                    // a temporary file; the OS cleans its temporary folder
                }
            }
        }
    }

    /**
     * SAS URLs for Put Block of each part's block (the id {@link #update} gives it, so {@link #complete}
     * commits it), when the storage has a shared key to sign with.
     */
    @Override
    public Optional<DirectParts> direct() {
        if (!storage.canSign()) {
            return Optional.empty();
        }
        return Optional.of(new DirectParts() {
            @Override
            public List<SignedPart> sign(MultipartData data, List<Integer> parts) {
                return signParts(data, parts);
            }

            @Override
            public List<StoredPart> stored(MultipartData data) {
                List<StoredPart> out = new ArrayList<>();
                stagedBlocks(data).forEach((n, block) -> out.add(new StoredPart(n.intValue(), block.getSizeLong(), "")));
                return out;
            }

            @Override
            public List<String> origins() {
                return List.of(DirectParts.originOf(URI.create(storage.containerClient().getBlobContainerUrl())));
            }
        });
    }

    private List<DirectParts.SignedPart> signParts(MultipartData data, List<Integer> numbers) {
        String id = uploadId(data);
        BlobClient blob = storage.blob(data.location());
        OffsetDateTime now = OffsetDateTime.now(storage.clock()).withOffsetSameInstant(ZoneOffset.UTC);
        OffsetDateTime expires = now.plus(connection.directUrlLifetime());
        BlobServiceSasSignatureValues values = new BlobServiceSasSignatureValues(expires, new BlobSasPermission().setWritePermission(true))
                // a little slack for clocks that run behind the service's
                .setStartTime(now.minusMinutes(5))
                .setProtocol(connection.endpoint().startsWith("https:") ? SasProtocol.HTTPS_ONLY : SasProtocol.HTTPS_HTTP);
        String sas = storage.call("sign the parts of", data.location(), () -> blob.generateSas(values));
        List<DirectParts.SignedPart> out = new ArrayList<>(numbers.size());
        for (int n : numbers) {
            URI url = URI.create(blob.getBlobUrl() + "?comp=block&blockid="
                    + URLEncoder.encode(blockId("mp", id, n), StandardCharsets.UTF_8) + "&" + sas);
            out.add(new DirectParts.SignedPart(n, url, "PUT", Map.of(), expires.toInstant()));
        }
        return out;
    }

    /** The blocks staged for the upload's parts, by part number (none before the first arrives). */
    private TreeMap<Long, Block> stagedBlocks(MultipartData data) {
        String mine = "mp-" + uploadId(data) + "-";
        BlockBlobClient blob = storage.blockBlob(data.location());
        TreeMap<Long, Block> parts = new TreeMap<>();
        List<Block> uncommitted = storage.call("list the parts of", data.location(), () -> {
            try {
                return blob.listBlocks(BlockListType.UNCOMMITTED).getUncommittedBlocks();
            } catch (BlobStorageException e) {
                if (e.getStatusCode() == 404) {
                    return List.<Block>of(); // no block staged yet: the service knows no blob there
                }
                throw e;
            }
        });
        for (Block block : uncommitted == null ? List.<Block>of() : uncommitted) {
            String raw = decodeBlockId(block.getName());
            if (raw.startsWith(mine)) {
                parts.put(Long.parseLong(raw.substring(mine.length())), block);
            }
        }
        return parts;
    }

    @Override
    public FileData complete(MultipartData data) {
        String id = uploadId(data);
        BlockBlobClient blob = storage.blockBlob(data.location());
        requireOpen(data, id);
        TreeMap<Long, Block> parts = stagedBlocks(data);
        List<Long> missing = new ArrayList<>();
        long last = parts.isEmpty() ? 0 : parts.lastKey();
        for (long p = 1; p <= last; p++) {
            if (!parts.containsKey(p)) {
                missing.add(p);
            }
        }
        if (!missing.isEmpty() || (parts.isEmpty() && data.size() > 0)) {
            throw new FilesException(ErrorKind.BAD_REQUEST, "multipart upload of " + data.location() + " misses "
                    + (parts.isEmpty() ? "every part" : "part(s) " + missing));
        }
        long size = 0;
        List<String> ids = new ArrayList<>();
        for (Map.Entry<Long, Block> e : parts.entrySet()) {
            ids.add(blockId("mp", id, e.getKey()));
            size += e.getValue().getSizeLong();
        }
        BlockBlobCommitBlockListOptions options = new BlockBlobCommitBlockListOptions(ids)
                .setHeaders(storage.headers(data.contentType(), null))
                .setRequestConditions(storage.noOverwrite(settings.overwriteExisting()));
        storage.call("complete the multipart upload of", data.location(), () -> blob.commitBlockListWithResponse(options, null, Context.NONE));
        storage.call("finish the multipart upload of", data.location(), () -> marker(id).deleteIfExists());
        // No hash: the host reads the assembled blob back once and computes its own.
        return new FileData(data.location(), size, data.contentType(), "", "", Map.of());
    }

    @Override
    public void abort(MultipartData data) {
        String id = uploadId(data);
        BlockBlobClient blob = storage.blockBlob(data.location());
        storage.call("abort the multipart upload of", data.location(), () -> marker(id).deleteIfExists());
        discardStagedBlocks(blob, data.location());
    }

    /**
     * Frees the staged (uncommitted) blocks at a location where no blob is committed: committing
     * a block list drops every staged block it does not name, so an empty list is committed
     * (only if still no blob is there) and the empty blob deleted again (only if unchanged). Where a blob is committed, its staged
     * blocks cannot be dropped without rewriting it; the service discards them within a week.
     */
    private void discardStagedBlocks(BlockBlobClient blob, Location location) {
        if (storage.call("check the blob of", location, blob::exists)) {
            return;
        }
        try {
            String etag = blob.commitBlockListWithResponse(new BlockBlobCommitBlockListOptions(List.of())
                    .setRequestConditions(new BlobRequestConditions().setIfNoneMatch("*")), null, Context.NONE).getValue().getETag();
            blob.deleteIfExistsWithResponse(DeleteSnapshotsOptionType.INCLUDE, new BlobRequestConditions().setIfMatch(etag),
                    null, Context.NONE);
        } catch (BlobStorageException e) {
            if (e.getStatusCode() != 409 && e.getStatusCode() != 412) {
                throw AzureFailures.of(settings.name(), "discard the staged parts of", location, e, connection);
            }
            // A blob was committed there meanwhile: it is someone's file, left alone.
        }
    }
}
