package dev.portalkit.runtime.files.managed;

import dev.portalkit.runtime.files.content.ContentTypes;
import dev.portalkit.api.ErrorKind;
import dev.portalkit.api.files.Capability;
import dev.portalkit.api.files.FileData;
import dev.portalkit.api.files.FilesException;
import dev.portalkit.api.files.Location;
import dev.portalkit.api.files.StorageSettings;
import dev.portalkit.api.files.Upload;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Local intake: uploads the host already wrote to a local spool file and measured while receiving
 * them ({@link LocalUpload}) are stored in one pass, either adopted by a hard link where the
 * adapter can ({@link LocalFileAdopter}), or kept from the {@link UploadPipe} that streamed the
 * part into the storage while it arrived. Size, type and hash come from the measurements taken
 * while the spool was written.
 */
final class LocalIntake {
    /** The smallest file part piped while it arrives (docs/uploads.md). */
    static final long MIN_PIPE_SIZE = 8L << 20;

    private final ManagedStorageImpl storage;
    private final StorageSettings settings;
    private final AdapterAccess access;
    private final CapabilityGate gate;
    private final LocationGuard locations;
    private final UploadMeasuring measuring;

    LocalIntake(ManagedStorageImpl storage, AdapterAccess access, CapabilityGate gate, LocationGuard locations,
                UploadMeasuring measuring) {
        this.storage = storage;
        this.settings = access.settings();
        this.access = access;
        this.gate = gate;
        this.locations = locations;
        this.measuring = measuring;
    }

    /** The location a pipe of {@code sample} already goes to for {@code untrusted}, if there is one. */
    Optional<Location> pipedLocation(String untrusted, Upload sample) {
        if (sample instanceof LocalUpload local) {
            return local.pipe().flatMap(p -> p.locationFor(storage, untrusted));
        }
        return Optional.empty();
    }

    /** See {@link ManagedStorageImpl#pipe}. */
    Optional<UploadPipe> pipe(String name, String filename, String contentType, Path spool, long expected) {
        if (expected < MIN_PIPE_SIZE || expected > measuring.maxSizeLimit() || !gate.adapterHas(Capability.CREATE)
                || access.adapter() instanceof LocalFileAdopter || settings.publicStorage() || !locations.uniqueLocations()) {
            return Optional.empty();
        }
        Location location;
        try {
            location = storage.prepareLocation(name, Upload.of(filename, contentType, expected, InputStream::nullInputStream));
        } catch (RuntimeException e) {
            return Optional.empty(); // the action refuses the name with its own message
        }
        return Optional.of(new UploadPipe(storage, access.uploader(), access::removeQuietly, name, location, filename,
                contentType, spool, expected, measuring.typeCheck()));
    }

    /**
     * The upload kept from its pipe when it was piped into this storage at {@code location}; empty
     * when there is no such pipe or it cannot be kept: the caller stores the upload. A pipe not
     * kept is aborted (its piped file removed).
     */
    Optional<FileData> fromPipe(Location location, Upload upload) {
        UploadPipe pipe = upload instanceof LocalUpload local ? local.pipe().orElse(null) : null;
        if (pipe == null) {
            return Optional.empty();
        }
        try {
            if (pipe.claim(storage, location)) {
                return keepPiped(location, (LocalUpload) upload, pipe);
            }
            return Optional.empty();
        } finally {
            // Kept: nothing to do; refused, failed, or meant for another storage or location: removed.
            pipe.abort();
        }
    }

    /**
     * One pass for a file the host already wrote and hashed while receiving it: the adapter
     * links it into place; size, type and hash come from the measurements taken while it was
     * written. Empty (nothing stored) when this is no local upload, the adapter adopts no files,
     * the hash is in another algorithm or the adapter cannot take this file: the caller streams it instead.
     */
    Optional<FileData> adopt(Location location, Upload upload, MeasuredUpload.TypeCheck typeCheck, boolean replace) {
        if (!(upload instanceof LocalUpload local && access.adapter() instanceof LocalFileAdopter adopter)) {
            return Optional.empty();
        }
        Optional<String> hash = local.hash(settings.hashingAlgorithm());
        if (hash.isEmpty()) {
            return Optional.empty();
        }
        long size = local.size();
        String type = checkMeasured(local, typeCheck);
        Optional<FileData> stored = adopter.adopt(location, local.file(), replace);
        if (stored.isPresent() && stored.get().size() != size) {
            FilesException e = new FilesException(ErrorKind.INTERNAL, "storage " + access.name() + " took " + stored.get().size()
                    + " bytes of a " + size + "-byte upload");
            access.removeQuietly(location, e);
            throw e;
        }
        return stored.map(s -> new FileData(location, size, type, hash.get(), settings.hashingAlgorithm(), s.storageData()));
    }

    /**
     * Checks size and detected type of a local upload from what was measured while it was
     * written; returns the detected type.
     */
    private String checkMeasured(LocalUpload local, MeasuredUpload.TypeCheck typeCheck) {
        if (local.size() > measuring.maxSizeLimit()) {
            throw measuring.tooLarge(settings.maxSize());
        }
        byte[] head = local.head();
        String type = ContentTypes.detect(head, head.length, local.filename(), local.contentType());
        FilesException refused = typeCheck.refusal(type, local.contentType());
        if (refused != null) {
            throw refused;
        }
        return type;
    }

    /**
     * One pass for a spooled upload that was piped into this storage at {@code location} while it
     * arrived: checks size and type from the spooling's measurements (a refusal removes the piped
     * file), waits for the adapter's upload and keeps what it stored. The hash is the one taken
     * while spooling. Empty when the hash is in another algorithm, the pipe failed or the part
     * was not the predicted size: the caller stores the spool.
     */
    private Optional<FileData> keepPiped(Location location, LocalUpload local, UploadPipe pipe) {
        gate.require(Capability.CREATE);
        locations.check(location);
        Optional<String> hash = local.hash(settings.hashingAlgorithm());
        if (hash.isEmpty()) {
            return Optional.empty();
        }
        long size = local.size();
        String type = checkMeasured(local, measuring.typeCheck());
        Optional<FileData> stored = pipe.finish(size);
        if (stored.isEmpty()) {
            return Optional.empty();
        }
        pipe.kept();
        return Optional.of(new FileData(location, size, type, hash.get(), settings.hashingAlgorithm(), stored.get().storageData()));
    }
}
