package dev.portalkit.runtime.files.managed;

import dev.portalkit.api.files.DirectParts;
import dev.portalkit.api.files.FileData;
import dev.portalkit.api.files.Location;
import dev.portalkit.api.files.MultipartData;
import dev.portalkit.api.files.MultipartUploads;
import dev.portalkit.api.files.Upload;
import java.util.List;
import java.util.Optional;

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

    /** The adapter's direct uploads, behind the same location rules. */
    @Override
    public Optional<DirectParts> direct() {
        return access.multipart().direct().map(direct -> new DirectParts() {
            @Override
            public List<SignedPart> sign(MultipartData data, List<Integer> parts) {
                locations.check(data.location());
                return direct.sign(data, parts);
            }

            @Override
            public List<StoredPart> stored(MultipartData data) {
                locations.check(data.location());
                return direct.stored(data);
            }

            @Override
            public List<String> origins() {
                return direct.origins();
            }
        });
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
