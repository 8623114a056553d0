package dev.portalkit.runtime.files;

import dev.portalkit.api.files.Capability;
import dev.portalkit.api.files.FileData;
import dev.portalkit.api.files.Location;
import dev.portalkit.api.files.Storage;
import dev.portalkit.api.files.StorageSettings;

/**
 * The adapter as the layers of a managed storage call it besides their operation: whether a file
 * is there (when the adapter can tell), and the quiet clean-up of what a failed operation left.
 */
final class AdapterAccess {
    private final StorageSettings settings;
    private final Storage adapter;
    private final CapabilityGate gate;

    AdapterAccess(StorageSettings settings, Storage adapter, CapabilityGate gate) {
        this.settings = settings;
        this.adapter = adapter;
        this.gate = gate;
    }

    StorageSettings settings() {
        return settings;
    }

    Storage adapter() {
        return adapter;
    }

    /** The storage's name, for messages. */
    String name() {
        return settings.name();
    }

    /** Whether the adapter does {@code capability} itself. */
    boolean has(Capability capability) {
        return gate.adapterHas(capability);
    }

    /** Whether a file is at {@code location}; false when the adapter cannot tell. */
    boolean exists(Location location) {
        return has(Capability.EXISTS) && adapter.manager().exists(FileData.of(location));
    }

    void removeQuietly(Location location, Throwable cause) {
        removeQuietly(FileData.of(location), cause);
    }

    /** Removes what a failed operation left, if the adapter can; a failure to remove is added to {@code cause}. */
    void removeQuietly(FileData data, Throwable cause) {
        if (!has(Capability.REMOVE)) {
            return;
        }
        try {
            adapter.manager().remove(data);
        } catch (RuntimeException e) {
            cause.addSuppressed(e);
        }
    }
}
