package dev.portalkit.runtime.model;

import dev.portalkit.api.ValidationException;
import dev.portalkit.api.action.Action;
import dev.portalkit.api.action.ActionContext;
import dev.portalkit.api.auth.AuthFunction;
import dev.portalkit.api.auth.AuthResult;
import dev.portalkit.api.files.IUploader;
import dev.portalkit.api.files.Upload;
import dev.portalkit.api.event.EntityEvent.Entity;
import dev.portalkit.api.event.EntityEvent.Operation;
import dev.portalkit.runtime.event.EntityHookDispatcher;
import dev.portalkit.runtime.files.content.ContentTypes;
import dev.portalkit.runtime.uploader.EntityUploads;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * {@code resource_create/show/update/patch/delete}. A resource's permissions are its dataset's:
 * reading needs package_show, changing needs package_update, deleting package_delete, each asked
 * through the auth registry as CKAN's auth functions do. Validation uses the
 * effective {@code resource_create} / {@code resource_update} schemas (the nested resource
 * schema of the dataset schemas, as plugins left it).
 */
final class ResourceActions {
    /** Keys stored in columns or derived; everything else a resource carries is kept in its extras. */
    private static final Set<String> KNOWN = Set.of("id", "package_id", "name", "description", "url", "url_type", "format",
            "mimetype", "size", "hash", "position", "state", "created", "metadata_modified", "last_modified", "file_id");

    static final String UPLOAD = "upload";
    static final String CLEAR_UPLOAD = "clear_upload";
    /** resource_create: the id of a file the caller uploaded earlier, to become the resource's file. */
    static final String FILE_ID = "file_id";
    static final String URL_TYPE_UPLOAD = "upload";

    private final ModelStore store;
    private final ModelDicts dicts;
    private final EntityUploads uploads;
    private final Supplier<EntityHookDispatcher> hooks;
    private final DatasetIndexing indexing;

    ResourceActions(ModelStore store, ModelDicts dicts, EntityUploads uploads, Supplier<EntityHookDispatcher> hooks,
                    DatasetIndexing indexing) {
        this.store = store;
        this.indexing = indexing;
        this.dicts = dicts;
        this.uploads = uploads;
        this.hooks = hooks;
    }

    void register(Map<String, Action> actions, Map<String, AuthFunction> auth) {
        actions.put("resource_create", Action.validating("resource_create", Action.acceptingUploads(Action.withTaskQueue(this::create))));
        actions.put("resource_update", Action.validating("resource_update", Action.acceptingUploads(Action.withTaskQueue(this::update))));
        actions.put("resource_patch", Action.validating("resource_update", Action.acceptingUploads(Action.withTaskQueue(this::patch))));
        actions.put("resource_show", Action.sideEffectFree(this::show));
        actions.put("resource_delete", this::delete);
        // CKAN's delegation, through the auth registry (so plugins chaining the dataset's functions
        // govern its resources): create and update ask package_update, patch asks resource_update,
        // delete asks package_delete (which asks package_update).
        auth.put("resource_create", this::mayCreate);
        auth.put("resource_update", (ctx, data) -> mayChange(ctx, data, "package_update", "edit"));
        auth.put("resource_patch", (ctx, data) -> ctx.checkAccess("resource_update", data));
        auth.put("resource_delete", (ctx, data) -> mayChange(ctx, data, "package_delete", "delete"));
        auth.put("resource_show", AuthFunction.allowAnonymous(this::mayShow));
    }

    static ResourceRecord newResource(String id, String packageId, Instant now) {
        ResourceRecord r = new ResourceRecord();
        r.id = id == null ? UUID.randomUUID().toString() : id;
        r.packageId = packageId;
        r.created = now;
        r.metadataModified = now;
        r.state = ModelStore.ACTIVE;
        return r;
    }

