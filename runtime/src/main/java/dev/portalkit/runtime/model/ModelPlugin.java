package dev.portalkit.runtime.model;

import dev.portalkit.api.ErrorKind;
import dev.portalkit.api.PortalException;
import dev.portalkit.api.action.Action;
import dev.portalkit.api.action.IActions;
import dev.portalkit.api.auth.AuthFunction;
import dev.portalkit.api.auth.AuthResult;
import dev.portalkit.api.auth.IAuthFunctions;
import dev.portalkit.api.config.ConfigDeclaration;
import dev.portalkit.api.config.IConfigDeclarations;
import dev.portalkit.api.plugin.IMigrations;
import dev.portalkit.api.plugin.PortalPlugin;
import dev.portalkit.api.validation.IValidators;
import dev.portalkit.api.validation.Validator;
import dev.portalkit.runtime.BootOptions;
import dev.portalkit.runtime.Portal;
import dev.portalkit.runtime.config.PortalConfigImpl;
import dev.portalkit.runtime.core.CoreConfig;
import dev.portalkit.runtime.action.ActionDocs;
import dev.portalkit.runtime.action.AuthRegistry;
import dev.portalkit.runtime.db.Transactions;
import dev.portalkit.runtime.event.EntityHookDispatcher;
import dev.portalkit.runtime.files.registry.StorageRoles;
import dev.portalkit.runtime.files.IUploadTargets;
import dev.portalkit.runtime.files.UploadTarget;
import dev.portalkit.runtime.uploader.EntityUploads;
import dev.portalkit.runtime.plugin.BuiltIn;
import dev.portalkit.runtime.plugin.PluginSet;
import dev.portalkit.runtime.search.SearchPlugin;
import dev.portalkit.api.validation.Invalid;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.IntConsumer;
import java.util.function.Supplier;

/**
 * The portal model as a built-in plugin: users, API tokens, organizations, groups, datasets and
 * resources, with CKAN's action names, semantics and default auth rules, the validators the core
 * schemas name for them, the {@code portal.auth.*} options and the model's migrations.
 * Configured plugins wrap or replace any of its actions, auth functions and validators.
 */
