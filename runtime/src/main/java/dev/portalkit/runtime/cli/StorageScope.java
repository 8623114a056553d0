package dev.portalkit.runtime.cli;

import dev.portalkit.api.PortalException;
import dev.portalkit.runtime.BootOptions;
import dev.portalkit.runtime.config.PortalConfigImpl;
import dev.portalkit.runtime.files.FilesPlugin;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Maintenance commands scoped to named storages: checks the names against the configuration
 * before anything starts (a clear error naming the argument) and boots the portal with only
 * those storages open, so the command touches no other storage.
 */
final class StorageScope {
    private StorageScope() {
    }

    /** The configured storage names of {@code boot}'s configuration. */
    static Set<String> configured(BootOptions boot) {
        PortalConfigImpl config = PortalConfigImpl.load(boot.effectiveConfigFile(), boot.effectiveOverrides());
        return FilesPlugin.configuredNames(config.rawValues());
    }

    /** {@code name} when configured; otherwise a BAD_REQUEST naming {@code argument} and the configured storages. */
    static String require(BootOptions boot, String argument, String name) {
        Set<String> configured = configured(boot);
        if (name == null || !configured.contains(name)) {
            throw PortalException.badRequest(argument + ": unknown storage '" + name + "' (configured: "
                    + String.join(", ", configured) + ")");
        }
        return name;
    }

    /** {@code boot} opening only {@code names} (already checked). */
    static BootOptions opening(BootOptions boot, List<String> names) {
        Map<String, String> overrides = new LinkedHashMap<>(boot.overrides());
        overrides.put(FilesPlugin.OPEN_STORAGES, names.isEmpty() ? FilesPlugin.OPEN_NONE : String.join(" ", names));
        return boot.withOverrides(overrides);
    }
}
