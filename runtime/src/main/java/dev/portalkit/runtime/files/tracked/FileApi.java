package dev.portalkit.runtime.files.tracked;

import dev.portalkit.api.PortalException;
import dev.portalkit.api.ValidationException;
import dev.portalkit.api.action.Action;
import dev.portalkit.api.action.ActionContext;
import dev.portalkit.api.action.UserRef;
import dev.portalkit.api.auth.AuthFunction;
import dev.portalkit.api.auth.AuthResult;
import dev.portalkit.runtime.action.ActionDocs;
import dev.portalkit.runtime.action.AuthRegistry;
import dev.portalkit.api.files.Capability;
import dev.portalkit.api.files.FileData;
import dev.portalkit.api.files.IFiles;
import dev.portalkit.api.files.ManagedStorage;
import dev.portalkit.api.files.OwnerGetter;
import dev.portalkit.api.task.TaskHandler;
import dev.portalkit.api.validation.Validator;
import dev.portalkit.api.validation.ValidatorFactory;
import dev.portalkit.runtime.action.FieldFailure;
import dev.portalkit.runtime.event.EntityHookDispatcher;
import dev.portalkit.runtime.files.FileLinks;
import dev.portalkit.runtime.files.registry.Storages;
import dev.portalkit.runtime.files.download.DownloadableFile;
import jakarta.persistence.EntityManager;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.function.Supplier;

/**
 * The File API of the files plugin: tracked files and their actions, auth functions, validators
 * and post-commit tasks (seed 003's names). See {@code docs/files-api.md}.
 */
public final class FileApi {
    /** What the File API needs from the running portal. */
    public interface Host {
        /** The entity manager of the current transaction. */
        EntityManager em();

        /** Runs {@code work} in the current transaction, or in a new one. */
        <T> T inTransaction(Supplier<T> work);

        Storages storages();

        /** Undo work for when the running call's transaction rolls back; false outside a call. */
        boolean onRollback(Runnable step);

        /**
         * Runs {@code work} in a database transaction of its own, committed when it returns: for an
         * undo step ({@link #onRollback}, run after the call's rollback) that must record what the
         * failed call could not, e.g. that a refused upload is gone.
         */
        <T> T inOwnTransaction(Supplier<T> work);

        /** Enabled plugins' {@link IFiles} hooks, in plugin order. */
        List<IFiles> hooks();

        /** Owner getters by owner type. */
        Map<String, OwnerGetter> ownerGetters();

        FileLinks links();

        /** A context for a call of the portal itself: no user, auth skipped (checks made for another user start from it). */
        ActionContext systemContext();

        /** The enabled plugins' lifecycle hooks: file created, deleted, transferred, renamed, pinned. */
        EntityHookDispatcher entityHooks();

        /**
         * The portal's transactions, for plain JDBC reads that need no entity ({@link
         * dev.portalkit.runtime.db.Transactions#read}); null: entities only.
         */
        default dev.portalkit.runtime.db.Transactions transactions() {
            return null;
        }

        /** The portal's clock (tests move it): multipart start times and their lifetime. */
        default java.time.Clock clock() {
            return java.time.Clock.systemUTC();
        }
    }

    private final Host host;
    private final FileStore store;
    private final FileActions files;
    private final ResumableUploads resumable;
    private final Map<String, Action> actions = new LinkedHashMap<>();
    private final Map<String, AuthFunction> auth = new LinkedHashMap<>();
    private final Map<String, Validator> validators;
    private final Map<String, ValidatorFactory> factories;
    private final Map<String, TaskHandler> tasks;

    public FileApi(Host host) {
        this.host = host;
        this.store = new FileStore(host);
        FilePermissions permissions = new FilePermissions(host, store);
        this.files = new FileActions(this, store, permissions);
        Map<String, AuthFunction> plain = new LinkedHashMap<>();
        permissions.register(plain);
        files.register(actions, plain);
        new CkanFileActions(files, store, permissions).register(actions, plain);
        new MultipartActions(this, store, permissions).register(actions, plain);
        this.resumable = new ResumableUploads(this, store);
        // portal.uploads_enabled = false turns off every way bytes come in.
        for (String starts : List.of("files_file_create", "file_create", "files_multipart_start")) {
            Action action = actions.get(starts);
            actions.put(starts, ActionDocs.sameKind(action, (ctx, data) -> {
                host.storages().requireUploads("upload");
                return action.call(ctx, data);
            }));
        }
        actions.putAll(ActionDocs.document(actions));
        // Every function lets sysadmins pass itself, so plugins may chain them forSysadminsToo.
        plain.forEach((name, fn) -> auth.put(name, AuthRegistry.sysadminsPass(fn)));
        FileValidators v = new FileValidators(this, store, permissions);
        this.validators = v.validators();
        this.factories = v.factories();
        this.tasks = new FileTasks(this, store).handlers();
    }