    /** Sets the resource's fields from a validated dict (a full replacement); unknown keys become its extras. */
    static void apply(ResourceRecord r, Map<String, Object> valid) {
        r.name = ModelStore.str(valid.get("name"));
        r.description = ModelStore.str(valid.get("description"));
        String url = ModelStore.str(valid.get("url"));
        r.url = url == null ? "" : url;
        r.urlType = ModelStore.str(valid.get("url_type"));
        r.format = ModelStore.str(valid.get("format"));
        r.mimetype = ModelStore.str(valid.get("mimetype"));
        r.hash = ModelStore.str(valid.get("hash"));
        r.size = valid.get("size") instanceof Number n ? n.longValue() : null;
        r.extras = ModelDicts.customJson(valid, KNOWN);
    }

    /**
     * {@link #apply} for an item of package_update's {@code resources}: a resource with an uploaded
     * file keeps it (whatever url the item carries), as resource_update without a new upload or
     * {@code clear_upload} does; removing the file is resource_update's or resource_delete's job.
     */
    static void applyKeepingUpload(ResourceRecord r, Map<String, Object> item) {
        IUploader.Stored previous = stored(r);
        apply(r, item);
        if (previous != null) {
            keep(r, previous);
        }
    }

    // ---- auth --------------------------------------------------------------------------------

    private AuthResult mayCreate(ActionContext ctx, Map<String, Object> data) {
        PackageRecord p = store.requirePackage(data, "package_id");
        return PackageActions.delegated(ctx.checkAccess("package_update", Map.of("id", p.id)),
                Permissions.who(ctx) + " is not authorized to create resources on dataset " + p.name);
    }

    /** The resource's dataset decides, by the auth function {@code datasetAuth} (with the dataset's id only). */
    private AuthResult mayChange(ActionContext ctx, Map<String, Object> data, String datasetAuth, String verb) {
        ResourceRecord r = store.requireResource(data, "id");
        return PackageActions.delegated(ctx.checkAccess(datasetAuth, Map.of("id", r.packageId)),
                Permissions.who(ctx) + " is not authorized to " + verb + " resource " + r.id);
    }

    /** CKAN's resource_show: package_show of the resource's dataset decides. */
    private AuthResult mayShow(ActionContext ctx, Map<String, Object> data) {
        ResourceRecord r = store.requireResource(data, "id");
        return PackageActions.delegated(ctx.checkAccess("package_show", Map.of("id", r.packageId)),
                Permissions.who(ctx) + " is not authorized to read resource " + r.id);
    }

    // ---- actions -----------------------------------------------------------------------------

    /** Adds a resource at the end of the dataset's list. */
    private Object create(ActionContext ctx, Map<String, Object> data) {
        PackageRecord p = store.requirePackage(data, "package_id");
        Map<String, Object> input = new LinkedHashMap<>(data);
        input.put("package_id", p.id);
        Upload upload = EntityUploads.takeUpload(input, UPLOAD);
        EntityUploads.takeFlag(input, CLEAR_UPLOAD);
        Object fileId = input.remove(FILE_ID);
        if (fileId != null && upload != null) {
            throw ValidationException.of(FILE_ID, "Give either an upload or the id of a file uploaded earlier, not both");
        }
        IUploader.Handler handler = upload == null ? null : uploads.resources(ctx, UPLOAD);
        Map<String, Object> valid = ctx.validate("resource_create", input);
        String id = ModelStore.str(valid.get("id"));
        if (id != null && store.em().find(ResourceRecord.class, id) != null) {
            throw ValidationException.of("id", "Resource id already exists: " + id);
        }
        hooks.get().before(ctx, Entity.RESOURCE, Operation.CREATE, () -> valid);
        Instant now = ModelStore.now();
        ResourceRecord r = newResource(id, p.id, now);
        apply(r, valid);
        r.position = store.activeResources(List.of(p.id)).size();
        store.em().persist(r);
        p.metadataModified = now;
        store.flush();
        IUploader.Stored attached = null;
        if (handler != null) {
            // The resource exists in this transaction: the file can be owned by it.
            attached = handler.store(ctx, r.id, upload);
        } else if (fileId != null) {
            attached = adopt(ctx, fileId, r.id);
        }
        if (attached != null) {
            attach(r, attached);
        }
        ResourceMimetypes.settle(ctx.config(), r, valid, attached == null ? null : attached.contentType());
        store.flush();
        indexing.reindex(ctx, List.of(r.packageId));
        Map<String, Object> created = dicts.resourceDict(r);
        hooks.get().after(ctx, Entity.RESOURCE, Operation.CREATE, () -> created);
        return created;
    }

