package dev.portalkit.example;

import dev.portalkit.runtime.testing.PluginStorageContract;
import java.util.Map;

/**
 * files:example_gzip passes the shared storage contract, unchanged, through a real portal with the
 * example plugin enabled: a fresh folder per case.
 */
class ExampleStorageContractTest extends PluginStorageContract {
    ExampleStorageContractTest() {
        super("example");
    }

    @Override
    protected Map<String, String> adapterOptions(String name) {
        return Map.of("type", ExampleStorage.TYPE, "path", folder(name).toString(), "initialize", "true");
    }
}
