package dev.portalkit.storage.azure;

import com.azure.core.http.HttpClient;
import com.azure.core.http.rest.PagedIterable;
import com.azure.core.util.BinaryData;
import com.azure.core.util.Context;
import com.azure.core.util.polling.PollResponse;
import com.azure.core.util.polling.SyncPoller;
import com.azure.storage.blob.BlobClient;
import com.azure.storage.blob.BlobContainerClient;
import com.azure.storage.blob.BlobServiceClient;
import com.azure.storage.blob.models.BlobCopyInfo;
import com.azure.storage.blob.models.BlobCorsRule;
import com.azure.storage.blob.models.BlobHttpHeaders;
import com.azure.storage.blob.models.BlobItem;
import com.azure.storage.blob.models.BlobProperties;
import com.azure.storage.blob.models.BlobRange;
import com.azure.storage.blob.models.BlobRequestConditions;
import com.azure.storage.blob.models.BlobServiceProperties;
import com.azure.storage.blob.models.BlobStorageException;
import com.azure.storage.blob.models.Block;
import com.azure.storage.blob.models.BlockListType;
import com.azure.storage.blob.models.CopyStatusType;
import com.azure.storage.blob.models.DeleteSnapshotsOptionType;
import com.azure.storage.blob.models.ListBlobsOptions;
import com.azure.storage.blob.models.PublicAccessType;
import com.azure.storage.blob.options.BlobBeginCopyOptions;
import com.azure.storage.blob.options.BlobContainerCreateOptions;
import com.azure.storage.blob.options.BlobInputStreamOptions;
import com.azure.storage.blob.options.BlockBlobCommitBlockListOptions;
import com.azure.storage.blob.options.BlockBlobSimpleUploadOptions;
import com.azure.storage.blob.options.BlockBlobStageBlockOptions;
import com.azure.storage.blob.sas.BlobSasPermission;
import com.azure.storage.blob.sas.BlobServiceSasSignatureValues;
import com.azure.storage.blob.specialized.BlockBlobClient;
import com.azure.storage.common.sas.SasProtocol;
import dev.portalkit.api.ErrorKind;
import dev.portalkit.api.PortalException;
import dev.portalkit.api.files.Capability;
import dev.portalkit.api.files.ContainerManagement;
import dev.portalkit.api.files.Delivery;
import dev.portalkit.api.files.FileData;
import dev.portalkit.api.files.FileStat;
import dev.portalkit.api.files.FilesException;
import dev.portalkit.api.files.Hashes;
import dev.portalkit.api.files.Location;
import dev.portalkit.api.files.Manager;
import dev.portalkit.api.files.MultipartData;
import dev.portalkit.api.files.StorageReader;
import dev.portalkit.api.files.Storage;
import dev.portalkit.api.files.StorageSettings;
import dev.portalkit.api.files.Upload;
import dev.portalkit.api.files.Uploader;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.TreeMap;
import java.util.function.Supplier;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

/**
 * One {@code files:azure_blob} storage: a location is the blob {@code <prefix><location>} in the
 * container. Uploads go in blocks of {@code block_size} (staged, then committed as the block list,
 * so a failed upload commits nothing); small files in one request. The adapter hashes what it
 * sends with the storage's algorithm and keeps the hash with the blob (Content-MD5 for md5,
 * metadata {@code portalkit_<algorithm>} otherwise) so {@link Manager#analyze} answers from the
 * blob's properties.
 *
 * <p>Multipart uploads stage each part as one block with an id made of the upload's id and the
 * part number (a part sent again replaces its block) and commit the list at completion; the
 * upload's marker blob {@code <prefix>.portalkit/multipart/<id>} tells live uploads from completed
 * or aborted ones. {@code .portalkit/} is reserved: no location starts with it and scans skip it.
 */
final class AzureBlobStorage implements Storage, ContainerManagement {
    /** Blobs that hold the adapter's own state, under the storage's prefix. */
    static final String RESERVED = ".portalkit/";
    static final String MULTIPART_MARKERS = RESERVED + "multipart/";
    /** Page size of listings (as S3's); the service pages with continuation tokens. */
    static final int LIST_PAGE = 1000;
    /** Ranges up to this size are fetched in one request into memory; larger ones stream in blocks. */
    private static final int SMALL_RANGE = 1 << 20;
    private static final int READ_BLOCK = 4 << 20;
    private static final String UPLOAD_ID = "upload_id";
    private static final SecureRandom RANDOM = new SecureRandom();

