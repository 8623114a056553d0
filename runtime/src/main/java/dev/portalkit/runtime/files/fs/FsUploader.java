package dev.portalkit.runtime.files.fs;

import dev.portalkit.api.files.Capability;
import dev.portalkit.api.files.FileData;
import dev.portalkit.api.files.FilesException;
import dev.portalkit.api.files.Location;
import dev.portalkit.api.files.MultipartUploads;
import dev.portalkit.api.files.Upload;
import dev.portalkit.api.files.Uploader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** Writes whole files to an {@link FsStorage}'s folder and hands multipart uploads to {@link FsMultipart}. */
final class FsUploader implements Uploader {
    private static final Set<Capability> WRITES = EnumSet.of(Capability.CREATE, Capability.MULTIPART);

    private final FsPaths paths;
    private final FsMultipart multipart;

    FsUploader(FsPaths paths, FsMultipart multipart) {
        this.paths = paths;
        this.multipart = multipart;
    }

    @Override
    public Set<Capability> capabilities() {
        return WRITES;
    }

    @Override
    public FileData upload(Location location, Upload upload, boolean overwrite) {
        Path target = paths.resolve(location);
        if (!overwrite && Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
            throw FilesException.existingFile(paths.name(), location);
        }
        try {
            Path temp = paths.writeTemp(upload);
            long size = Files.size(temp);
            paths.publish(temp, target, location, overwrite);
            return new FileData(location, size, upload.contentType(), "", "", Map.of());
        } catch (IOException e) {
            throw paths.failure("cannot write", location, e);
        }
    }

    @Override
    public Optional<MultipartUploads> multipart() {
        return Optional.of(multipart);
    }
}
