package dev.portalkit.storage.opendal;

import dev.portalkit.api.files.IFiles;
import dev.portalkit.api.files.StorageFactory;
import dev.portalkit.api.plugin.PortalPlugin;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;

/**
 * The {@code storage-opendal} plugin: contributes the {@code files:opendal} storage adapter. Enable it
 * with {@code portal.plugins = storage-opendal} and configure storages of type {@code files:opendal}.
 */
@ApplicationScoped
public class OpenDalStoragePlugin implements PortalPlugin, IFiles {
    @Override
    public String name() {
        return "storage-opendal";
    }

    @Override
    public String description() {
        return "Apache OpenDAL: storage adapter files:opendal (webdav, sftp, s3, azblob, gcs and the other services of its native library)";
    }

    @Override
    public List<StorageFactory> storageFactories() {
        return List.of(new OpenDalStorageFactory());
    }
}
