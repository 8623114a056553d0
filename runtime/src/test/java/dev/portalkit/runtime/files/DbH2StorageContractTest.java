package dev.portalkit.runtime.files;

import java.util.Map;

/** files:db on H2 (BLOB column) passes the storage contract. */
class DbH2StorageContractTest extends PortalStorageContract {
    @Override
    protected Map<String, String> adapterOptions(String name) {
        return Map.of("type", "files:db");
    }
}
