package dev.portalkit.runtime.files;

import java.util.Map;

/** files:fs passes the storage contract. */
class FsStorageContractTest extends PortalStorageContract {
    @Override
    protected Map<String, String> adapterOptions(String name) {
        return Map.of("type", "files:fs", "path", portal.dataDir().resolve("fs").resolve(name).toString(), "create_path", "true");
    }
}
