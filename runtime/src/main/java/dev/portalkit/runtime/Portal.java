package dev.portalkit.runtime;

import dev.portalkit.api.ErrorKind;
import dev.portalkit.api.PortalException;
import dev.portalkit.api.action.ActionContext;
import dev.portalkit.api.action.UserRef;
import dev.portalkit.api.config.IConfigDeclarations;
import dev.portalkit.api.config.PortalConfig;
import dev.portalkit.api.plugin.IMigrations;
import dev.portalkit.api.plugin.PortalPlugin;
import dev.portalkit.runtime.action.ActionContextImpl;
import dev.portalkit.runtime.action.ActionDispatcher;
import dev.portalkit.runtime.action.ActionRegistry;
import dev.portalkit.runtime.action.AuthRegistry;
import dev.portalkit.runtime.cluster.ClusterNodes;
import dev.portalkit.runtime.config.DeclaredOptions;
import dev.portalkit.runtime.config.PortalConfigImpl;
import dev.portalkit.runtime.core.CoreConfig;
import dev.portalkit.runtime.core.CoreSchemas;
import dev.portalkit.runtime.db.Database;
import dev.portalkit.runtime.db.RowCache;
import dev.portalkit.runtime.db.EntityTypes;
import dev.portalkit.runtime.db.Transactions;
import dev.portalkit.runtime.event.EntityHookDispatcher;
import dev.portalkit.runtime.job.JobRecord;
import dev.portalkit.runtime.job.JobRunner;
import dev.portalkit.runtime.plugin.PluginInfo;
import dev.portalkit.runtime.plugin.PluginSet;
import dev.portalkit.runtime.task.TaskRecord;
import dev.portalkit.runtime.task.TaskRunner;
import dev.portalkit.runtime.validation.Validation;
import dev.portalkit.runtime.validation.ValidatorRegistry;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Any;
import jakarta.enterprise.inject.Instance;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Inject;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.logging.Logger;

/**
 * The assembled host. One CDI bean in both deployment modes (Weld SE standalone, the app
 * server's CDI in a WAR); {@link #start} wires config, plugins, database and registries in
 * that order and fails with a CONFIG_INVALID {@link PortalException} naming what is wrong.
 */
@ApplicationScoped
public class Portal {
    private static final Logger LOG = Logger.getLogger(Portal.class.getName());

    @Inject
    @Any
    Instance<PortalPlugin> pluginBeans;

    @Inject
    @Any
    Instance<EntityTypes> entityTypes;

    private volatile State state;

    /** Everything {@link #start} builds. */
    private record State(BootOptions options, PortalConfigImpl config, PluginSet plugins, Path dataDir,
                         Database database, Transactions transactions, Validation validation,
                         ActionDispatcher dispatcher, TaskRunner tasks, JobRunner jobs, EntityHookDispatcher entityHooks) {
    }

    /** Resolves the data directory from the loaded config (before the container starts, too). */
    public static Path dataDir(PortalConfigImpl config) {
        return Path.of(config.get(CoreConfig.DATA_DIR).orElse("./portal-data")).toAbsolutePath().normalize();
    }

    /** The plugins directory: {@code portal.plugins_dir}, else {@code <data-dir>/plugins}. */
    public static Path pluginsDir(PortalConfigImpl config) {
        return config.get(CoreConfig.PLUGINS_DIR).map(p -> Path.of(p).toAbsolutePath().normalize())
                .orElse(dataDir(config).resolve("plugins"));
    }

    public synchronized void start(BootOptions options) {
        start(options, PortalConfigImpl.load(options.effectiveConfigFile(), options.effectiveOverrides()));
    }

