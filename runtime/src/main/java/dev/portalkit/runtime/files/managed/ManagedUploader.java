package dev.portalkit.runtime.files.managed;

import dev.portalkit.api.files.Capability;
import dev.portalkit.api.files.FileData;
import dev.portalkit.api.files.FilesException;
import dev.portalkit.api.files.Location;
import dev.portalkit.api.files.MultipartUploads;
import dev.portalkit.api.files.StorageSettings;
import dev.portalkit.api.files.Upload;
import dev.portalkit.api.files.Uploader;
import java.util.Optional;
import java.util.Set;

/**
 * The managed storage's {@link Uploader}: each operation passes the capability gate and the
 * location rules, then goes to local intake or measured streaming; multipart uploads go through
 * {@link ManagedMultipart}, present when the storage offers MULTIPART.
 */
final class ManagedUploader implements Uploader {
    private final StorageSettings settings;
    private final AdapterAccess access;
    private final CapabilityGate gate;
    private final LocationGuard locations;
    private final UploadMeasuring measuring;
    private final LocalIntake intake;
    private final Optional<MultipartUploads> multipart;

    ManagedUploader(AdapterAccess access, CapabilityGate gate, LocationGuard locations, UploadMeasuring measuring,
                    LocalIntake intake, MultipartVerification multipart) {
        this.settings = access.settings();
        this.access = access;
        this.gate = gate;
        this.locations = locations;
        this.measuring = measuring;
        this.intake = intake;
        this.multipart = gate.all().contains(Capability.MULTIPART)
                ? Optional.of(new ManagedMultipart(access, locations, multipart)) : Optional.empty();
    }

    @Override
    public Set<Capability> capabilities() {
        return gate.of(CapabilityGate.UPLOADER);
    }

    @Override
    public FileData upload(Location location, Upload upload, boolean overwrite) {
        Optional<FileData> piped = intake.fromPipe(location, upload);
        if (piped.isPresent()) {
            return piped.get();
        }
        return store(location, upload, overwrite);
    }

    /** Stores the upload: a spooled file by a hard link where the adapter can, else streamed through the adapter. */
    private FileData store(Location location, Upload upload, boolean overwrite) {
        gate.require(Capability.CREATE);
        locations.check(location);
        boolean replace = overwrite && settings.overwriteExisting();
        measuring.checkDeclaredSize(upload.size());
        if (!replace && access.exists(location)) {
            throw FilesException.existingFile(access.name(), location);
        }
        MeasuredUpload.TypeCheck typeCheck = measuring.typeCheck();
        Optional<FileData> adopted = intake.adopt(location, upload, typeCheck, replace);
        if (adopted.isPresent()) {
            return adopted.get();
        }
        return measuring.upload(location, upload, replace, typeCheck);
    }

    @Override
    public Optional<MultipartUploads> multipart() {
        return multipart;
    }
}
