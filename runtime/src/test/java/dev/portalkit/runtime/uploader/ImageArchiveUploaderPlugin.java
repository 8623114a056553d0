package dev.portalkit.runtime.uploader;

import dev.portalkit.api.action.ActionContext;
import dev.portalkit.api.files.IUploader;
import dev.portalkit.api.files.Upload;
import dev.portalkit.api.plugin.PortalPlugin;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A test plugin (enabled as "image-archive-uploader") that takes over group / organization and
 * user images: it reads the bytes through (nothing kept) and records an external URL naming the
 * owner kind, so tests can tell its work from the portal's own uploader. Resources and the site's
 * admin uploads are left to the portal.
 */
@ApplicationScoped
public class ImageArchiveUploaderPlugin implements PortalPlugin, IUploader {
    /** What the plugin stored and removed: "stored|removed OWNER_KIND ownerId url". */
    public static final List<String> SEEN = new CopyOnWriteArrayList<>();

    @Override
    public String name() {
        return "image-archive-uploader";
    }

    @Override
    public Handler imageUploader(ActionContext ctx, ImageOwner owner) {
        if (owner == ImageOwner.ADMIN) {
            return null;
        }
        String kind = owner.name().toLowerCase(java.util.Locale.ROOT);
        return new Handler() {
            @Override
            public Stored store(ActionContext c, String ownerId, Upload upload) {
                try (InputStream in = upload.open()) {
                    long size = in.transferTo(OutputStream.nullOutputStream());
                    String url = "https://images.example.org/" + kind + "/" + ownerId + "/" + upload.filename();
                    SEEN.add("stored " + kind + " " + ownerId + " " + url);
                    return new Stored(url, null, size, "image/png", null);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }

            @Override
            public void remove(ActionContext c, String ownerId, Stored previous) {
                SEEN.add("removed " + kind + " " + ownerId + " " + previous.url());
            }
        };
    }
}
