package dev.portalkit.storage.azure;

import dev.portalkit.runtime.testing.PluginStorageContract;
import dev.portalkit.testservers.Azurite;
import java.util.Map;

/**
 * files:azure_blob passes the shared storage contract, unchanged, through the managed storage of a
 * real portal (the plugin enabled by name), against Azurite: one fresh container per case.
 */
class AzureBlobContractTest extends PluginStorageContract {
    AzureBlobContractTest() {
        super("storage-azure");
    }

    @Override
    protected Map<String, String> adapterOptions(String name) {
        return Map.of("type", AzureBlobStorageFactory.TYPE, "container", name + "-" + ProcessHandle.current().pid(),
                "connection_string", Azurite.shared().connectionString(), "create_container", "true");
    }
}
