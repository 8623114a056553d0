package dev.portalkit.runtime.files;

import java.util.Map;

/** files:memory passes the storage contract. */
class MemoryStorageContractTest extends PortalStorageContract {
    @Override
    protected Map<String, String> adapterOptions(String name) {
        return Map.of("type", "files:memory");
    }

    /** The content is on the heap: the 2 GiB case needs room for it (and for the rest of the suite). */
    @Override
    protected boolean canHold(long bytes) {
        return Runtime.getRuntime().maxMemory() > bytes + (1L << 30);
    }
}