    /** A full update of the resource's fields (its dataset and position stay). */
    private Object update(ActionContext ctx, Map<String, Object> data) {
        ResourceRecord r = store.requireResource(data, "id");
        Map<String, Object> input = new LinkedHashMap<>(data);
        input.put("id", r.id);
        input.put("package_id", r.packageId);
        Upload upload = EntityUploads.takeUpload(input, UPLOAD);
        boolean clear = EntityUploads.takeFlag(input, CLEAR_UPLOAD);
        IUploader.Handler handler = upload == null ? null : uploads.resources(ctx, UPLOAD);
        Map<String, Object> valid = ctx.validate("resource_update", input);
        hooks.get().before(ctx, Entity.RESOURCE, Operation.UPDATE, () -> valid);
        Instant now = ModelStore.now();
        IUploader.Stored previous = stored(r);
        apply(r, valid);
        if (handler != null) {
            IUploader.Stored stored = handler.store(ctx, r.id, upload);
            attach(r, stored);
            ResourceMimetypes.settle(ctx.config(), r, valid, stored.contentType());
            uploads.release(ctx, handler, r.id, previous);
        } else if (clear || previous == null) {
            if (previous != null) {
                // Back to a link: what described the file goes with it, unless the caller gave new values.
                if (URL_TYPE_UPLOAD.equals(r.urlType)) {
                    r.urlType = null;
                }
                r.size = valid.get("size") instanceof Number n ? n.longValue() : null;
                r.mimetype = ModelStore.str(valid.get("mimetype"));
                r.hash = ModelStore.str(valid.get("hash"));
                r.fileId = null;
                uploads.release(ctx, uploads.resourceRemover(ctx), r.id, previous);
            }
            ResourceMimetypes.settle(ctx.config(), r, valid, null);
        } else {
            // Neither a new upload nor clear_upload: the resource keeps its file (whatever url was sent back).
            keep(r, previous);
        }
        r.metadataModified = now;
        touch(r.packageId, now);
        store.flush();
        indexing.reindex(ctx, List.of(r.packageId));
        Map<String, Object> updated = dicts.resourceDict(r);
        hooks.get().after(ctx, Entity.RESOURCE, Operation.UPDATE, () -> updated);
        return updated;
    }

    /** The current resource with the given fields replaced, through resource_update. */
    private Object patch(ActionContext ctx, Map<String, Object> data) {
        ResourceRecord r = store.requireResource(data, "id");
        Map<String, Object> merged = new LinkedHashMap<>(dicts.resourceDict(r));
        merged.putAll(data);
        merged.put("id", r.id);
        return ctx.call("resource_update", merged);
    }

    private Object show(ActionContext ctx, Map<String, Object> data) {
        return dicts.resourceDict(store.requireResource(data, "id"));
    }

    /** Marks the resource deleted; the dataset's other resources close ranks. */
    private Object delete(ActionContext ctx, Map<String, Object> data) {
        ResourceRecord r = store.requireResource(data, "id");
        hooks.get().before(ctx, Entity.RESOURCE, Operation.DELETE, () -> dicts.resourceDict(r));
        Instant now = ModelStore.now();
        remove(ctx, r, now);
        store.flush();
        store.renumberResources(r.packageId);
        touch(r.packageId, now);
        indexing.reindex(ctx, List.of(r.packageId));
        hooks.get().after(ctx, Entity.RESOURCE, Operation.DELETE, () -> dicts.resourceDict(r));
        return null;
    }

