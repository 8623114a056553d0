package dev.portalkit.runtime.files.managed;

import dev.portalkit.api.files.FileData;
import dev.portalkit.api.files.Location;
import dev.portalkit.api.files.MultipartData;
import dev.portalkit.api.files.MultipartUploads;
import dev.portalkit.api.files.Upload;

/**
 * The managed storage's {@link MultipartUploads}, there only when the capability gate lets MULTIPART
 * through: each operation passes the location rules, then goes to {@link MultipartVerification}
 * or straight to the adapter's multipart uploads.
 */
final class ManagedMultipart implements MultipartUploads {
    private final AdapterAccess access;
    private final LocationGuard locations;
    private final MultipartVerification verification;

    ManagedMultipart(AdapterAccess access, LocationGuard locations, MultipartVerification verification) {
        this.access = access;
        this.locations = locations;
        this.verification = verification;
    }

    @Override
    public MultipartData start(MultipartData data) {
        locations.check(data.location());
        return verification.start(data);
    }

    @Override
    public MultipartData update(MultipartData data, int part, Upload content) {
        locations.check(data.location());
        return verification.update(data, part, content);
    }

    @Override
    public long minPartSize() {
        return Math.max(1, access.multipart().minPartSize());
    }

    @Override
    public MultipartData refresh(MultipartData data) {
        locations.check(data.location());
        return access.multipart().refresh(data);
    }

    @Override
    public FileData complete(MultipartData data) {
        Location location = locations.check(data.location());
        return verification.complete(data, location);
    }

    @Override
    public void abort(MultipartData data) {
        LocationGuard.checkAny(data.location());
        access.multipart().abort(data);
    }
}