    private final StorageSettings settings;
    private final AzureBlobStorageFactory.AzureConnection connection;
    private final Clock clock;
    private final HttpClient http;
    private final BlobServiceClient service;
    private final BlobContainerClient container;
    private final Uploader uploader = new BlobUploader();
    private final StorageReader reader = new BlobReader();
    private final Manager manager = new BlobManager();

    AzureBlobStorage(StorageSettings settings, AzureBlobStorageFactory.AzureConnection connection, Clock clock) {
        this.settings = settings;
        this.connection = connection;
        this.clock = clock;
        this.http = AzureBlobStorageFactory.AzureConnection.httpClient();
        this.service = connection.serviceClient(http);
        this.container = service.getBlobContainerClient(connection.container());
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

    @Override
    public String toString() {
        return "storage " + settings.name() + " (" + connection + ")";
    }

    BlobContainerClient containerClient() {
        return container;
    }

    // ---- ContainerManagement ----------------------------------------------------------------------

    @Override
    public boolean createContainer() {
        return call("create the container " + connection.container(), null, () -> {
            BlobContainerCreateOptions options = new BlobContainerCreateOptions();
            if (settings.publicStorage()) {
                options.setPublicAccessType(PublicAccessType.BLOB);
            }
            return container.createIfNotExistsWithResponse(options, null, Context.NONE).getValue();
        });
    }

    /**
     * Azure keeps CORS rules per account (its blob service), not per container: this replaces the
     * account's blob CORS rules with one rule for {@code origins}.
     */
    @Override
    public void configureCors(List<String> origins) {
        if (origins == null || origins.isEmpty()) {
            throw new FilesException(ErrorKind.BAD_REQUEST, "CORS rules need at least one origin");
        }
        for (String origin : origins) {
            if (!origin.equals("*") && !origin.matches("https?://[^/\\s,]+")) {
                throw new FilesException(ErrorKind.BAD_REQUEST, "'" + origin + "' is not an origin such as https://portal.example.org");
            }
        }
        BlobCorsRule rule = new BlobCorsRule()
                .setAllowedOrigins(String.join(",", origins))
                .setAllowedMethods("GET,PUT,POST,HEAD")
                .setAllowedHeaders(String.join(",", List.of("content-type", "content-length", "content-md5", "content-disposition",
                        "content-encoding", "cache-control", "range", "if-match", "if-none-match", "authorization",
                        "x-ms-blob-type", "x-ms-blob-content-type", "x-ms-blob-content-disposition", "x-ms-blob-content-md5",
                        "x-ms-version", "x-ms-date", "x-ms-client-request-id", "x-ms-meta-*")))
                .setExposedHeaders(String.join(",", List.of("etag", "content-length", "content-type", "content-range",
                        "content-md5", "content-disposition", "last-modified", "accept-ranges", "x-ms-request-id", "x-ms-version",
                        "x-ms-blob-type", "x-ms-meta-*")))
                .setMaxAgeInSeconds(3600);
        call("set the CORS rules of the account", null, () -> {
            service.setProperties(new BlobServiceProperties().setCors(List.of(rule)));
            return null;
        });
    }

    @Override
    public void close() {
        // The JDK HTTP client has no close before Java 21; its threads are daemons and end with it.
    }

    // ---- helpers ----------------------------------------------------------------------------------

    private <T> T call(String operation, Location location, Supplier<T> action) {
        try {
            return action.get();
        } catch (RuntimeException e) {
            throw AzureFailures.of(settings.name(), operation, location, e, connection);
        }
    }

    /** The blob name of a location; refuses what would leave the prefix or hit reserved names. */
    String blobName(Location location) {
        String value = location.value();
        for (int i = 0; i < value.length(); i++) {
            if (Character.isISOControl(value.charAt(i))) {
                throw FilesException.badLocation(value, "control characters are not allowed");
            }
        }
        if (value.startsWith("/") || value.contains("\\")) {
            throw FilesException.badLocation(value, "absolute paths and backslashes are not allowed");
        }
        for (String segment : value.split("/", -1)) {
            if (segment.isEmpty() || segment.equals(".") || segment.equals("..")) {
                throw FilesException.badLocation(value, "empty, . and .. segments are not allowed");
            }
        }
        if (value.startsWith(RESERVED) || value.equals(RESERVED.substring(0, RESERVED.length() - 1))) {
            throw FilesException.badLocation(value, RESERVED + " is reserved for the storage's own state");
        }
        return connection.prefix() + value;
    }

    private BlobClient blob(Location location) {
        return container.getBlobClient(blobName(location));
    }

    private BlockBlobClient blockBlob(Location location) {
        return blob(location).getBlockBlobClient();
    }

    private static String randomToken() {
        byte[] bytes = new byte[8];
        RANDOM.nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }

    /**
     * A block id: base64 of 36 ASCII bytes ({@code kind-token-number}), the length of the SDK's own
     * ids (all blocks of a blob must have ids of one length).
     */
    static String blockId(String kind, String token, long number) {
        String raw = String.format(Locale.ROOT, "%s-%s-%016d", kind, token, number);
        return Base64.getEncoder().encodeToString(raw.getBytes(StandardCharsets.US_ASCII));
    }

    private static String decodeBlockId(String base64) {
        try {
            return new String(Base64.getDecoder().decode(base64), StandardCharsets.US_ASCII);
        } catch (IllegalArgumentException e) {
            return "";
        }
    }

    /** The digest of the storage's hashing_algorithm, as the host computes it (the host checked the name at start). */
    private MessageDigest digest() {
        try {
            return Hashes.digest(settings.hashingAlgorithm());
        } catch (PortalException e) {
            throw new FilesException(ErrorKind.CONFIG_INVALID, settings.key("hashing_algorithm") + ": " + e.getMessage());
        }
    }

    private boolean md5() {
        return settings.hashingAlgorithm().equalsIgnoreCase("md5");
    }

    private String hashMetadataKey() {
        return "portalkit_" + settings.hashingAlgorithm().toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]", "");
    }