    /**
     * Marks the resource deleted and releases its uploaded file (the record now, the bytes by a
     * post-commit task): resource_delete, and package_update / package_patch leaving it out of the
     * dataset's list.
     */
    void remove(ActionContext ctx, ResourceRecord r, Instant now) {
        IUploader.Stored previous = stored(r);
        if (previous != null) {
            uploads.release(ctx, uploads.resourceRemover(ctx), r.id, previous);
            r.fileId = null;
        }
        r.state = ModelStore.DELETED;
        r.metadataModified = now;
    }

    /** What the resource records of its uploaded file, or null when it is not an upload. */
    static IUploader.Stored stored(ResourceRecord r) {
        if (!URL_TYPE_UPLOAD.equals(r.urlType)) {
            return null;
        }
        return new IUploader.Stored(r.url, r.fileId, r.size == null ? -1 : r.size, r.mimetype, r.hash);
    }

    /** Records a stored upload on the resource (CKAN: url_type upload, url the file name, size, mimetype, format). */
    /**
     * {@code file_id} on resource_create: a file the caller uploaded earlier (owned by them, used by
     * no resource) becomes the new resource's file, as an upload would: moved to the resource and
     * pinned, through {@code files_transfer_ownership} (so the File API's permission rules and
     * hooks apply). A file owned by anything else is refused naming {@code file_id}.
     */
    private static IUploader.Stored adopt(ActionContext ctx, Object fileId, String resourceId) {
        if (!(fileId instanceof String id) || id.isBlank()) {
            throw ValidationException.of(FILE_ID, "Must be the id of a file");
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> file;
        try {
            file = (Map<String, Object>) ctx.call("files_file_show", new LinkedHashMap<>(Map.of("id", id)));
        } catch (dev.portalkit.api.PortalException e) {
            throw ValidationException.of(FILE_ID, "No file " + id + " you may use: " + e.getMessage());
        }
        Object owner = file.get("owner_type");
        // A user's file no resource uses: the caller's own (a sysadmin may take any user's).
        boolean usable = "user".equals(owner)
                && ctx.user().map(u -> u.sysadmin() || u.id().equals(file.get("owner_id"))).orElse(false);
        if (!usable) {
            throw ValidationException.of(FILE_ID, "File " + id + " is not one of your own files that no resource uses yet"
                    + " (it belongs to " + owner + " " + file.get("owner_id") + ")");
        }
        ctx.call("files_transfer_ownership", new LinkedHashMap<>(Map.of("id", id, "owner_type", "resource", "owner_id", resourceId,
                "pin", true)));
        return new IUploader.Stored((String) file.get("name"), id, ((Number) file.get("size")).longValue(),
                (String) file.get("content_type"), (String) file.get("hash"));
    }

    static void attach(ResourceRecord r, IUploader.Stored stored) {
        r.urlType = URL_TYPE_UPLOAD;
        r.url = stored.url();
        r.fileId = stored.fileId();
        r.size = stored.size() < 0 ? null : stored.size();
        r.mimetype = stored.contentType();
        r.hash = stored.hash();
        if (r.format == null || r.format.isBlank()) {
            r.format = format(stored.contentType(), stored.url());
        }
    }

    private static void keep(ResourceRecord r, IUploader.Stored previous) {
        r.urlType = URL_TYPE_UPLOAD;
        r.url = previous.url();
        r.fileId = previous.fileId();
        r.size = previous.size() < 0 ? null : previous.size();
        r.mimetype = previous.contentType();
        r.hash = previous.hash();
    }

    /** CKAN's guessed format: from the detected type (text/csv: CSV), else the file name's extension. */
    static String format(String contentType, String name) {
        String ext = contentType == null ? "" : ContentTypes.extensionFor(contentType);
        if (ext.isEmpty() && name != null) {
            String file = name.substring(name.lastIndexOf('/') + 1);
            int dot = file.lastIndexOf('.');
            ext = dot > 0 ? file.substring(dot) : "";
        }
        return ext.isEmpty() ? null : ext.substring(1).toUpperCase(Locale.ROOT);
    }

    private void touch(String packageId, Instant now) {
        PackageRecord p = store.em().find(PackageRecord.class, packageId);
        if (p != null) {
            p.metadataModified = now;
        }
    }
}
