package dev.portalkit.runtime.files;

import dev.portalkit.runtime.plugins.MinimalFilesPlugin;
import java.util.Map;

/**
 * A plugin's adapter that can only create, stream, remove, check and list passes the contract:
 * the host emulates COPY, MOVE, COMPOSE and RANGE for it.
 */
class EmulatedStorageContractTest extends PortalStorageContract {
    @Override
    protected String plugins() {
        return "minimal-files";
    }

    @Override
    protected Map<String, String> adapterOptions(String name) {
        return Map.of("type", MinimalFilesPlugin.TYPE);
    }
}
