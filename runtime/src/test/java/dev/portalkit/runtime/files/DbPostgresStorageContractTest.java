package dev.portalkit.runtime.files;

import dev.portalkit.runtime.testing.TestDb;
import java.util.Map;

/** files:db on PostgreSQL (large objects) passes the storage contract. */
class DbPostgresStorageContractTest extends PortalStorageContract {
    @Override
    protected TestDb db() {
        return TestDb.POSTGRES;
    }

    @Override
    protected Map<String, String> adapterOptions(String name) {
        return Map.of("type", "files:db");
    }
}
