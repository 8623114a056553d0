package dev.portalkit.runtime.uploader;

import dev.portalkit.api.action.ActionContext;
import dev.portalkit.api.files.IUploader;
import dev.portalkit.api.files.Upload;
import dev.portalkit.api.plugin.PortalPlugin;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A test plugin (enabled as "archive-uploader") that takes over resource uploads: it streams the
 * bytes through SHA-256 (nothing kept) and records an external URL, so tests can tell its work
 * from the portal's own uploader. Images are left to the portal.
 */
@ApplicationScoped
public class ArchiveUploaderPlugin implements PortalPlugin, IUploader {
    /** What the plugin removed, by resource id and url. */
    public static final List<String> REMOVED = new CopyOnWriteArrayList<>();

    @Override
    public String name() {
        return "archive-uploader";
    }

    @Override
    public Handler resourceUploader(ActionContext ctx) {
        return new Handler() {
            @Override
            public Stored store(ActionContext c, String resourceId, Upload upload) {
                try (InputStream in = new DigestInputStream(upload.open(), MessageDigest.getInstance("SHA-256"))) {
                    long size = in.transferTo(java.io.OutputStream.nullOutputStream());
                    String hash = HexFormat.of().formatHex(((DigestInputStream) in).getMessageDigest().digest());
                    return new Stored("https://archive.example.org/" + resourceId + "/" + upload.filename(), null, size,
                            "text/csv", hash);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                } catch (NoSuchAlgorithmException e) {
                    throw new IllegalStateException(e);
                }
            }

            @Override
            public void remove(ActionContext c, String resourceId, Stored previous) {
                REMOVED.add(resourceId + " " + previous.url());
            }
        };
    }
}
