package dev.portalkit.storage.opendal;

import dev.portalkit.api.files.Capability;
import dev.portalkit.api.files.FileData;
import dev.portalkit.api.files.FilesException;
import dev.portalkit.api.files.Location;
import dev.portalkit.api.files.MultipartUploads;
import dev.portalkit.api.files.Upload;
import dev.portalkit.api.files.Uploader;
import java.io.IOException;
import java.io.InputStream;
import java.util.EnumSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** Uploads to a {@code files:opendal} storage: streamed through OpenDAL's writer into place. */
final class OpenDalUploader implements Uploader {
    private final OpenDalStorage storage;
    private final OpenDalMultipart multipart;

    OpenDalUploader(OpenDalStorage storage) {
        this.storage = storage;
        org.apache.opendal.Capability can = storage.can();
        // Parts wait as files in the staging folder and are streamed, in order, through one writer at completion.
        this.multipart = can.read && can.delete ? new OpenDalMultipart(storage) : null;
    }

    @Override
    public Set<Capability> capabilities() {
        Set<Capability> all = EnumSet.of(Capability.CREATE);
        if (multipart != null) {
            all.add(Capability.MULTIPART);
        }
        return all;
    }

    @Override
    public FileData upload(Location location, Upload upload, boolean overwrite) {
        String path = storage.path(location);
        if (!overwrite && storage.stat(path, location).isPresent()) {
            throw FilesException.existingFile(storage.name(), location);
        }
        long size;
        try (InputStream in = upload.open()) {
            size = storage.place(path, in, location);
        } catch (IOException e) {
            throw FilesException.backend(storage.name(), "cannot read the content for " + location, e);
        }
        return new FileData(location, size, upload.contentType(), "", "", Map.of());
    }

    @Override
    public Optional<MultipartUploads> multipart() {
        return Optional.ofNullable(multipart);
    }
}