    /** Resumable (tus) uploads: their state and bytes between requests. */
    public ResumableUploads resumable() {
        return resumable;
    }

    public Map<String, Action> actions() {
        return actions;
    }

    public Map<String, AuthFunction> authFunctions() {
        return auth;
    }

    public Map<String, Validator> validators() {
        return validators;
    }

    public Map<String, ValidatorFactory> validatorFactories() {
        return factories;
    }

    public Map<String, TaskHandler> taskHandlers() {
        return tasks;
    }

    /**
     * Unfinished multipart uploads as {@code files_multipart_list} shows them (with {@code received}
     * bytes), oldest first: of {@code storage} ({@code null}: all), started before
     * {@code startedBefore} ({@code null}: any time), at most {@code max}. For maintenance commands
     * ({@code files scan -u}, {@code files verify}: stale uploads are those started before now minus
     * {@code portal.files.max_multipart_lifetime} days).
     */
    public List<Map<String, Object>> multipartUploads(String storage, java.time.Instant startedBefore, int max) {
        return host.inTransaction(() -> store.multipartUploads(storage, startedBefore, 0, max).stream()
                .map(FileStore::multipartProgress).toList());
    }

    /** How many unfinished multipart uploads {@link #multipartUploads} would find without a limit. */
    public long countMultipartUploads(String storage, java.time.Instant startedBefore) {
        return host.inTransaction(() -> store.countMultipartUploads(storage, startedBefore));
    }

    /**
     * The file a verified download link leads to, as {@code files_file_show} describes it, when the
     * link still holds:
     * <ul>
     *   <li>the file exists (else NOT_FOUND);</li>
     *   <li>its link generation is the link's ({@code files_file_link_revoke} raises it; else 403);</li>
     *   <li>the user who made the link still exists, is active and may {@code show} the file, by the
     *       same auth function and hooks as {@code files_file_show} for them now (a dataset turned
     *       private, a member removed, a deleted user: 403). Not asked for links the portal itself
     *       made, nor for files of a storage readable by anyone anyway ({@code public}, or one that
     *       makes public links).</li>
     * </ul>
     */
    public DownloadableFile linkedFile(dev.portalkit.runtime.files.download.DownloadLinks.Grant grant) {
        return host.inTransaction(() -> {
            FileRecord f = store.file(grant.fileId());
            if (f == null) {
                throw new FieldFailure(dev.portalkit.api.ErrorKind.NOT_FOUND, "id", "File not found: " + grant.fileId(), null);
            }
            if (f.linkGeneration != grant.generation()) {
                throw PortalException.denied("This download link was revoked");
            }
            if (grant.bySystem() || readableByAnyone(f.storage)) {
                return downloadable(f);
            }
            ActionContext system = host.systemContext();
            OwnerGetter users = host.ownerGetters().get(FilePermissions.USER);
            Optional<Map<String, Object>> maker = users == null ? Optional.empty() : users.find(system, grant.makerId());
            if (maker.isEmpty() || (maker.get().get("state") != null && !"active".equals(maker.get().get("state")))) {
                throw PortalException.denied("This download link no longer works: the user who made it is not active any more");
            }
            UserRef who = new UserRef(grant.makerId(), String.valueOf(maker.get().get("name")),
                    Boolean.TRUE.equals(maker.get().get("sysadmin")));
            Map<String, Object> data = new LinkedHashMap<>();
            data.put("id", f.id);
            if (!system.withUser(Optional.of(who)).withIgnoreAuth(false).checkAccess(FilePermissions.DOWNLOAD_FILE, data).allowed()) {
                throw PortalException.denied("This download link no longer works: the user who made it may not download the file any more");
            }
            return downloadable(f);
        });
    }

