package dev.portalkit.api.files;

import java.util.EnumSet;
import java.util.Set;

/**
 * One named storage: its {@link StorageSettings} and three services. Made by a
 * {@link StorageFactory} for each configured storage of its type. What the host hands to actions
 * is a managed view of it that adds validation (size, types, locations), hashing and the emulated
 * operations; adapters implement only what their backend does.
 */
public interface Storage extends AutoCloseable {
    StorageSettings settings();

    Uploader uploader();

    StorageReader reader();

    Manager manager();

    /** What the services declare, minus the storage's {@code disabled_capabilities}. */
    default Set<Capability> capabilities() {
        EnumSet<Capability> all = EnumSet.noneOf(Capability.class);
        all.addAll(uploader().capabilities());
        all.addAll(reader().capabilities());
        all.addAll(manager().capabilities());
        all.removeAll(settings().disabledCapabilities());
        return all;
    }

    /** Whether every one of {@code wanted} is supported. */
    default boolean supports(Capability... wanted) {
        Set<Capability> have = capabilities();
        for (Capability c : wanted) {
            if (!have.contains(c)) {
                return false;
            }
        }
        return true;
    }

    /** Releases clients and connections; the default has none. */
    @Override
    default void close() {
    }
}