    public synchronized void start(BootOptions options, PortalConfigImpl config) {
        if (state != null) {
            throw new PortalException(ErrorKind.INTERNAL, "the portal is started already");
        }
        PluginSet plugins = resolveAndValidate(pluginBeans, config);
        List<PluginSet.Named<Subsystem>> subsystems = plugins.implementing(Subsystem.class);
        Path dataDir = dataDir(config);
        Database database = null;
        Transactions transactions = null;
        try {
            if (options.database() != BootOptions.Database.NONE) {
                DataDirectory.prepare(dataDir, DataDirectory.publicStorageFolders(config.rawValues()));
                database = Database.open(config.get(CoreConfig.DB_JNDI).orElse(null),
                        config.get(CoreConfig.DB_URL).orElse(Database.defaultUrl(dataDir)),
                        config.get(CoreConfig.DB_USER).orElse(null), config.get(CoreConfig.DB_PASSWORD).orElse(null),
                        config.integer(CoreConfig.DB_POOL_SIZE), Duration.ofSeconds(config.integer(CoreConfig.DB_CONNECT_TIMEOUT)));
                List<Class<?>> entities = new ArrayList<>();
                entities.add(TaskRecord.class);
                entities.add(JobRecord.class);
                for (EntityTypes types : entityTypes) {
                    entities.addAll(types.entityClasses());
                }
                // Hibernate boots beside the migrations (it reads nothing of the database while it does); a failed
                // migration is still what the start reports.
                database.buildEntityManagerFactoryInBackground(entities, TaskRunner::prepareQueries);
                if (options.database() == BootOptions.Database.AUTO) {
                    if (config.bool(CoreConfig.DB_AUTO_UPGRADE)) {
                        upgrade(database, plugins, null);
                    } else {
                        requireUpToDate(database, plugins);
                    }
                }
                transactions = new Transactions(database.entityManagerFactory(entities), database.dataSource(), database.rowChanges(),
                        new RowCache.Settings(Duration.ofSeconds(config.integer(CoreConfig.DB_CACHE_TTL)),
                                config.integer(CoreConfig.DB_CACHE_ENTRIES)));
            }
            ValidatorRegistry validators = new ValidatorRegistry(plugins);
            Validation validation = new Validation(plugins, validators, CoreSchemas.all());
            ActionDispatcher dispatcher = new ActionDispatcher(new ActionRegistry(plugins), new AuthRegistry(plugins), transactions);
            TaskRunner.Settings settings = new TaskRunner.Settings(config.integer(CoreConfig.TASKS_MAX_ATTEMPTS),
                    Duration.ofSeconds(config.integer(CoreConfig.TASKS_RETRY_DELAY)),
                    Duration.ofSeconds(config.integer(CoreConfig.TASKS_LEASE)), config.bool(CoreConfig.TASKS_RUN_AFTER_COMMIT));
            TaskRunner tasks = new TaskRunner(plugins, transactions, dispatcher, settings, options.clock(),
                    user -> new ActionContextImpl(dispatcher, validation, config, user, true));
            dispatcher.attach(tasks);
            JobRunner jobs = null;
            if (transactions != null) {
                jobs = new JobRunner(plugins, transactions, database.isPostgres(), dispatcher, JobRunner.Settings.of(config),
                        options.clock(), user -> new ActionContextImpl(dispatcher, validation, config, user, true));
                dispatcher.attachJobs(jobs::queueFor);
            }
            state = new State(options, config, plugins, dataDir, database, transactions, validation, dispatcher, tasks, jobs,
                    new EntityHookDispatcher(plugins, dispatcher));
            for (PluginSet.Named<Subsystem> s : subsystems) {
                s.plugin().started(this);
            }
        } catch (IOException e) {
            stopSubsystems(plugins);
            state = null;
            closeQuietly(database);
            throw PortalException.config("portal.data_dir: cannot create " + dataDir + ": " + e.getMessage());
        } catch (RuntimeException e) {
            stopSubsystems(plugins);
            state = null;
            closeQuietly(database);
            throw e;
        }
        if (options.runPendingTasks() && options.database() == BootOptions.Database.AUTO) {
            int ran = state.tasks().runDue();
            if (ran > 0) {
                LOG.info("ran " + ran + " pending post-commit task(s) left from before the start");
            }
        }
    }

    /**
     * What {@link #start} does before it opens or builds anything, and all that a command reading
     * only declarations needs ({@link PortalDeclarations}): the plugins resolved against
     * {@code portal.plugins}, the subsystems told ({@link Subsystem#pluginsResolved}), the
     * configuration validated against the enabled plugins' declarations and checked by the
     * subsystems ({@link Subsystem#configValidated}).
     *
     * @throws PortalException CONFIG_INVALID for an unknown plugin name or a bad value, naming it
     */
    static PluginSet resolveAndValidate(Iterable<PortalPlugin> beans, PortalConfigImpl config) {
        PluginSet plugins = PluginSet.resolve(beans, config.list(CoreConfig.PLUGINS));
        plugins.implementing(Subsystem.class).forEach(s -> s.plugin().pluginsResolved(plugins));
        config.validate(declarations(plugins, config));
        plugins.implementing(Subsystem.class).forEach(s -> s.plugin().configValidated(config));
        return plugins;
    }

