package dev.portalkit.runtime.files;

import dev.portalkit.runtime.cluster.ClusterNodes;
import dev.portalkit.runtime.files.registry.BuiltInTransformers;
import dev.portalkit.runtime.files.registry.StorageOptions;
import dev.portalkit.runtime.files.registry.StorageRegistry;
import dev.portalkit.runtime.files.registry.StorageRoles;
import dev.portalkit.runtime.files.registry.Storages;
import dev.portalkit.api.ErrorKind;
import dev.portalkit.api.PortalException;
import dev.portalkit.api.action.Action;
import dev.portalkit.api.action.IActions;
import dev.portalkit.api.auth.AuthFunction;
import dev.portalkit.api.auth.IAuthFunctions;
import dev.portalkit.api.config.ConfigDeclaration;
import dev.portalkit.api.config.ConfigOption;
import dev.portalkit.api.config.ConfigType;
import dev.portalkit.api.config.IConfigDeclarations;
import dev.portalkit.api.files.IFiles;
import dev.portalkit.api.files.LocationTransformer;
import dev.portalkit.api.files.ManagedStorage;
import dev.portalkit.api.files.OwnerGetter;
import dev.portalkit.api.files.Storage;
import dev.portalkit.api.files.StorageFactory;
import dev.portalkit.api.files.StorageSettings;
import dev.portalkit.api.plugin.IMigrations;
import dev.portalkit.api.plugin.PortalPlugin;
import dev.portalkit.api.task.ITasks;
import dev.portalkit.api.task.TaskHandler;
import dev.portalkit.api.validation.IValidators;
import dev.portalkit.api.validation.Validator;
import dev.portalkit.api.validation.ValidatorFactory;
import dev.portalkit.runtime.Portal;
import dev.portalkit.runtime.config.ConfigValues;
import dev.portalkit.runtime.config.PortalConfigImpl;
import dev.portalkit.runtime.core.CoreConfig;
import dev.portalkit.runtime.files.db.DbStorageFactory;
import dev.portalkit.runtime.files.download.DownloadConfig;
import dev.portalkit.runtime.files.download.FileDownloads;
import dev.portalkit.runtime.files.download.SignedFileLinks;
import dev.portalkit.runtime.files.download.DownloadLinks;
import dev.portalkit.runtime.files.fs.FsStorageFactory;
import dev.portalkit.runtime.files.fs.CkanResourceFsStorageFactory;
import dev.portalkit.runtime.files.fs.PublicFsStorageFactory;
import dev.portalkit.runtime.files.memory.MemoryStorageFactory;
import dev.portalkit.runtime.files.tracked.FileApi;
import dev.portalkit.runtime.files.tracked.FileApiConfig;
import dev.portalkit.runtime.plugin.BuiltIn;
import dev.portalkit.runtime.plugin.Contributions;
import dev.portalkit.runtime.plugin.PluginSet;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import java.util.ArrayList;
import java.util.Comparator;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Supplier;
import javax.sql.DataSource;

/**
 * The files subsystem as a built-in plugin: storage adapters and location transformers (its own
 * and every enabled plugin's {@link IFiles}), the named storages of {@code portal.files.storage.*},
 * opened when the portal starts and closed when it stops, the tables of {@code files:db}, and the
 * File API ({@link FileApi}: tracked files, their actions, auth functions, validators and tasks;
 * owner getters and permission hooks of every enabled plugin's {@link IFiles}).
 *
 * <p>When no storage is configured at all, a {@code default} storage of type {@code files:fs} in
 * {@code <data-dir>/storage} (created if missing) serves the embedded run.
 */
