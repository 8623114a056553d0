package dev.portalkit.runtime.files;

import java.util.Map;

/** files:memory passes the storage contract. */
class MemoryStorageContractTest extends PortalStorageContract {
    @Override
    protected Map<String, String> adapterOptions(String name) {
        return Map.of("type", "files:memory");
    }
}
