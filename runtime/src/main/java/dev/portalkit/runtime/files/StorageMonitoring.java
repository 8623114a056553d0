package dev.portalkit.runtime.files;

import dev.portalkit.api.files.ManagedStorage;
import dev.portalkit.runtime.Portal;
import dev.portalkit.runtime.files.managed.BackendErrors;
import dev.portalkit.runtime.files.managed.ManagedStorageImpl;
import java.util.Map;
import java.util.function.ToDoubleFunction;

/**
 * What monitoring reads of the files subsystem (the health checks and {@code /metrics} of the web
 * layer): the storages this process opened, and per storage the calls that failed because of its
 * backend ({@link BackendErrors}). The web layer's facade for monitoring, beside the intake and
 * the download desk.
 */
public final class StorageMonitoring {
    private StorageMonitoring() {
    }

    /** The storages this process opened, by name; empty without the files plugin or before it started. */
    public static Map<String, ManagedStorage> open(Portal portal) {
        if (!portal.isStarted() || portal.plugins().implementing(FilesPlugin.class).isEmpty()) {
            return Map.of();
        }
        try {
            return FilesPlugin.of(portal).storages().all();
        } catch (RuntimeException e) {
            return Map.of(); // its storages are not open in this process
        }
    }

    /**
     * A reader of the backend failures of {@code storage} since it opened (for a counter), or
     * {@code null} for a storage that does not count them (not opened by the portal).
     */
    public static ToDoubleFunction<ManagedStorage> backendErrors(ManagedStorage storage) {
        if (!(storage instanceof ManagedStorageImpl managed)) {
            return null;
        }
        BackendErrors errors = managed.backendErrors();
        return ignored -> errors.count();
    }
}