    private BlobHttpHeaders headers(String contentType, byte[] hash) {
        BlobHttpHeaders headers = new BlobHttpHeaders().setContentType(contentType == null ? "application/octet-stream" : contentType);
        if (hash != null && md5()) {
            headers.setContentMd5(hash);
        }
        return headers;
    }

    private Map<String, String> hashMetadata(byte[] hash) {
        return hash == null || md5() ? null : Map.of(hashMetadataKey(), HexFormat.of().formatHex(hash));
    }

    private String storedHash(BlobProperties properties) {
        if (md5()) {
            byte[] md5 = properties.getContentMd5();
            return md5 == null ? null : HexFormat.of().formatHex(md5);
        }
        Map<String, String> metadata = properties.getMetadata();
        return metadata == null ? null : metadata.get(hashMetadataKey());
    }

    /** Reads until {@code buffer} is full or the stream ends; the count read. */
    private static int readFully(InputStream in, byte[] buffer) throws IOException {
        int filled = 0;
        while (filled < buffer.length) {
            int n = in.read(buffer, filled, buffer.length - filled);
            if (n < 0) {
                break;
            }
            filled += n;
        }
        return filled;
    }

    private BlobRequestConditions noOverwrite(boolean overwrite) {
        return overwrite ? null : new BlobRequestConditions().setIfNoneMatch("*");
    }

    private static FilesException uploadUnreadable(String storage, Location location, IOException e) {
        return new FilesException(ErrorKind.TRANSIENT, "storage " + storage + ": cannot read the content for " + location + ": "
                + e.getMessage(), e);
    }

    private boolean canSign() {
        return connection.canSign();
    }

    // ---- uploads ----------------------------------------------------------------------------------

    private final class BlobUploader implements Uploader {
        @Override
        public Set<Capability> capabilities() {
            return EnumSet.of(Capability.CREATE, Capability.MULTIPART);
        }

