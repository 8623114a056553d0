package dev.portalkit.api.files;

import dev.portalkit.api.config.ConfigOption;
import java.util.List;

/**
 * A storage adapter: makes a {@link Storage} for each configured storage whose {@code type} is
 * {@link #type()}. Contributed by a plugin through {@link IFiles#storageFactories()}; one factory
 * per adapter (the s3 plugin jar has the {@code files:s3} factory, ...).
 *
 * <p>{@link #options()} declares the adapter's own options with keys relative to the storage
 * ({@code "path"}); the host declares them as {@code portal.files.storage.<name>.path}, validates
 * them at start (a missing required option or an unknown one names the full key) and passes the
 * values in {@link StorageSettings#options()}.
 */
public interface StorageFactory {
    /**
     * The adapter type used in {@code portal.files.storage.<name>.type}: always {@code files:<adapter>}
     * (ckanext-files' convention), e.g. {@code files:fs}, {@code files:s3}.
     */
    String type();

    /** One line for {@code files adapters}. */
    default String description() {
        return "";
    }

    /** The adapter's own options, keys relative to the storage. */
    List<ConfigOption> options();

    /**
     * Makes the storage; prepare the backend when {@code settings.initialize()} (create folders,
     * buckets). Called once per configured storage when the portal starts (and for storages a
     * caller opens itself); the host wraps the result in a {@link ManagedStorage} and closes it
     * on stop.
     *
     * @throws dev.portalkit.api.PortalException CONFIG_INVALID naming the option at fault, with
     *         {@link StorageSettings#key(String)}: {@code portal.files.storage.x.path: ...}
     */
    Storage create(StorageSettings settings);
}
