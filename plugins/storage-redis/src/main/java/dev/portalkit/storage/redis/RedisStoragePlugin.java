package dev.portalkit.storage.redis;

import dev.portalkit.api.files.IFiles;
import dev.portalkit.api.files.StorageFactory;
import dev.portalkit.api.plugin.PortalPlugin;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;

/**
 * The {@code storage-redis} plugin: contributes the {@code files:redis} storage adapter. Enable it
 * with {@code portal.plugins = storage-redis} and configure storages of type {@code files:redis}.
 */
@ApplicationScoped
public class RedisStoragePlugin implements PortalPlugin, IFiles {
    @Override
    public String name() {
        return "storage-redis";
    }

    @Override
    public String description() {
        return "Redis: storage adapter files:redis (file content in chunks)";
    }

    @Override
    public List<StorageFactory> storageFactories() {
        return List.of(new RedisStorageFactory());
    }
}
