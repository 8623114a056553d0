package dev.portalkit.storage.azure;

import com.azure.core.http.HttpClient;
import com.azure.core.util.Context;
import com.azure.storage.blob.BlobClient;
import com.azure.storage.blob.BlobContainerClient;
import com.azure.storage.blob.BlobServiceClient;
import com.azure.storage.blob.models.BlobCorsRule;
import com.azure.storage.blob.models.BlobHttpHeaders;
import com.azure.storage.blob.models.BlobProperties;
import com.azure.storage.blob.models.BlobRequestConditions;
import com.azure.storage.blob.models.BlobServiceProperties;
import com.azure.storage.blob.models.PublicAccessType;
import com.azure.storage.blob.options.BlobContainerCreateOptions;
import com.azure.storage.blob.specialized.BlockBlobClient;
import dev.portalkit.api.ErrorKind;
import dev.portalkit.api.PortalException;
import dev.portalkit.api.files.ContainerManagement;
import dev.portalkit.api.files.FilesException;
import dev.portalkit.api.files.Hashes;
import dev.portalkit.api.files.Location;
import dev.portalkit.api.files.Manager;
import dev.portalkit.api.files.StorageReader;
import dev.portalkit.api.files.Storage;
import dev.portalkit.api.files.StorageSettings;
import dev.portalkit.api.files.Uploader;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;

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
 *
 * <p>This class holds the clients, container management and the helpers the services share; the
 * services are {@link AzureBlobUploader}, {@link AzureBlobMultipart}, {@link AzureBlobReader} and
 * {@link AzureBlobManager}.
 */
final class AzureBlobStorage implements Storage, ContainerManagement {
    /** Blobs that hold the adapter's own state, under the storage's prefix. */
    static final String RESERVED = ".portalkit/";
    static final String MULTIPART_MARKERS = RESERVED + "multipart/";
    /** Page size of listings (as S3's); the service pages with continuation tokens. */
    static final int LIST_PAGE = 1000;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final StorageSettings settings;
    private final AzureBlobStorageFactory.AzureConnection connection;
    private final Clock clock;
    private final HttpClient http;
    private final BlobServiceClient service;
    private final BlobContainerClient container;
    private final Uploader uploader;
    private final StorageReader reader;
    private final Manager manager;

    AzureBlobStorage(StorageSettings settings, AzureBlobStorageFactory.AzureConnection connection, Clock clock) {
        this.settings = settings;
        this.connection = connection;
        this.clock = clock;
        this.http = connection.httpClient();
        this.service = connection.serviceClient(http);
        this.container = service.getBlobContainerClient(connection.container());
        this.uploader = new AzureBlobUploader(this);
        this.reader = new AzureBlobReader(this);
        this.manager = new AzureBlobManager(this);
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

    /** Where the container is, how to reach it and how blobs are uploaded and linked. */
    AzureBlobStorageFactory.AzureConnection connection() {
        return connection;
    }

    /** The clock SAS links are signed by. */
    Clock clock() {
        return clock;
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

    <T> T call(String operation, Location location, Supplier<T> action) {
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

    BlobClient blob(Location location) {
        return container.getBlobClient(blobName(location));
    }

    BlockBlobClient blockBlob(Location location) {
        return blob(location).getBlockBlobClient();
    }

    static String randomToken() {
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

    static String decodeBlockId(String base64) {
        try {
            return new String(Base64.getDecoder().decode(base64), StandardCharsets.US_ASCII);
        } catch (IllegalArgumentException e) {
            return "";
        }
    }

    /** The digest of the storage's hashing_algorithm, as the host computes it (the host checked the name at start). */
    MessageDigest digest() {
        try {
            return Hashes.digest(settings.hashingAlgorithm());
        } catch (PortalException e) {
            throw new FilesException(ErrorKind.CONFIG_INVALID, settings.key("hashing_algorithm") + ": " + e.getMessage());
        }
    }

    boolean md5() {
        return settings.hashingAlgorithm().equalsIgnoreCase("md5");
    }

    private String hashMetadataKey() {
        return "portalkit_" + settings.hashingAlgorithm().toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]", "");
    }

    BlobHttpHeaders headers(String contentType, byte[] hash) {
        BlobHttpHeaders headers = new BlobHttpHeaders().setContentType(contentType == null ? "application/octet-stream" : contentType);
        if (hash != null && md5()) {
            headers.setContentMd5(hash);
        }
        return headers;
    }

    Map<String, String> hashMetadata(byte[] hash) {
        return hash == null || md5() ? null : Map.of(hashMetadataKey(), HexFormat.of().formatHex(hash));
    }

    String storedHash(BlobProperties properties) {
        if (md5()) {
            byte[] md5 = properties.getContentMd5();
            return md5 == null ? null : HexFormat.of().formatHex(md5);
        }
        Map<String, String> metadata = properties.getMetadata();
        return metadata == null ? null : metadata.get(hashMetadataKey());
    }

    /** Reads until {@code buffer} is full or the stream ends; the count read. */
    static int readFully(InputStream in, byte[] buffer) throws IOException {
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

    BlobRequestConditions noOverwrite(boolean overwrite) {
        return overwrite ? null : new BlobRequestConditions().setIfNoneMatch("*");
    }

    static FilesException uploadUnreadable(String storage, Location location, IOException e) {
        return new FilesException(ErrorKind.TRANSIENT, "storage " + storage + ": cannot read the content for " + location + ": "
                + e.getMessage(), e);
    }

    boolean canSign() {
        return connection.canSign();
    }
}
