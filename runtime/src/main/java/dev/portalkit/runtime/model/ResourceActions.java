package dev.portalkit.runtime.model;

import dev.portalkit.api.ValidationException;
import dev.portalkit.api.action.Action;
import dev.portalkit.api.action.ActionContext;
import dev.portalkit.api.auth.AuthFunction;
import dev.portalkit.api.auth.AuthResult;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * {@code resource_create/show/update/patch/delete}. A resource's permissions are its dataset's:
 * reading needs package_show, changing needs package_update (CKAN's rules). Validation uses the
 * effective {@code resource_create} / {@code resource_update} schemas (the nested resource
 * schema of the dataset schemas, as plugins left it).
 */
final class ResourceActions {
    /** Keys stored in columns or derived; everything else a resource carries is kept in its extras. */
    private static final Set<String> KNOWN = Set.of("id", "package_id", "name", "description", "url", "url_type", "format",
            "mimetype", "size", "hash", "position", "state", "created", "metadata_modified", "last_modified");

    private final ModelStore store;
    private final Permissions permissions;
    private final ModelDicts dicts;

    ResourceActions(ModelStore store, Permissions permissions, ModelDicts dicts) {
        this.store = store;
        this.permissions = permissions;
        this.dicts = dicts;
    }

    void register(Map<String, Action> actions, Map<String, AuthFunction> auth) {
        actions.put("resource_create", Action.withTaskQueue(this::create));
        actions.put("resource_update", Action.withTaskQueue(this::update));
        actions.put("resource_patch", Action.withTaskQueue(this::patch));
        actions.put("resource_show", this::show);
        actions.put("resource_delete", this::delete);
        auth.put("resource_create", this::mayCreate);
        auth.put("resource_update", (ctx, data) -> mayEdit(ctx, data, "edit"));
        auth.put("resource_patch", (ctx, data) -> mayEdit(ctx, data, "edit"));
        auth.put("resource_delete", (ctx, data) -> mayEdit(ctx, data, "delete"));
        auth.put("resource_show", this::mayShow);
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

    // ---- auth --------------------------------------------------------------------------------

    private AuthResult mayCreate(ActionContext ctx, Map<String, Object> data) {
        PackageRecord p = store.requirePackage(data, "package_id");
        return permissions.canEditPackage(ctx, p) ? AuthResult.allow()
                : AuthResult.deny(Permissions.who(ctx) + " is not authorized to create resources on dataset " + p.name);
    }

    private AuthResult mayEdit(ActionContext ctx, Map<String, Object> data, String verb) {
        ResourceRecord r = store.requireResource(data, "id");
        PackageRecord p = store.em().find(PackageRecord.class, r.packageId);
        return permissions.canEditPackage(ctx, p) ? AuthResult.allow()
                : AuthResult.deny(Permissions.who(ctx) + " is not authorized to " + verb + " resource " + r.id);
    }

    private AuthResult mayShow(ActionContext ctx, Map<String, Object> data) {
        ResourceRecord r = store.requireResource(data, "id");
        PackageRecord p = store.em().find(PackageRecord.class, r.packageId);
        return permissions.canReadPackage(ctx, p) ? AuthResult.allow()
                : AuthResult.deny(Permissions.who(ctx) + " is not authorized to read resource " + r.id);
    }

    // ---- actions -----------------------------------------------------------------------------

    /** Adds a resource at the end of the dataset's list. */
    private Object create(ActionContext ctx, Map<String, Object> data) {
        PackageRecord p = store.requirePackage(data, "package_id");
        Map<String, Object> input = new LinkedHashMap<>(data);
        input.put("package_id", p.id);
        Map<String, Object> valid = ctx.validate("resource_create", input);
        String id = ModelStore.str(valid.get("id"));
        if (id != null && store.em().find(ResourceRecord.class, id) != null) {
            throw ValidationException.of("id", "Resource id already exists: " + id);
        }
        Instant now = ModelStore.now();
        ResourceRecord r = newResource(id, p.id, now);
        apply(r, valid);
        r.position = store.activeResources(List.of(p.id)).size();
        store.em().persist(r);
        p.metadataModified = now;
        store.flush();
        return dicts.resourceDict(r);
    }

    /** A full update of the resource's fields (its dataset and position stay). */
    private Object update(ActionContext ctx, Map<String, Object> data) {
        ResourceRecord r = store.requireResource(data, "id");
        Map<String, Object> input = new LinkedHashMap<>(data);
        input.put("id", r.id);
        input.put("package_id", r.packageId);
        Map<String, Object> valid = ctx.validate("resource_update", input);
        Instant now = ModelStore.now();
        apply(r, valid);
        r.metadataModified = now;
        touch(r.packageId, now);
        store.flush();
        return dicts.resourceDict(r);
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
        Instant now = ModelStore.now();
        r.state = ModelStore.DELETED;
        r.metadataModified = now;
        store.flush();
        store.renumberResources(r.packageId);
        touch(r.packageId, now);
        return null;
    }

    private void touch(String packageId, Instant now) {
        PackageRecord p = store.em().find(PackageRecord.class, packageId);
        if (p != null) {
            p.metadataModified = now;
        }
    }
}
