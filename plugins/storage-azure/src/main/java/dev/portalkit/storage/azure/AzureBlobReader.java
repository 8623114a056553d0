package dev.portalkit.storage.azure;

import com.azure.core.util.Context;
import com.azure.storage.blob.BlobClient;
import com.azure.storage.blob.models.BlobProperties;
import com.azure.storage.blob.models.BlobRange;
import com.azure.storage.blob.models.BlobRequestConditions;
import com.azure.storage.blob.options.BlobInputStreamOptions;
import com.azure.storage.blob.sas.BlobSasPermission;
import com.azure.storage.blob.sas.BlobServiceSasSignatureValues;
import com.azure.storage.common.sas.SasProtocol;
import dev.portalkit.api.ErrorKind;
import dev.portalkit.api.files.Capability;
import dev.portalkit.api.files.Delivery;
import dev.portalkit.api.files.FileData;
import dev.portalkit.api.files.FilesException;
import dev.portalkit.api.files.StorageReader;
import dev.portalkit.api.files.StorageSettings;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.net.URI;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.EnumSet;
import java.util.Set;

/** Reads blobs of a {@code files:azure_blob} storage, whole or by byte range, and signs SAS links to them. */
final class AzureBlobReader implements StorageReader {
    /** Ranges up to this size are fetched in one request into memory; larger ones stream in blocks. */
    private static final int SMALL_RANGE = 1 << 20;
    private static final int READ_BLOCK = 4 << 20;

    private final AzureBlobStorage storage;
    private final StorageSettings settings;
    private final AzureBlobStorageFactory.AzureConnection connection;

    AzureBlobReader(AzureBlobStorage storage) {
        this.storage = storage;
        this.settings = storage.settings();
        this.connection = storage.connection();
    }

    @Override
    public Set<Capability> capabilities() {
        EnumSet<Capability> caps = EnumSet.of(Capability.STREAM, Capability.RANGE);
        if (storage.canSign()) {
            caps.add(Capability.TEMPORAL_LINK);
        }
        if (settings.publicStorage()) {
            caps.add(Capability.PUBLIC_LINK);
        }
        return caps;
    }

    @Override
    public InputStream stream(FileData data) {
        BlobClient blob = storage.blob(data.location());
        return storage.call("read", data.location(), () -> blob.openInputStream(new BlobInputStreamOptions().setBlockSize(READ_BLOCK)));
    }

    @Override
    public InputStream range(FileData data, long start, long end) {
        if (start < 0 || end < start) {
            throw new FilesException(ErrorKind.BAD_REQUEST, "range " + start + ".." + end + " is not a valid byte range");
        }
        BlobClient blob = storage.blob(data.location());
        BlobProperties properties = storage.call("read", data.location(), blob::getProperties);
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
            storage.call("read", data.location(), () -> blob.downloadStreamWithResponse(out, range, null, same, false, null, Context.NONE));
            return new ByteArrayInputStream(out.toByteArray());
        }
        return storage.call("read", data.location(), () -> blob.openInputStream(new BlobInputStreamOptions().setRange(range)
                .setRequestConditions(same).setBlockSize(READ_BLOCK)));
    }

    @Override
    public Delivery delivery(FileData data, String filename, Duration ttl) {
        if (connection.redirect() && storage.canSign() && !settings.disabledCapabilities().contains(Capability.TEMPORAL_LINK)) {
            return new Delivery.Redirect(temporalLink(data, ttl, filename));
        }
        return new Delivery.Stream();
    }

    @Override
    public URI publicLink(FileData data) {
        if (!settings.publicStorage()) {
            throw FilesException.unsupported(settings.name(), Capability.PUBLIC_LINK);
        }
        return URI.create(storage.blob(data.location()).getBlobUrl());
    }

    @Override
    public URI temporalLink(FileData data, Duration ttl, String filename) {
        if (!storage.canSign()) {
            throw FilesException.unsupported(settings.name(), Capability.TEMPORAL_LINK);
        }
        if (ttl == null || ttl.isNegative() || ttl.isZero()) {
            throw new FilesException(ErrorKind.BAD_REQUEST, "a temporal link needs a positive lifetime");
        }
        BlobClient blob = storage.blob(data.location());
        OffsetDateTime now = OffsetDateTime.now(storage.clock()).withOffsetSameInstant(ZoneOffset.UTC);
        BlobServiceSasSignatureValues values = new BlobServiceSasSignatureValues(now.plus(ttl), new BlobSasPermission().setReadPermission(true))
                // a little slack for clocks that run behind the service's
                .setStartTime(now.minusMinutes(5))
                .setProtocol(connection.endpoint().startsWith("https:") ? SasProtocol.HTTPS_ONLY : SasProtocol.HTTPS_HTTP)
                .setContentDisposition(ContentDispositions.attachment(filename == null || filename.isBlank()
                        ? data.location().value().substring(data.location().value().lastIndexOf('/') + 1) : filename));
        if (data.contentType() != null && !data.contentType().equals("application/octet-stream")) {
            values.setContentType(data.contentType());
        }
        String sas = storage.call("sign a link to", data.location(), () -> blob.generateSas(values));
        return URI.create(blob.getBlobUrl() + "?" + sas);
    }
}