    static DeclaredOptions declarations(PluginSet plugins, PortalConfigImpl config) {
        DeclaredOptions declared = new DeclaredOptions();
        List<PluginSet.Named<IConfigDeclarations>> declarers = new ArrayList<>(
                plugins.implementing(IConfigDeclarations.class).stream().filter(PluginSet.Named::builtIn).toList());
        declarers.addAll(plugins.implementing(IConfigDeclarations.class).stream().filter(n -> !n.builtIn()).toList());
        for (PluginSet.Named<IConfigDeclarations> named : declarers) {
            named.plugin().declareConfig(declared.declarerFor(named.name(), config.rawValues()));
        }
        return declared;
    }

    /** Migrations in order: built-ins first, then configured plugins in {@code portal.plugins} order. */
    private static List<PluginSet.Named<IMigrations>> migrations(PluginSet plugins) {
        List<PluginSet.Named<IMigrations>> all = new ArrayList<>(
                plugins.implementing(IMigrations.class).stream().filter(PluginSet.Named::builtIn).toList());
        all.addAll(plugins.implementing(IMigrations.class).stream().filter(n -> !n.builtIn()).toList());
        return all;
    }

    /**
     * Applies pending migrations of every enabled plugin, or only of {@code onlyPlugin}.
     *
     * @return applied migrations per plugin name
     */
    private static Map<String, Integer> upgrade(Database database, PluginSet plugins, String onlyPlugin) {
        Map<String, Integer> applied = new LinkedHashMap<>();
        boolean found = false;
        for (PluginSet.Named<IMigrations> named : migrations(plugins)) {
            if (onlyPlugin != null && !onlyPlugin.equals(named.name())) {
                continue;
            }
            found = true;
            ClassLoader loader = PluginSet.realClass(named.plugin()).getClassLoader();
            applied.put(named.name(), database.migrate(named.name(), named.plugin().migrationLocation(), loader));
        }
        if (onlyPlugin != null && !found) {
            throw PortalException.badRequest("plugin '" + onlyPlugin + "' is not enabled or has no migrations");
        }
        return applied;
    }

    private static void requireUpToDate(Database database, PluginSet plugins) {
        for (PluginSet.Named<IMigrations> named : migrations(plugins)) {
            ClassLoader loader = PluginSet.realClass(named.plugin()).getClassLoader();
            int pending = database.pending(named.name(), named.plugin().migrationLocation(), loader);
            if (pending > 0) {
                throw PortalException.config("the database is not up to date: " + pending + " migration(s) of '"
                        + named.name() + "' are pending; run `portalkit db upgrade` (portal.db.auto_upgrade is false)");
            }
        }
    }

    /** {@code portalkit db upgrade [-p PLUGIN]}. */
    public Map<String, Integer> upgradeDatabase(String onlyPlugin) {
        State s = started();
        if (s.database() == null) {
            throw new PortalException(ErrorKind.INTERNAL, "the portal was started without a database");
        }
        return upgrade(s.database(), s.plugins(), onlyPlugin);
    }

    @PreDestroy
    public synchronized void stop() {
        State s = state;
        state = null;
        if (s != null) {
            stopSubsystems(s.plugins());
            closeQuietly(s.database());
        }
    }

    private static void stopSubsystems(PluginSet plugins) {
        for (PluginSet.Named<Subsystem> s : plugins.implementing(Subsystem.class)) {
            try {
                s.plugin().stopping();
            } catch (RuntimeException e) {
                LOG.warning("stopping " + s.name() + " failed: " + e.getMessage());
            }
        }
    }

    private static void closeQuietly(Database database) {
        if (database != null) {
            try {
                database.close();
            } catch (RuntimeException ignored) {
                // closing on the way out: nothing more to do
            }
        }
    }

    private State started() {
        State s = state;
        if (s == null) {
            throw new PortalException(ErrorKind.INTERNAL, "the portal is not started");
        }
        return s;
    }

    /**
     * Runs the periodic upkeep of every subsystem ({@link Subsystem#upkeep}); a failure of one is
     * logged and does not stop the others. Called by the server's poller.
     */
    public void upkeep() {
        State s = started();
        for (PluginSet.Named<Subsystem> subsystem : s.plugins().implementing(Subsystem.class)) {
            try {
                subsystem.plugin().upkeep(this);
            } catch (RuntimeException e) {
                LOG.log(java.util.logging.Level.WARNING, "upkeep of " + subsystem.name() + " failed: " + e.getMessage(), e);
            }
        }
    }

