package dev.portalkit.runtime.files.registry;

import dev.portalkit.runtime.files.managed.ManagedStorageImpl;
import dev.portalkit.runtime.files.managed.InPlaceOperations;
import dev.portalkit.runtime.files.managed.RetryLayer;
import dev.portalkit.api.PortalException;
import dev.portalkit.api.files.IFiles;
import dev.portalkit.api.files.LocationTransformer;
import dev.portalkit.api.files.ManagedStorage;
import dev.portalkit.api.files.Storage;
import dev.portalkit.api.files.StorageFactory;
import dev.portalkit.api.files.StorageSettings;
import dev.portalkit.runtime.Portal;
import dev.portalkit.runtime.config.PortalConfigImpl;
import dev.portalkit.runtime.files.fs.FsStorageFactory;
import dev.portalkit.runtime.plugin.Contributions;
import dev.portalkit.runtime.plugin.PluginSet;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The storage registry: the storage adapters and location transformers every enabled plugin's
 * {@link IFiles} contributes, the options of each named storage ({@code portal.files.storage.*},
 * the implicit default storage, the implicit role storages derived from the default one), and
 * the opening of storages from them as managed storages.
 */
public final class StorageRegistry {
    /** A storage adapter and the plugin that contributed it. */
    public record Adapter(StorageFactory factory, String plugin) {
    }

    /** The option naming the storage used when a caller names none. */
    public static final String DEFAULT_STORAGE = "portal.files.default_storage";
    /** The name of the storage made when none is configured. */
    public static final String IMPLICIT_STORAGE = "default";
    /** The location transformers of the default storage when none are configured: unguessable, per-file locations. */
    public static final String DEFAULT_LOCATION_TRANSFORMERS = "uuid_prefix";

    private volatile Map<String, Adapter> adapters = Map.of();
    /** The retry layer of each configured storage ({@link #configured}), by name. */
    private volatile Map<String, RetryLayer> retries = Map.of();
    private volatile Map<String, InPlaceOperations> inPlace = Map.of();
    private volatile Map<String, LocationTransformer> transformers = Map.of();

    /** Takes the adapters and location transformers of {@code contributors}; a type or name given twice is refused. */
    public void resolve(List<PluginSet.Named<IFiles>> contributors) {
        Map<String, Adapter> found = new TreeMap<>();
        Contributions.collect(contributors, p -> {
            Map<String, StorageFactory> byType = new LinkedHashMap<>();
            for (StorageFactory f : p.storageFactories()) {
                if (byType.put(f.type(), f) != null) {
                    throw PortalException.config("storage adapter '" + f.type() + "' is defined twice by one plugin");
                }
            }
            return byType;
        }, "storage adapter").forEach((type, entry) -> found.put(type, new Adapter(entry.base(), entry.owner())));
        Map<String, LocationTransformer> named = new TreeMap<>();
        Contributions.collect(contributors, IFiles::locationTransformers, "location transformer")
                .forEach((name, entry) -> named.put(name, entry.base()));
        adapters = found;
        transformers = named;
    }

    /** The settings of every configured storage (and the implicit ones), validated. */
    public Map<String, StorageSettings> configured(PortalConfigImpl config, Portal portal, String defaultName) {
        Map<String, StorageSettings> configured = new TreeMap<>();
        Map<String, RetryLayer> layers = new TreeMap<>();
        Map<String, InPlaceOperations> inPlaceOperations = new TreeMap<>();
        for (Map.Entry<String, Map<String, String>> e : storageOptions(config, portal, defaultName).entrySet()) {
            configured.put(e.getKey(), StorageOptions.parse(e.getKey(), e.getValue(), factories(), transformers.keySet()));
            layers.put(e.getKey(), StorageOptions.retries(e.getValue()));
            inPlaceOperations.put(e.getKey(), StorageOptions.inPlace(e.getValue()));
        }
        retries = layers;
        inPlace = inPlaceOperations;
        return configured;
    }

    /**
     * Opens the storages of {@code configured} that {@code wanted} names (all when empty), the
     * default storage first: the role storages derived from it by key prefix share its container,
     * and a public image storage must never be the one that creates it (on Azure it would create
     * the container with anonymous read access). On a failure the ones opened are closed.
     */
    public Map<String, ManagedStorage> openAll(Map<String, StorageSettings> configured, Set<String> wanted, String defaultName) {
        Map<String, ManagedStorage> open = new TreeMap<>();
        try {
            List<StorageSettings> inOrder = new ArrayList<>(configured.values());
            inOrder.sort(Comparator.comparing(settings -> !settings.name().equals(defaultName)));
            for (StorageSettings settings : inOrder) {
                if (wanted.isEmpty() || wanted.contains(settings.name())) {
                    open.put(settings.name(), open(settings));
                }
            }
        } catch (RuntimeException e) {
            open.values().forEach(ManagedStorage::close);
            throw e;
        }
        return open;
    }

