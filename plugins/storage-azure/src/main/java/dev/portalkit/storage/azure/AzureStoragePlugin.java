package dev.portalkit.storage.azure;

import dev.portalkit.api.files.IFiles;
import dev.portalkit.api.files.StorageFactory;
import dev.portalkit.api.plugin.PortalPlugin;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;

/**
 * The {@code storage-azure} plugin: contributes the {@code files:azure_blob} storage adapter. Enable it
 * with {@code portal.plugins = storage-azure} and configure storages of type {@code files:azure_blob}.
 */
@ApplicationScoped
public class AzureStoragePlugin implements PortalPlugin, IFiles {
    @Override
    public String name() {
        return "storage-azure";
    }

    @Override
    public String description() {
        return "Azure Blob Storage: storage adapter files:azure_blob";
    }

    @Override
    public List<StorageFactory> storageFactories() {
        return List.of(new AzureBlobStorageFactory());
    }
}