    /**
     * Registers this process as one of the portal's nodes ({@link ClusterNodes}), with the secrets
     * its subsystems say nodes must share: what a serving process ({@code serve}, the WAR) does at
     * start, before it listens; it fails naming the option when a live node holds another secret.
     *
     * @param executor an executor of the app server for the heartbeat, or {@code null} for a thread of its own
     */
    public ClusterNodes joinCluster(ScheduledExecutorService executor) {
        List<ClusterNodes.Secret> secrets = new ArrayList<>();
        if (database() != null) {
            for (var holder : plugins().implementing(ClusterNodes.SecretHolder.class)) {
                secrets.addAll(holder.plugin().sharedSecrets());
            }
        }
        return ClusterNodes.join(database() == null ? null : database().dataSource(), options().clock(),
                Duration.ofSeconds(config().integer(ClusterNodes.HEARTBEAT_INTERVAL)), secrets, executor);
    }

    public boolean isStarted() {
        return state != null;
    }

    /** Calls an action for a user (empty = anonymous), with auth checks. */
    public Object call(String action, Optional<UserRef> user, Map<String, Object> data) {
        return context(user, false).call(action, data);
    }

    /** A fresh context for a call from outside (HTTP, CLI, tests). */
    public ActionContext context(Optional<UserRef> user, boolean ignoreAuth) {
        State s = started();
        return new ActionContextImpl(s.dispatcher(), s.validation(), s.config(), user, ignoreAuth);
    }

    /** Runs runtime-internal work in a transaction (joined when one is active), with post-commit tasks. */
    public <T> T inTransaction(Supplier<T> work) {
        State s = started();
        if (s.transactions() == null) {
            throw new PortalException(ErrorKind.INTERNAL, "the portal was started without a database");
        }
        return s.dispatcher().outermost(work);
    }

    /**
     * {@link #inTransaction}, except that a new transaction opens only when the work first uses the
     * entity manager ({@link Transactions#deferred}); reads through {@link Transactions#read} before
     * that run on a pooled connection, each in a transaction of its own.
     */
    public <T> T inDeferredTransaction(Supplier<T> work) {
        State s = started();
        if (s.transactions() == null) {
            throw new PortalException(ErrorKind.INTERNAL, "the portal was started without a database");
        }
        return s.dispatcher().outermost(work, true);
    }

    public PortalConfigImpl config() {
        return started().config();
    }

    @Produces
    public PortalConfig portalConfig() {
        return started().config();
    }

    public PluginSet plugins() {
        return started().plugins();
    }

    public List<PluginInfo> discoveredPlugins() {
        return started().plugins().discovered();
    }

    public Path dataDirectory() {
        return started().dataDir();
    }

    public Database database() {
        return started().database();
    }

    public Transactions transactions() {
        return started().transactions();
    }

    public Validation validation() {
        return started().validation();
    }

    public ActionDispatcher dispatcher() {
        return started().dispatcher();
    }

    public TaskRunner tasks() {
        return started().tasks();
    }

    /** The background job queue; UNSUPPORTED when the portal runs without a database. */
    public JobRunner jobs() {
        JobRunner jobs = started().jobs();
        if (jobs == null) {
            throw new PortalException(ErrorKind.UNSUPPORTED, "background jobs need the portal's database");
        }
        return jobs;
    }

    /** The enabled plugins' lifecycle hooks ({@link dev.portalkit.api.event.IEntityHooks}), for the model's and files' actions. */
    public EntityHookDispatcher entityHooks() {
        return started().entityHooks();
    }

    public BootOptions options() {
        return started().options();
    }

    /**
     * Runtime-internal lifecycle hooks for built-in plugins that own a subsystem (files, web):
     * {@link #pluginsResolved} before config declarations are collected (so declarations can depend
     * on what other plugins contribute, e.g. storage adapter options), {@link #configValidated}
     * once the configuration is validated, {@link #started} once the
     * database and registries are ready (before pending tasks run), {@link #stopping} on stop, and
     * {@link #upkeep} for periodic work of a serving portal.
     */
    public interface Subsystem {
        default void pluginsResolved(PluginSet plugins) {
        }

        /**
         * Checks of the validated configuration that need nothing started, e.g. that a file an
         * option names is readable; the commands that read only declarations make them too.
         *
         * @throws PortalException CONFIG_INVALID naming the option
         */
        default void configValidated(PortalConfigImpl config) {
        }

        default void started(Portal portal) {
        }

        default void stopping() {
        }

        /**
         * Periodic upkeep of a serving portal (the server's poller calls it every
         * {@code portal.tasks.poll_interval} seconds, a minute when that is off; command-line runs never
         * do): the subsystem does what is due, e.g. the files plugin's orphan sweep.
         */
        default void upkeep(Portal portal) {
        }
    }
}