    /**
     * The tracked file {@code id} for a download by {@code caller}: {@code permission_download_file}
     * for the caller is the permission check (its auth function and any plugin's chained one; asked
     * on its own, not as {@code files_file_show}), the file is read as the record it is. In a
     * deferred transaction ({@code Portal.inDeferredTransaction}) that the permission functions left
     * unopened (a sysadmin, and no plugin's function that reads entities), the record is one plain
     * read of its row: the download route then needs no entity manager at all.
     */
    public DownloadableFile downloadable(ActionContext caller, String id) {
        if (id == null || id.isBlank()) {
            throw ValidationException.of("id", "Missing value");
        }
        return host.inTransaction(() -> {
            Map<String, Object> data = new LinkedHashMap<>();
            data.put("id", id);
            AuthResult allowed = caller.checkAccess(FilePermissions.DOWNLOAD_FILE, data);
            if (!allowed.allowed()) {
                throw PortalException.denied(allowed.message());
            }
            FileRecord f = store.fileToRead(id);
            if (f == null) {
                throw new FieldFailure(dev.portalkit.api.ErrorKind.NOT_FOUND, "id", "File not found: " + id, null);
            }
            return downloadable(f);
        });
    }

    private static DownloadableFile downloadable(FileRecord f) {
        return new DownloadableFile(f.id, f.storage, FileStore.fileData(f), f.name, f.mtime);
    }

    private boolean readableByAnyone(String storageName) {
        if (!host.storages().configured().containsKey(storageName)) {
            return false;
        }
        ManagedStorage storage = host.storages().get(storageName);
        return storage.settings().publicStorage() || storage.supports(Capability.PUBLIC_LINK);
    }

    /** Which of {@code locations} of {@code storage} are tracked (the CLI's {@code scan -u}). */
    public java.util.Set<String> tracked(String storage, java.util.Collection<String> locations) {
        return host.inTransaction(() -> store.trackedAmong(storage, locations));
    }

    /**
     * The id an owner is stored under ({@code package rivers} gives the dataset's id), for callers
     * outside an action (the CLI's {@code scan -t -a}).
     *
     * @throws ValidationException for an unknown owner type or a missing owner
     */
    public String ownerId(ActionContext ctx, String type, String id) {
        return host.inTransaction(() -> resolveOwner(ctx, type, id).id());
    }

    Host host() {
        return host;
    }

    /** Records against bytes: {@code files verify} and the periodic orphan sweep. */
    public FileVerification verification() {
        return new FileVerification(this, store);
    }

    /** Where tracked files live, for maintenance commands (files transfer). */
    public FileRelocation relocation() {
        return new FileRelocation(host, store);
    }

    /** Now by the host's clock, at the precision the tables keep. */
    java.time.Instant now() {
        return host.clock().instant().truncatedTo(java.time.temporal.ChronoUnit.MICROS);
    }

    FileActions files() {
        return files;
    }

    /** The open storage called {@code name}; a validation error of {@code field} when it is not configured. */
    ManagedStorage storage(String name, String field) {
        Storages storages = host.storages();
        if (!storages.configured().containsKey(name)) {
            throw ValidationException.of(field, "Storage " + name + " is not configured");
        }
        try {
            return storages.get(name);
        } catch (PortalException e) {
            throw FieldFailure.on(field, e);
        }
    }

    /** Removes stored content again if the running call's transaction rolls back. */
    void removeOnRollback(ManagedStorage storage, FileData stored) {
        if (storage.supports(Capability.REMOVE)) {
            host.onRollback(() -> storage.manager().remove(stored));
        }
    }

    /** The owner getter of a type, for validator factories checked at start. */
    void requireOwnerType(String type) {
        if (!host.ownerGetters().containsKey(type)) {
            throw new IllegalArgumentException("unknown owner type '" + type + "' (known: "
                    + String.join(", ", new TreeSet<>(host.ownerGetters().keySet())) + ")");
        }
    }

    /**
     * The owner {@code (type, id)} after its getter found it (ids normalised: a dataset's name gives
     * its id); validation errors for an unknown type or a missing owner.
     */
    FileStore.Owner resolveOwner(ActionContext ctx, String type, String id) {
        OwnerGetter getter = host.ownerGetters().get(type);
        if (getter == null) {
            throw ValidationException.of("owner_type", "Unknown owner type " + type + " (known: "
                    + String.join(", ", new TreeSet<>(host.ownerGetters().keySet())) + ")");
        }
        Optional<Map<String, Object>> found = getter.find(ctx, id);
        if (found.isEmpty()) {
            throw ValidationException.of("owner_id", "Owner not found: " + type + " " + id);
        }
        Object realId = found.get().get("id");
        return new FileStore.Owner(type, realId == null ? id : String.valueOf(realId));
    }
}