@BuiltIn
@ApplicationScoped
public class ModelPlugin implements PortalPlugin, IActions, IAuthFunctions, IValidators, IConfigDeclarations, IMigrations,
        IUploadTargets, Portal.Subsystem {
    @Inject
    Portal portal;

    private volatile Parts parts;
    private volatile DatasetIndexing indexing;
    private volatile AuthenticationThrottle throttle;
    private volatile SiteOptions siteOptions;

    /** Everything the plugin contributes, built on first use (plugin constructors do no work). */
    private record Parts(Map<String, Action> actions, Map<String, AuthFunction> auth, Map<String, Validator> validators) {
    }

    @Override
    public String name() {
        return "model";
    }

    @Override
    public String description() {
        return "Portal model: users, API tokens, organizations, groups, datasets, resources (CKAN's actions)";
    }

    @Override
    public String migrationLocation() {
        return "db/migration/model";
    }

    @Override
    public void declareConfig(ConfigDeclaration declaration) {
        ModelConfig.declare(declaration);
        AuthenticationThrottle.declare(declaration);
    }

    @Override
    public Map<String, Action> actions() {
        return parts().actions();
    }

    @Override
    public Map<String, AuthFunction> authFunctions() {
        return parts().auth();
    }

    @Override
    public Map<String, Validator> validators() {
        return parts().validators();
    }

    /**
     * Resource files and images go to the storage of their upload role (unless a plugin's uploader
     * keeps them), piped there while they arrive like {@code files_file_create}'s.
     */
    @Override
    public Map<String, UploadTarget> uploadTargets() {
        EntityUploads uploads = new EntityUploads(portal);
        UploadTarget resource = uploads.uploadTarget(StorageRoles.Role.RESOURCE, ResourceActions.UPLOAD);
        UploadTarget group = uploads.uploadTarget(StorageRoles.Role.GROUP, EntityUploads.IMAGE_UPLOAD);
        UploadTarget user = uploads.uploadTarget(StorageRoles.Role.USER, EntityUploads.IMAGE_UPLOAD);
        Map<String, UploadTarget> targets = new LinkedHashMap<>();
        for (String action : new String[] {"resource_create", "resource_update", "resource_patch"}) {
            targets.put(action, resource);
        }
        for (String action : new String[] {"group_create", "group_update", "organization_create", "organization_update"}) {
            targets.put(action, group);
        }
        targets.put("user_create", user);
        targets.put("user_update", user);
        targets.put("config_option_update", uploads.uploadTarget(StorageRoles.Role.ADMIN, SiteOptions.LOGO_UPLOAD));
        return targets;
    }

    /** The types file of {@code portal.mimetypes_file} must be readable and well formed. */
    @Override
    public void configValidated(PortalConfigImpl config) {
        ResourceMimetypes.check(config);
    }

    /** Makes the options a sysadmin stored (config_option_update) the portal's, once the database is ready. */
    @Override
    public void started(Portal started) {
        if (schemaCurrent(started)) {
            applySiteOptions(started);
        }
    }

    /** Picks up options another process of the portal stored since. */
    @Override
    public void upkeep(Portal running) {
        if (schemaCurrent(running)) {
            applySiteOptions(running);
        }
    }

    /**
     * Whether the model's tables are there to read: a portal that migrated (or checked) its schema at
     * start; commands that only connect ({@code db upgrade}, most of the CLI) may run on an empty or
     * older database.
     */
    private static boolean schemaCurrent(Portal portal) {
        return portal.transactions() != null && portal.options().database() == BootOptions.Database.AUTO;
    }

    private void applySiteOptions(Portal running) {
        running.config().runtimeValues(siteOptions().load());
    }

    private SiteOptions siteOptions() {
        SiteOptions s = siteOptions;
        if (s == null) {
            synchronized (this) {
                if (siteOptions == null) {
                    siteOptions = new SiteOptions(store(), new EntityUploads(portal),
                            step -> portal.dispatcher().afterCommit(step), values -> portal.config().runtimeValues(values));
                }
                s = siteOptions;
            }
        }
        return s;
    }

    /** The throttle of every credential check of this portal (API tokens, passwords), made on first use. */
    public AuthenticationThrottle throttle() {
        AuthenticationThrottle t = throttle;
        if (t == null) {
            synchronized (this) {
                if (throttle == null) {
                    throttle = AuthenticationThrottle.of(portal.config(), portal.options().clock());
                }
                t = throttle;
            }
        }
        return t;
    }

    private Parts parts() {
        Parts p = parts;
        if (p == null) {
            synchronized (this) {
                if (parts == null) {
                    parts = build();
                }
                p = parts;
            }
        }
        return p;
    }

    private ModelStore store() {
        return new ModelStore(new ModelStore.Database() {
            @Override
            public EntityManager em() {
                return entityManager();
            }

            @Override
            public <T> T inTransaction(Supplier<T> work) {
                return portal.inTransaction(work);
            }
        });
    }

    private Parts build() {
        ModelStore store = store();
        Permissions permissions = new Permissions(store);
        EntityUploads uploads = new EntityUploads(portal);
        Supplier<Licenses> licenses = Licenses.lazily(() -> portal.config().string(ModelConfig.LICENSES_GROUP_URL));
        ModelDicts dicts = new ModelDicts(store, permissions, uploads, () -> portal.config().string(CoreConfig.SITE_URL), licenses);
        DatasetIndexing indexing = new DatasetIndexing(store, dicts, () -> SearchPlugin.of(portal));
        Map<String, Action> actions = new LinkedHashMap<>();
        Map<String, AuthFunction> auth = new LinkedHashMap<>();
        Supplier<EntityHookDispatcher> hooks = portal::entityHooks;
        new UserActions(store, dicts, uploads, this::throttle).register(actions, auth);
        new ApiTokenActions(store).register(actions, auth);
        new GroupActions(store, permissions, dicts, uploads, true, hooks, indexing).register(actions, auth);
        new GroupActions(store, permissions, dicts, uploads, false, hooks, indexing).register(actions, auth);
        ResourceActions resources = new ResourceActions(store, dicts, uploads, hooks, indexing);
        TagActions tags = new TagActions(store, indexing);
        tags.register(actions, auth);
        new PackageActions(store, permissions, dicts, resources, hooks, tags, indexing).register(actions, auth);
        resources.register(actions, auth);
        siteOptions().register(actions, auth);
        PackageSearch search = new PackageSearch(store, permissions, dicts, indexing, licenses);
        actions.put("package_search", Action.validating(PackageSearch.PARAMETERS, Action.sideEffectFree(search::search)));
        auth.put("package_search", AuthFunction.allowAnonymous((ctx, data) -> AuthResult.allow()));
        actions.put("license_list", Action.sideEffectFree((ctx, data) -> licenses.get().all().stream().map(Licenses.License::dict).toList()));
        auth.put("license_list", AuthFunction.allowAnonymous((ctx, data) -> AuthResult.allow()));
        Map<String, Validator> validators = new LinkedHashMap<>(new ModelValidators(store, permissions).validators());
        tags.validators(validators);
        validators.put("license_id_exists", f -> {
            if (f.value() instanceof String id && !id.isBlank() && licenses.get().get(id.strip()) == null) {
                throw new Invalid("License not found: '" + id + "' is not in license_list");
            }
        });
        // Every function lets sysadmins pass itself, so plugins may chain them forSysadminsToo.
        Map<String, AuthFunction> sysadminAware = new LinkedHashMap<>();
        auth.forEach((name, fn) -> sysadminAware.put(name, AuthRegistry.sysadminsPass(fn)));
        this.indexing = indexing;
        return new Parts(Map.copyOf(ActionDocs.document(actions)), Map.copyOf(sysadminAware), Map.copyOf(validators));
    }

    /**
     * {@code portalkit search-index rebuild}: empties the dataset search index and indexes every
     * dataset again, in one transaction (searches see the old index until it commits).
     *
     * @param progress told the number of datasets indexed so far, after each batch
     * @return how many datasets were indexed
     */
    public int rebuildSearchIndex(IntConsumer progress) {
        parts();
        DatasetIndexing target = indexing;
        return portal.inTransaction(() -> target.rebuild(portal.context(Optional.empty(), true), progress));
    }

    /** The model plugin of a started portal. */
    public static ModelPlugin of(Portal portal) {
        return portal.plugins().implementing(ModelPlugin.class).stream().findFirst().map(PluginSet.Named::plugin)
                .orElseThrow(() -> new PortalException(ErrorKind.INTERNAL, "the model plugin is not enabled"));
    }

    private EntityManager entityManager() {
        Transactions transactions = portal.transactions();
        if (transactions == null) {
            throw new PortalException(ErrorKind.INTERNAL, "the portal was started without a database");
        }
        return transactions.em();
    }
}
