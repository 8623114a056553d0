package dev.portalkit.runtime.files;

import java.util.Map;

/** files:public_fs passes the storage contract. */
class PublicFsStorageContractTest extends PortalStorageContract {
    @Override
    protected Map<String, String> adapterOptions(String name) {
        return Map.of("type", "files:public_fs", "path", portal.dataDir().resolve("public").resolve(name).toString(),
                "create_path", "true", "public_root", "http://files.example/" + name);
    }
}