        @Override
        public FileData upload(Location location, Upload upload, boolean overwrite) {
            BlockBlobClient blob = blockBlob(location);
            MessageDigest digest = digest();
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
                            .setHeaders(headers(upload.contentType(), hash)).setMetadata(hashMetadata(hash))
                            .setContentMd5(md5() ? hash : null).setRequestConditions(noOverwrite(overwrite));
                    call("upload", location, () -> blob.uploadWithResponse(options, null, Context.NONE));
                    size = n;
                } else {
                    List<String> blocks = new ArrayList<>();
                    while (n > 0) {
                        digest.update(buffer, 0, n);
                        String id = blockId("up", token, blocks.size());
                        BinaryData data = BinaryData.fromByteBuffer(ByteBuffer.wrap(buffer, 0, n));
                        call("upload", location, () -> blob.stageBlockWithResponse(new BlockBlobStageBlockOptions(id, data), null, Context.NONE));
                        blocks.add(id);
                        size += n;
                        if (n < buffer.length) {
                            break;
                        }
                        n = readFully(in, buffer);
                    }
                    byte[] hash = digest.digest();
                    BlockBlobCommitBlockListOptions options = new BlockBlobCommitBlockListOptions(blocks)
                            .setHeaders(headers(upload.contentType(), hash)).setMetadata(hashMetadata(hash))
                            .setRequestConditions(noOverwrite(overwrite));
                    call("upload", location, () -> blob.commitBlockListWithResponse(options, null, Context.NONE));
                }
                return new FileData(location, size, upload.contentType(), "", "", Map.of());
            } catch (IOException e) {
                // Nothing was committed: staged blocks stay uncommitted, invisible, and the service drops them.
                throw uploadUnreadable(settings.name(), location, e);
            }
        }

        @Override
        public MultipartData multipartStart(MultipartData data) {
            blobName(data.location());
            String id = randomToken();
            BlockBlobClient marker = container.getBlobClient(connection.prefix() + MULTIPART_MARKERS + id).getBlockBlobClient();
            byte[] state = ("location=" + data.location().value() + "\nsize=" + data.size() + "\n").getBytes(StandardCharsets.UTF_8);
            call("start a multipart upload of", data.location(), () -> marker.uploadWithResponse(
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
            return container.getBlobClient(connection.prefix() + MULTIPART_MARKERS + id).getBlockBlobClient();
        }

        private void requireOpen(MultipartData data, String id) {
            if (!call("check the multipart upload of", data.location(), () -> marker(id).exists())) {
                throw new FilesException(ErrorKind.NOT_FOUND, "multipart upload " + id + " of " + data.location()
                        + " does not exist in storage " + settings.name() + " (completed or aborted)");
            }
        }

        @Override
        public MultipartData multipartUpdate(MultipartData data, int part, Upload content) {
            String id = uploadId(data);
            BlockBlobClient blob = blockBlob(data.location());
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
                call("upload part " + part + " of", data.location(),
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

        @Override
        public FileData multipartComplete(MultipartData data) {
            String id = uploadId(data);
            BlockBlobClient blob = blockBlob(data.location());
            requireOpen(data, id);
            String mine = "mp-" + id + "-";
            TreeMap<Long, Block> parts = new TreeMap<>();
            List<Block> uncommitted = call("list the parts of", data.location(),
                    () -> blob.listBlocks(BlockListType.UNCOMMITTED).getUncommittedBlocks());
            for (Block block : uncommitted == null ? List.<Block>of() : uncommitted) {
                String raw = decodeBlockId(block.getName());
                if (raw.startsWith(mine)) {
                    parts.put(Long.parseLong(raw.substring(mine.length())), block);
                }
            }
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
                    .setHeaders(headers(data.contentType(), null))
                    .setRequestConditions(noOverwrite(settings.overwriteExisting()));
            call("complete the multipart upload of", data.location(), () -> blob.commitBlockListWithResponse(options, null, Context.NONE));
            call("finish the multipart upload of", data.location(), () -> marker(id).deleteIfExists());
            // No hash: the host reads the assembled blob back once and computes its own.
            return new FileData(data.location(), size, data.contentType(), "", "", Map.of());
        }

        @Override
        public void multipartAbort(MultipartData data) {
            String id = uploadId(data);
            BlockBlobClient blob = blockBlob(data.location());
            call("abort the multipart upload of", data.location(), () -> marker(id).deleteIfExists());
            discardStagedBlocks(blob, data.location());
        }

        /**
         * Frees the staged (uncommitted) blocks at a location where no blob is committed: committing
         * a block list drops every staged block it does not name, so an empty list is committed
         * (only if still no blob is there) and the empty blob deleted again (only if unchanged). Where a blob is committed, its staged
         * blocks cannot be dropped without rewriting it; the service discards them within a week.
         */
        private void discardStagedBlocks(BlockBlobClient blob, Location location) {
            if (call("check the blob of", location, blob::exists)) {
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

    // ---- reads ------------------------------------------------------------------------------------

    private final class BlobReader implements StorageReader {
        @Override
        public Set<Capability> capabilities() {
            EnumSet<Capability> caps = EnumSet.of(Capability.STREAM, Capability.RANGE);
            if (canSign()) {
                caps.add(Capability.TEMPORAL_LINK);
            }
            if (settings.publicStorage()) {
                caps.add(Capability.PUBLIC_LINK);
            }
            return caps;
        }

        @Override
        public InputStream stream(FileData data) {
            BlobClient blob = blob(data.location());
            return call("read", data.location(), () -> blob.openInputStream(new BlobInputStreamOptions().setBlockSize(READ_BLOCK)));
        }

        @Override
        public InputStream range(FileData data, long start, long end) {
            if (start < 0 || end < start) {
                throw new FilesException(ErrorKind.BAD_REQUEST, "range " + start + ".." + end + " is not a valid byte range");
            }
            BlobClient blob = blob(data.location());
            BlobProperties properties = call("read", data.location(), blob::getProperties);
            long size = properties.getBlobSize();
            long from = Math.min(start, size);
            long to = Math.min(end, size);
            if (to <= from) {
                return InputStream.nullInputStream();
            }
            BlobRange range = new BlobRange(from, to - from);
            BlobRequestConditions same = new BlobRequestConditions().setIfMatch(properties.getETag());
            if (to - from <= SMALL_RANGE) {
                ByteArrayOutputStream out = new ByteArrayOutputStream((int) (to - from));
                call("read", data.location(), () -> blob.downloadStreamWithResponse(out, range, null, same, false, null, Context.NONE));
                return new ByteArrayInputStream(out.toByteArray());
            }
            return call("read", data.location(), () -> blob.openInputStream(new BlobInputStreamOptions().setRange(range)
                    .setRequestConditions(same).setBlockSize(READ_BLOCK)));
        }

        @Override
        public Delivery delivery(FileData data, String filename, Duration ttl) {
            if (connection.redirect() && canSign() && !settings.disabledCapabilities().contains(Capability.TEMPORAL_LINK)) {
                return new Delivery.Redirect(temporalLink(data, ttl, filename));
            }
            return new Delivery.Stream();
        }

        @Override
        public URI publicLink(FileData data) {
            if (!settings.publicStorage()) {
                throw FilesException.unsupported(settings.name(), Capability.PUBLIC_LINK);
            }
            return URI.create(blob(data.location()).getBlobUrl());
        }

        @Override
        public URI temporalLink(FileData data, Duration ttl, String filename) {
            if (!canSign()) {
                throw FilesException.unsupported(settings.name(), Capability.TEMPORAL_LINK);
            }
            if (ttl == null || ttl.isNegative() || ttl.isZero()) {
                throw new FilesException(ErrorKind.BAD_REQUEST, "a temporal link needs a positive lifetime");
            }
            BlobClient blob = blob(data.location());
            OffsetDateTime now = OffsetDateTime.now(clock).withOffsetSameInstant(ZoneOffset.UTC);
            BlobServiceSasSignatureValues values = new BlobServiceSasSignatureValues(now.plus(ttl), new BlobSasPermission().setReadPermission(true))
                    // a little slack for clocks that run behind the service's
                    .setStartTime(now.minusMinutes(5))
                    .setProtocol(connection.endpoint().startsWith("https:") ? SasProtocol.HTTPS_ONLY : SasProtocol.HTTPS_HTTP)
                    .setContentDisposition(ContentDispositions.attachment(filename == null || filename.isBlank()
                            ? data.location().value().substring(data.location().value().lastIndexOf('/') + 1) : filename));
            if (data.contentType() != null && !data.contentType().equals("application/octet-stream")) {
                values.setContentType(data.contentType());
            }
            String sas = call("sign a link to", data.location(), () -> blob.generateSas(values));
            return URI.create(blob.getBlobUrl() + "?" + sas);
        }
    }

    // ---- management -------------------------------------------------------------------------------

    private final class BlobManager implements Manager {
        @Override
        public Set<Capability> capabilities() {
            return EnumSet.of(Capability.REMOVE, Capability.EXISTS, Capability.ANALYZE, Capability.SCAN, Capability.COPY, Capability.MOVE);
        }

        @Override
        public boolean remove(FileData data) {
            BlobClient blob = blob(data.location());
            return call("remove", data.location(), () -> blob.deleteIfExistsWithResponse(DeleteSnapshotsOptionType.INCLUDE, null, null,
                    Context.NONE).getValue());
        }

        @Override
        public boolean exists(FileData data) {
            BlobClient blob = blob(data.location());
            return call("check", data.location(), blob::exists);
        }

        /** The blob's properties: size and Last-Modified (a copy makes a new blob, so it is when the bytes came here). */
        @Override
        public Optional<FileStat> stat(FileData data) {
            BlobClient blob = blob(data.location());
            if (!call("check", data.location(), blob::exists)) {
                return Optional.empty();
            }
            BlobProperties properties = call("stat", data.location(), blob::getProperties);
            return Optional.of(new FileStat(properties.getBlobSize(),
                    properties.getLastModified() == null ? null : properties.getLastModified().toInstant()));
        }

        @Override
        public FileData copy(Location target, FileData source, boolean overwrite) {
            BlobClient from = blob(source.location());
            BlobClient to = blob(target);
            String url = from.getBlobUrl() + sourceAuthorization(from);
            BlobBeginCopyOptions options = new BlobBeginCopyOptions(url).setPollInterval(Duration.ofMillis(250))
                    .setDestinationRequestConditions(noOverwrite(overwrite));
            try {
                SyncPoller<BlobCopyInfo, Void> poller = to.beginCopy(options);
                PollResponse<BlobCopyInfo> done = poller.waitForCompletion();
                BlobCopyInfo info = done.getValue();
                if (info != null && info.getCopyStatus() != null && info.getCopyStatus() != CopyStatusType.SUCCESS) {
                    throw new FilesException(ErrorKind.TRANSIENT, "storage " + settings.name() + ": copying " + source.location() + " to "
                            + target + " ended " + info.getCopyStatus());
                }
            } catch (BlobStorageException e) {
                if (e.getStatusCode() == 404 && !Boolean.TRUE.equals(call("check", source.location(), from::exists))) {
                    throw FilesException.missingFile(settings.name(), source.location());
                }
                throw AzureFailures.of(settings.name(), "copy " + source.location() + " to", target, e, connection);
            } catch (RuntimeException e) {
                throw AzureFailures.of(settings.name(), "copy " + source.location() + " to", target, e, connection);
            }
            return describe(target, call("check", target, to::getProperties));
        }

        /** The query that lets the service read the source of a copy. */
        private String sourceAuthorization(BlobClient source) {
            if (canSign()) {
                OffsetDateTime now = OffsetDateTime.now(clock).withOffsetSameInstant(ZoneOffset.UTC);
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
            PagedIterable<BlobItem> items = call("list", null, () -> container.listBlobs(
                    new ListBlobsOptions().setPrefix(prefix.isEmpty() ? null : prefix).setMaxResultsPerPage(LIST_PAGE), null));
            Iterator<BlobItem> all = call("list", null, items::iterator);
            Iterator<Location> locations = new Iterator<>() {
                @Override
                public boolean hasNext() {
                    return call("list", null, all::hasNext);
                }

                @Override
                public Location next() {
                    return new Location(call("list", null, all::next).getName().substring(prefix.length()));
                }
            };
            return StreamSupport.stream(Spliterators.spliteratorUnknownSize(locations, Spliterator.ORDERED | Spliterator.NONNULL), false)
                    .filter(l -> !(prefix + l.value()).startsWith(reserved));
        }

        @Override
        public FileData analyze(Location location) {
            BlobClient blob = blob(location);
            return describe(location, call("analyze", location, blob::getProperties));
        }

        /** A stored blob as FileData: from its properties, and its content only when it carries no hash of ours. */
        private FileData describe(Location location, BlobProperties properties) {
            String hash = storedHash(properties);
            if (hash == null) {
                MessageDigest digest = digest();
                try (InputStream in = reader.stream(FileData.of(location))) {
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

    /** {@code Content-Disposition: attachment} values for SAS links. */
    static final class ContentDispositions {
        private ContentDispositions() {
        }

        /** {@code attachment; filename="<ascii>"; filename*=UTF-8''<percent-encoded>} (RFC 6266). */
        static String attachment(String filename) {
            StringBuilder ascii = new StringBuilder();
            StringBuilder encoded = new StringBuilder();
            for (char c : filename.toCharArray()) {
                ascii.append(c >= 0x20 && c < 0x7f && c != '"' && c != '\\' ? c : '_');
            }
            for (byte b : filename.getBytes(StandardCharsets.UTF_8)) {
                int c = b & 0xff;
                if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || "!#$&+-.^_`|~".indexOf(c) >= 0) {
                    encoded.append((char) c);
                } else {
                    encoded.append('%').append(String.format(Locale.ROOT, "%02X", c));
                }
            }
            return "attachment; filename=\"" + ascii + "\"; filename*=UTF-8''" + encoded;
        }
    }
}
