package dev.portalkit.storage.s3;

import dev.portalkit.api.files.IFiles;
import dev.portalkit.api.files.StorageFactory;
import dev.portalkit.api.plugin.PortalPlugin;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.util.List;

/**
 * The {@code storage-s3} plugin: storage adapters {@code files:s3} (one bucket) and
 * {@code files:s3-dynamic} (a bucket per year, month or week) over AWS S3 or an S3-compatible
 * object store. Enable it with {@code portal.plugins = storage-s3}; see {@code docs/storage-s3.md}.
 *
 * <p>Shipped as {@code portalkit-plugin-storage-s3-<version>-plugin.jar}, which carries the AWS SDK
 * and its HTTP client relocated under {@code dev.portalkit.storage.s3.shaded}: drop it into
 * {@code <data-dir>/plugins/} or a WAR's {@code WEB-INF/lib}.
 */
@ApplicationScoped
public class S3Plugin implements PortalPlugin, IFiles {
    @Override
    public String name() {
        return "storage-s3";
    }

    @Override
    public String description() {
        return "S3 storage adapters: files:s3 (one bucket), files:s3-dynamic (a bucket per year, month or week)";
    }

    @Override
    public List<StorageFactory> storageFactories() {
        return List.of(new S3StorageFactory(), new S3DynamicStorageFactory(Clock.systemUTC()));
    }
}
