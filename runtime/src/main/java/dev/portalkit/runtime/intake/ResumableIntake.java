package dev.portalkit.runtime.intake;

import dev.portalkit.api.ErrorKind;
import dev.portalkit.api.PortalException;
import dev.portalkit.api.action.ActionContext;
import dev.portalkit.api.action.UserRef;
import dev.portalkit.runtime.Portal;
import dev.portalkit.runtime.files.FilesPlugin;
import dev.portalkit.runtime.files.tracked.ResumableUploads;
import java.io.IOException;
import java.io.InputStream;
import java.util.Map;
import java.util.Optional;

/**
 * The web layer's door to resumable uploads (tus, docs/resumable-uploads.md): creation, the state,
 * appending a request's body at an offset, termination, each as the request's user. The parts are
 * gathered in this process's spool area; everything that must outlive a request is in the database.
 */
public final class ResumableIntake {
    private final Portal portal;
    private final SpoolArea spools;

    ResumableIntake(Portal portal, SpoolArea spools) {
        this.portal = portal;
        this.spools = spools;
    }

    private ResumableUploads uploads() {
        if (portal.plugins().implementing(FilesPlugin.class).isEmpty()) {
            throw new PortalException(ErrorKind.UNSUPPORTED, "resumable uploads need the File API, which no enabled plugin provides");
        }
        return FilesPlugin.of(portal).fileApi().resumable();
    }

    private ActionContext as(Optional<UserRef> user) {
        return portal.context(user, false);
    }

    /** See {@link ResumableUploads#create}. */
    public ResumableUploads.State create(Optional<UserRef> user, Long length, long maxLength, String metadataHeader,
                                         Map<String, String> metadata) throws IOException {
        return uploads().create(as(user), length, maxLength, metadataHeader, metadata, spools::newFile);
    }

    /** See {@link ResumableUploads#state}. */
    public ResumableUploads.State state(Optional<UserRef> user, String id) {
        return uploads().state(as(user), id);
    }

    /** See {@link ResumableUploads#append}. */
    public ResumableUploads.State append(Optional<UserRef> user, String id, long offset, Long declareLength, long bodyLength,
                                         InputStream body, ResumableUploads.Checksum checksum) throws IOException {
        return uploads().append(as(user), id, offset, declareLength, bodyLength, body, checksum, spools::newFile);
    }

    /** Origins of other sites whose browsers may use the tus endpoint ({@code portal.files.tus.cors_origins}). */
    public java.util.List<String> corsOrigins() {
        return portal.config().list(dev.portalkit.runtime.files.tracked.FileApiConfig.TUS_CORS_ORIGINS);
    }

    /** See {@link ResumableUploads#terminate}. */
    public void terminate(Optional<UserRef> user, String id) {
        uploads().terminate(as(user), id);
    }
}