    /**
     * Options of every configured storage (keys relative to it), or of the implicit default storage,
     * and of the implicit role storages derived from the default one ({@link StorageRoles}).
     */
    private Map<String, Map<String, String>> storageOptions(PortalConfigImpl config, Portal portal, String defaultName) {
        Map<String, Map<String, String>> out = new TreeMap<>();
        for (String name : StorageOptions.names(config.rawValues())) {
            String prefix = StorageOptions.PREFIX + name + ".";
            Map<String, String> given = new LinkedHashMap<>();
            for (String key : config.rawValues().keySet()) {
                if (key.startsWith(prefix)) {
                    config.get(key).ifPresent(v -> given.put(key.substring(prefix.length()), v));
                }
            }
            // Options the listing above cannot see: environment variables (PORTAL_FILES_STORAGE_S3_SECRET_KEY)
            // are found only by their exact key, so ask for each option the storage's adapter declares.
            Adapter adapter = adapters.get(given.getOrDefault(StorageOptions.TYPE, "").trim());
            if (adapter != null) {
                Set<String> declared = new TreeSet<>(StorageRoles.optionKeys(adapter.factory()));
                StorageOptions.COMMON.forEach(o -> declared.add(o.key()));
                for (String option : declared) {
                    if (!given.containsKey(option)) {
                        config.get(prefix + option).ifPresent(v -> given.put(option, v));
                    }
                }
            }
            out.put(name, given);
        }
        if (out.isEmpty()) {
            Map<String, String> implicit = new LinkedHashMap<>();
            implicit.put(StorageOptions.TYPE, FsStorageFactory.TYPE);
            implicit.put("path", portal.dataDirectory().resolve("storage").toString());
            implicit.put("create_path", "true");
            out.put(IMPLICIT_STORAGE, implicit);
        }
        StorageRoles.derive(out, defaultName, type -> {
            Adapter adapter = adapters.get(type);
            return adapter == null ? Set.of() : StorageRoles.optionKeys(adapter.factory());
        }, key -> config.get(key).orElse(null));
        unguessableByDefault(out.get(defaultName));
        return out;
    }

    /**
     * The default storage, unless its {@code location_transformers} are configured, stores each file
     * at a location of its own: {@code uuid_prefix} puts a random UUID in front of the file's name
     * ({@code 0b7c...rivers.csv}; the file's name stays {@code rivers.csv}). Locations taken straight
     * from names would be one name space for every user: whoever uploads a name first claims it, and
     * anyone learns from the refusal of a second upload that a private file of that name exists. The
     * implicit role storages are derived from the default storage before this (their uploads get
     * unique names of their own).
     */
    static void unguessableByDefault(Map<String, String> defaultStorage) {
        if (defaultStorage != null) {
            String configured = defaultStorage.get(StorageOptions.LOCATION_TRANSFORMERS);
            if (configured == null || configured.isBlank()) {
                defaultStorage.put(StorageOptions.LOCATION_TRANSFORMERS, DEFAULT_LOCATION_TRANSFORMERS);
            }
        }
    }

    /** Opens a configured storage (with the retry layer and in-place rules its options say). */
    public ManagedStorage open(StorageSettings settings) {
        return open(settings, retries.getOrDefault(settings.name(), RetryLayer.DEFAULT),
                inPlace.getOrDefault(settings.name(), InPlaceOperations.DEFAULT));
    }

    private ManagedStorage open(StorageSettings settings, RetryLayer retryLayer, InPlaceOperations inPlaceOperations) {
        Adapter adapter = adapters.get(settings.type());
        Storage storage;
        try {
            storage = adapter.factory().create(settings);
        } catch (RuntimeException e) {
            throw Storages.cannotOpen(settings, e);
        }
        try {
            return new ManagedStorageImpl(settings, storage, transformers, retryLayer, inPlaceOperations);
        } catch (RuntimeException e) {
            storage.close();
            throw e;
        }
    }

    /** Opens a storage from options as they would be configured (keys relative to the storage). */
    public ManagedStorage openStorage(String name, Map<String, String> options) {
        return open(StorageOptions.parse(name, options, factories(), transformers.keySet()), StorageOptions.retries(options),
                StorageOptions.inPlace(options));
    }

    public Map<String, Adapter> adapters() {
        return adapters;
    }

    public Set<String> transformerNames() {
        return transformers.keySet();
    }

    public Map<String, StorageFactory> factories() {
        Map<String, StorageFactory> out = new TreeMap<>();
        adapters.forEach((type, a) -> out.put(type, a.factory()));
        return out;
    }
}
