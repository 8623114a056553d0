package dev.portalkit.runtime.files.registry;

import dev.portalkit.api.ErrorKind;
import dev.portalkit.api.PortalException;
import dev.portalkit.api.files.FilesException;
import dev.portalkit.api.files.ManagedStorage;
import dev.portalkit.api.files.StorageSettings;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.logging.Logger;

/**
 * The configured storages of a running portal, by name, as {@link ManagedStorage}s: opened when
 * the portal starts (all of them, or those of {@code portal.files.open_storages}), closed when it
 * stops. Reach it through CDI ({@code @Inject Storages}) or {@code FilesPlugin.storages()}.
 */
public final class Storages implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(Storages.class.getName());

    private final Map<String, StorageSettings> configured;
    private final Map<String, ManagedStorage> open;
    private final String defaultName;
    private final String notOpenReason;
    private final Map<StorageRoles.Role, String> roles;
    private final boolean uploadsEnabled;

    public Storages(Map<String, StorageSettings> configured, Map<String, ManagedStorage> open, String defaultName, String notOpenReason,
             Map<StorageRoles.Role, String> roles, boolean uploadsEnabled) {
        this.configured = Collections.unmodifiableMap(configured);
        this.open = Collections.unmodifiableMap(open);
        this.defaultName = defaultName;
        this.notOpenReason = notOpenReason;
        this.roles = Map.copyOf(roles);
        this.uploadsEnabled = uploadsEnabled;
    }

    /** The name of the storage of an upload role ({@code portal.files.default_storages.<role>}). */
    public String roleName(StorageRoles.Role role) {
        return roles.getOrDefault(role, role.implicitStorage());
    }

    /** Whether uploads are allowed at all ({@code portal.uploads_enabled}). */
    public boolean uploadsEnabled() {
        return uploadsEnabled;
    }

    /**
     * Refuses an upload when {@code portal.uploads_enabled} is false.
     *
     * @throws PortalException PERMISSION_DENIED (403) naming the option, attributed to {@code field}
     */
    public void requireUploads(String field) {
        if (!uploadsEnabled) {
            throw dev.portalkit.runtime.action.FieldFailure.of(ErrorKind.PERMISSION_DENIED, field,
                    "Uploads are disabled on this portal (" + StorageRoles.UPLOADS_ENABLED + " = false)");
        }
    }

    /**
     * The storage called {@code name}.
     *
     * @throws FilesException NOT_FOUND when no storage has that name, or when it is not open in
     *                        this process (a maintenance command scoped to another storage)
     */
    public ManagedStorage get(String name) {
        ManagedStorage storage = open.get(name);
        if (storage != null) {
            return storage;
        }
        if (configured.containsKey(name)) {
            throw new FilesException(ErrorKind.NOT_FOUND, "storage " + name + " is not open: " + notOpenReason);
        }
        throw new FilesException(ErrorKind.NOT_FOUND, "storage " + name + " is not configured (configured: "
                + (configured.isEmpty() ? "none" : String.join(", ", configured.keySet())) + ")");
    }

    /** The storage of {@code portal.files.default_storage} ({@code default} unless set). */
    public ManagedStorage defaultStorage() {
        return get(defaultName);
    }

    public String defaultName() {
        return defaultName;
    }

    /** The open storages, by name in name order. */
    public Map<String, ManagedStorage> all() {
        return open;
    }

    /** The settings of every configured storage, open or not, by name in name order. */
    public Map<String, StorageSettings> configured() {
        return configured;
    }

    /** Storage names in name order. */
    public List<String> names() {
        return List.copyOf(configured.keySet());
    }

    @Override
    public void close() {
        for (ManagedStorage storage : open.values()) {
            try {
                storage.close();
            } catch (RuntimeException e) {
                LOG.warning("closing storage " + storage.name() + " failed: " + e.getMessage());
            }
        }
    }

    static PortalException cannotOpen(StorageSettings settings, RuntimeException e) {
        if (e instanceof PortalException pe && pe.kind() == ErrorKind.CONFIG_INVALID) {
            return pe;
        }
        return new PortalException(ErrorKind.CONFIG_INVALID, settings.key("type") + ": cannot open storage " + settings.name()
                + " (" + settings.type() + "): " + e.getMessage(), e);
    }
}