@BuiltIn
@ApplicationScoped
public class FilesPlugin implements PortalPlugin, IFiles, IConfigDeclarations, IMigrations, Portal.Subsystem, IActions,
        ClusterNodes.SecretHolder,
        IAuthFunctions, IValidators, ITasks, IUploadTargets {
    public static final String DEFAULT_STORAGE = StorageRegistry.DEFAULT_STORAGE;
    public static final String OPEN_STORAGES = "portal.files.open_storages";
    /** {@link #OPEN_STORAGES} value that opens no storage (commands that open the one they need themselves). */
    public static final String OPEN_NONE = "-";
    /** The name of the storage made when none is configured. */
    public static final String IMPLICIT_STORAGE = StorageRegistry.IMPLICIT_STORAGE;
    /** The location transformers of the default storage when none are configured: unguessable, per-file locations. */
    public static final String DEFAULT_LOCATION_TRANSFORMERS = StorageRegistry.DEFAULT_LOCATION_TRANSFORMERS;

    private final StorageRegistry registry = new StorageRegistry();
    private volatile Portal portal;
    private volatile Storages storages;
    private volatile List<IFiles> hooks = List.of();
    private volatile Map<String, OwnerGetter> ownerGetters = Map.of();
    private volatile FileApi fileApi;
    private volatile FileLinks links;

    @Inject
    Instance<FileLinks> fileLinks;
    private volatile FileDownloads downloads;
    private volatile DownloadLinks downloadLinks;
    /** When this process last asked whether the orphan sweep is due (the lease row says whether it is). */
    private volatile java.time.Instant sweepAsked;

    @Override
    public String name() {
        return "files";
    }

    @Override
    public String description() {
        return "Files: named storages over storage adapters (files:fs, files:public_fs, files:ckan_resource_fs, files:memory, files:db and plugins'), "
                + "tracked files and the File API";
    }

    // ---- IFiles: what the files plugin itself contributes ---------------------------------------

    @Override
    public List<StorageFactory> storageFactories() {
        return List.of(new FsStorageFactory(), new PublicFsStorageFactory(), new CkanResourceFsStorageFactory(), new MemoryStorageFactory(),
                new DbStorageFactory(this::dataSource));
    }

    @Override
    public Map<String, LocationTransformer> locationTransformers() {
        return BuiltInTransformers.all();
    }

    /** Owners of the portal model, looked up through its show actions ({@link ModelOwners}). */
    @Override
    public Map<String, OwnerGetter> ownerGetters() {
        return ModelOwners.getters();
    }

    // ---- the File API ---------------------------------------------------------------------------

    @Override
    public Map<String, Action> actions() {
        return fileApi().actions();
    }

    @Override
    public Map<String, AuthFunction> authFunctions() {
        return fileApi().authFunctions();
    }

    @Override
    public Map<String, Validator> validators() {
        return fileApi().validators();
    }

    @Override
    public Map<String, ValidatorFactory> validatorFactories() {
        return fileApi().validatorFactories();
    }

    @Override
    public Map<String, TaskHandler> taskHandlers() {
        return fileApi().taskHandlers();
    }

    /** Where the File API's file parts go, for the upload intake ({@link FileUploadTargets}). */
    @Override
    public Map<String, UploadTarget> uploadTargets() {
        return FileUploadTargets.of(this::storages);
    }

    /** The File API (built on first use: plugin constructors do no work). */
    public FileApi fileApi() {
        FileApi api = fileApi;
        if (api == null) {
            synchronized (this) {
                if (fileApi == null) {
                    fileApi = new FileApi(new FileApi.Host() {
                        @Override
                        public EntityManager em() {
                            return running().transactions().em();
                        }

                        @Override
                        public <T> T inTransaction(Supplier<T> work) {
                            return running().inTransaction(work);
                        }

                        @Override
                        public Storages storages() {
                            return FilesPlugin.this.storages();
                        }

                        @Override
                        public boolean onRollback(Runnable step) {
                            return running().dispatcher().onRollback(step);
                        }

                        @Override
                        public <T> T inOwnTransaction(Supplier<T> work) {
                            return running().transactions().required(work);
                        }

                        @Override
                        public List<IFiles> hooks() {
                            return hooks;
                        }

                        @Override
                        public Map<String, OwnerGetter> ownerGetters() {
                            return ownerGetters;
                        }

                        @Override
                        public FileLinks links() {
                            return FilesPlugin.this.links();
                        }

                        @Override
                        public dev.portalkit.api.action.ActionContext systemContext() {
                            return running().context(Optional.empty(), true);
                        }

                        @Override
                        public dev.portalkit.runtime.event.EntityHookDispatcher entityHooks() {
                            return running().entityHooks();
                        }

                        @Override
                        public java.time.Clock clock() {
                            return running().options().clock();
                        }

                        @Override
                        public dev.portalkit.runtime.db.Transactions transactions() {
                            return running().transactions();
                        }
                    });
                }
                api = fileApi;
            }
        }
        return api;
    }

    /** The {@link FileLinks} bean with the highest priority above 0, else the portal's own {@link SignedFileLinks}. */
    public FileLinks links() {
        FileLinks chosen = links;
        if (chosen == null) {
            List<FileLinks> all = new ArrayList<>();
            if (fileLinks != null) {
                fileLinks.forEach(all::add);
            }
            chosen = all.stream().max(Comparator.comparingInt(FileLinks::priority)).filter(l -> l.priority() > 0)
                    .orElseGet(() -> new SignedFileLinks(this::downloadLinks, this::storages));
            links = chosen;
        }
        return chosen;
    }

    private Portal running() {
        Portal p = portal;
        if (p == null) {
            throw new PortalException(ErrorKind.INTERNAL, "the files subsystem is not started");
        }
        if (p.transactions() == null) {
            throw new PortalException(ErrorKind.INTERNAL, "the portal was started without a database");
        }
        return p;
    }

    private DataSource dataSource() {
        Portal p = portal;
        return p == null || p.database() == null ? null : p.database().dataSource();
    }

    @Override
    public String migrationLocation() {
        return "dev/portalkit/runtime/files/db/migration";
    }

    // ---- lifecycle ------------------------------------------------------------------------------

    @Override
    public void pluginsResolved(PluginSet plugins) {
        List<PluginSet.Named<IFiles>> contributors = plugins.implementing(IFiles.class);
        registry.resolve(contributors);
        Map<String, OwnerGetter> getters = new TreeMap<>();
        Contributions.collect(contributors, IFiles::ownerGetters, "owner getter")
                .forEach((type, entry) -> getters.put(type, entry.base()));
        ownerGetters = getters;
        List<IFiles> inOrder = new ArrayList<>();
        contributors.forEach(n -> inOrder.add(n.plugin()));
        hooks = List.copyOf(inOrder);
    }

    @Override
    public void declareConfig(ConfigDeclaration d) {
        d.namespace("portal.files.");
        d.option(ConfigOption.of(DEFAULT_STORAGE, "Storage used when a caller names none.").defaultValue(IMPLICIT_STORAGE));
        d.option(ConfigOption.of(OPEN_STORAGES, "Storages this process opens at start (default: all configured). "
                + "Maintenance commands scoped to one storage set it, so they touch no other storage.").type(ConfigType.LIST)
                .defaultValue(""));
        FileApiConfig.declare(d);
        DownloadConfig.declare(d);
        StorageOptions.declare(d, registry.factories(), registry.transformerNames());
        Map<String, String> raw = new LinkedHashMap<>(d.valuesUnder(StorageOptions.PREFIX));
        raw.putAll(d.valuesUnder(DEFAULT_STORAGE));
        Set<String> names = configuredNames(raw);
        StorageRoles.declare(d, names);
        String chosen = d.valuesUnder(DEFAULT_STORAGE).get(DEFAULT_STORAGE);
        if (chosen != null && !chosen.isBlank() && !names.contains(chosen.trim())) {
            d.reject(DEFAULT_STORAGE, "no storage is called '" + chosen.trim() + "' (configured: " + String.join(", ", names) + ")");
        }
        String open = d.valuesUnder(OPEN_STORAGES).get(OPEN_STORAGES);
        if (open != null) {
            for (String name : ConfigValues.parseList(open)) {
                if (!names.contains(name) && !OPEN_NONE.equals(name)) {
                    d.reject(OPEN_STORAGES, "no storage is called '" + name + "' (configured: " + String.join(", ", names) + ")");
                }
            }
        }
    }

    @Override
    public void started(Portal started) {
        this.portal = started;
        PortalConfigImpl config = started.config();
        String defaultName = config.string(DEFAULT_STORAGE).trim();
        Map<String, StorageSettings> configured = registry.configured(config, started, defaultName);
        Map<StorageRoles.Role, String> roles = StorageRoles.resolve(key -> config.get(key).orElse(null));
        boolean uploadsEnabled = config.bool(StorageRoles.UPLOADS_ENABLED);
        downloads = new FileDownloads(config.list(DownloadConfig.INLINE_CONTENT_TYPES),
                Duration.ofSeconds(config.integer(DownloadConfig.REDIRECT_TTL)));
        if (started.database() != null) {
            String secret = config.get(DownloadConfig.LINK_SECRET).orElse(null);
            downloadLinks = new DownloadLinks(() -> DownloadLinks.key(secret, started.dataDirectory()), started.database().dataSource(),
                    started.options().clock(), config.string(CoreConfig.SITE_URL));
        }
        if (started.database() == null) {
            storages = new Storages(configured, Map.of(), defaultName,
                    "the portal was started without its database, so no storage was opened", roles, uploadsEnabled);
            return;
        }
        Set<String> wanted = new TreeSet<>(config.list(OPEN_STORAGES));
        if (wanted.contains(OPEN_NONE)) {
            storages = new Storages(configured, Map.of(), defaultName, "this process opens storages itself (" + OPEN_STORAGES + " = -)",
                    roles, uploadsEnabled);
            return;
        }
        Map<String, ManagedStorage> open = registry.openAll(configured, wanted, defaultName);
        storages = new Storages(configured, open, defaultName,
                "this process opened only " + String.join(", ", wanted) + " (" + OPEN_STORAGES + ")", roles, uploadsEnabled);
    }

    /**
     * The orphan sweep (and the clean-up of multipart uploads past their lifetime,
     * {@code portal.files.orphan_sweep.multipart}) every {@code portal.files.orphan_sweep_interval} seconds, by whichever server
     * process claims it first ({@link dev.portalkit.runtime.files.tracked.FileVerification#sweepIfDue}); this process asks at most once
     * a minute (or once an interval, when that is shorter).
     */
    @Override
    public void upkeep(Portal serving) {
        int interval = serving.config().integer(FileApiConfig.ORPHAN_SWEEP_INTERVAL);
        if (interval <= 0 || serving.database() == null || storages == null) {
            return;
        }
        java.time.Instant now = serving.options().clock().instant();
        java.time.Instant asked = sweepAsked;
        java.time.Duration every = java.time.Duration.ofSeconds(Math.min(60, interval));
        if (asked != null && now.isBefore(asked.plus(every))) {
            return;
        }
        sweepAsked = now;
        java.time.Duration multipartLifetime = serving.config().bool(FileApiConfig.SWEEP_MULTIPART)
                ? java.time.Duration.ofDays(serving.config().integer(FileApiConfig.MAX_MULTIPART_LIFETIME)) : null;
        fileApi().verification().sweepIfDue(java.time.Duration.ofSeconds(interval),
                java.time.Duration.ofSeconds(serving.config().integer(FileApiConfig.ORPHAN_GRACE_PERIOD)), multipartLifetime,
                multipartLifetime == null ? null : serving.context(java.util.Optional.empty(), true));
    }

    @Override
    public void stopping() {
        Storages s = storages;
        storages = null;
        links = null;
        downloadLinks = null;
        downloads = null;
        portal = null;
        if (s != null) {
            s.close();
        }
    }

    // ---- what the rest of the runtime uses ------------------------------------------------------

    /** The storages of the running portal. */
    public Storages storages() {
        Storages s = storages;
        if (s == null) {
            throw new PortalException(dev.portalkit.api.ErrorKind.INTERNAL, "the files subsystem is not started");
        }
        return s;
    }

    /** The download service every download route uses. */
    public FileDownloads downloads() {
        FileDownloads d = downloads;
        if (d == null) {
            throw new PortalException(dev.portalkit.api.ErrorKind.INTERNAL, "the files subsystem is not started");
        }
        return d;
    }

    /** The key of download links: every node of a database must sign with the same one. */
    @Override
    public List<ClusterNodes.Secret> sharedSecrets() {
        DownloadLinks links = downloadLinks;
        if (links == null) {
            return List.of();
        }
        boolean configured = portal.config().get(DownloadConfig.LINK_SECRET).filter(s -> !s.isBlank()).isPresent();
        return List.of(new ClusterNodes.Secret("download links", DownloadConfig.LINK_SECRET, configured, links::keyFingerprint));
    }

    /**
     * Download links (temporal, one-time, permanent) for tracked files; what the File API's
     * {@code files_file_link} calls.
     */
    public DownloadLinks downloadLinks() {
        DownloadLinks l = downloadLinks;
        if (l == null) {
            throw new PortalException(dev.portalkit.api.ErrorKind.INTERNAL,
                    "download links need the files subsystem started with its database");
        }
        return l;
    }

    /** The storages, for injection: {@code @Inject Storages storages}. */
    @Produces
    public Storages storagesBean() {
        return storages();
    }

    /**
     * Opens a storage that is not in the configuration, from options as they would be configured
     * (keys relative to the storage: {@code type}, {@code path}, {@code max_size}, ...), validated
     * the same way. The caller closes it.
     *
     * @throws PortalException CONFIG_INVALID listing every problem, each naming its full key
     */
    public ManagedStorage openStorage(String name, Map<String, String> options) {
        return registry.openStorage(name, options);
    }

    /**
     * Opens a configured storage afresh, whether or not this process opened it at start (commands
     * started with {@code portal.files.open_storages = -} open the one storage they need). The
     * caller closes it.
     */
    public ManagedStorage openConfigured(String name) {
        StorageSettings settings = storages().configured().get(name);
        if (settings == null) {
            storages().get(name);
        }
        return registry.open(settings);
    }

    /** The storage adapters by type, with the plugin that contributed each. */
    public Map<String, StorageRegistry.Adapter> adapters() {
        return registry.adapters();
    }

    /** Names of the known location transformers. */
    public Set<String> transformerNames() {
        return registry.transformerNames();
    }

    /**
     * The names of the storages configured by {@code values} (raw configuration), or the
     * implicit {@code default} when there are none, with the implicit role storages derived from
     * the default storage ({@link StorageRoles}).
     */
    public static Set<String> configuredNames(Map<String, String> values) {
        Set<String> names = StorageOptions.names(values);
        String chosen = values.get(DEFAULT_STORAGE);
        String defaultName = chosen == null || chosen.isBlank() ? IMPLICIT_STORAGE : chosen.trim();
        return StorageRoles.withImplicit(names.isEmpty() ? Set.of(IMPLICIT_STORAGE) : names, defaultName);
    }

    /** The files plugin of a started portal. */
    public static FilesPlugin of(Portal portal) {
        return of(portal.plugins());
    }

    /** The files plugin among resolved plugins (its adapters are known once they are resolved). */
    public static FilesPlugin of(PluginSet plugins) {
        return plugins.implementing(FilesPlugin.class).stream().findFirst().map(PluginSet.Named::plugin)
                .orElseThrow(() -> new PortalException(dev.portalkit.api.ErrorKind.INTERNAL, "the files plugin is not enabled"));
    }
}
