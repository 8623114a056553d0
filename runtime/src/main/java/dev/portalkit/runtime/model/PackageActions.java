package dev.portalkit.runtime.model;

import dev.portalkit.api.ValidationException;
import dev.portalkit.api.action.Action;
import dev.portalkit.api.action.ActionContext;
import dev.portalkit.api.auth.AuthFunction;
import dev.portalkit.api.auth.AuthResult;
import dev.portalkit.api.event.EntityEvent.Entity;
import dev.portalkit.api.event.EntityEvent.Operation;
import dev.portalkit.runtime.event.EntityHookDispatcher;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * {@code package_create/show/update/patch/delete} with CKAN's semantics and default auth rules.
 * {@code package_search} lives in {@link PackageSearch}.
 */
final class PackageActions {
    /** Keys of the validated dict stored in columns or tables of their own (everything else is a custom field). */
    private static final Set<String> KNOWN = Set.of("id", "name", "title", "notes", "url", "author", "author_email",
            "maintainer", "maintainer_email", "version", "license_id", "private", "owner_org", "state", "type",
            "extras", "resources", "groups", "tags", "tag_string", "organization", "num_resources", "num_tags", "creator_user_id",
            "metadata_created", "metadata_modified", "isopen", "license_title", "license_url", "relationships_as_object",
            "relationships_as_subject");

    private final ModelStore store;
    private final Permissions permissions;
    private final ModelDicts dicts;
    private final ResourceActions resources;
    private final Supplier<EntityHookDispatcher> hooks;
    private final TagActions tags;
    private final DatasetIndexing indexing;

    PackageActions(ModelStore store, Permissions permissions, ModelDicts dicts, ResourceActions resources,
                   Supplier<EntityHookDispatcher> hooks, TagActions tags, DatasetIndexing indexing) {
        this.store = store;
        this.tags = tags;
        this.indexing = indexing;
        this.permissions = permissions;
        this.dicts = dicts;
        this.resources = resources;
        this.hooks = hooks;
    }

    void register(Map<String, Action> actions, Map<String, AuthFunction> auth) {
        actions.put("package_create", Action.validating("package_create", Action.withTaskQueue(this::create)));
        actions.put("package_update", Action.validating("package_update", Action.withTaskQueue(this::update)));
        actions.put("package_patch", Action.validating("package_update", Action.withTaskQueue(this::patch)));
        actions.put("package_show", Action.sideEffectFree(this::show));
        actions.put("package_delete", this::delete);
        actions.put("dataset_purge", Action.withTaskQueue(this::purge));
        auth.put("package_create", this::mayCreate);
        auth.put("package_update", this::mayUpdate);
        // CKAN's delegation: package_patch and package_delete are decided by package_update, through the
        // auth registry, so that a plugin chaining package_update governs them too.
        auth.put("package_patch", (ctx, data) -> ctx.checkAccess("package_update", data));
        auth.put("package_show", AuthFunction.allowAnonymous(this::mayShow));
        auth.put("package_delete", this::mayDelete);
        // CKAN: only sysadmins purge (every model auth function lets them pass).
        auth.put("dataset_purge", (ctx, data) -> AuthResult.deny(Permissions.who(ctx) + " is not authorized to purge datasets"));
    }

    // ---- auth --------------------------------------------------------------------------------

    private AuthResult mayCreate(ActionContext ctx, Map<String, Object> data) {
        if (Permissions.isSysadmin(ctx)) {
            return AuthResult.allow();
        }
        if (!permissions.mayCreateDatasets(ctx)) {
            return AuthResult.deny(Permissions.who(ctx) + " is not authorized to create datasets");
        }
        AuthResult groups = mayAddToGroups(ctx, data, null);
        if (!groups.allowed()) {
            return groups;
        }
        Object orgRef = data.get("owner_org");
        if (orgRef instanceof String ref && !ref.isBlank()) {
            GroupRecord org = store.group(ref.strip());
            if (org == null || !permissions.has(ctx, org.id, "create_dataset")) {
                return AuthResult.deny(Permissions.who(ctx) + " is not authorized to add datasets to organization " + ref);
            }
        }
        return AuthResult.allow();
    }

    private AuthResult mayUpdate(ActionContext ctx, Map<String, Object> data) {
        PackageRecord p = store.requirePackage(data, "id");
        if (!permissions.canEditPackage(ctx, p)) {
            return AuthResult.deny(Permissions.who(ctx) + " is not authorized to edit dataset " + p.name);
        }
        return mayAddToGroups(ctx, data, p);
    }

    /** CKAN: "deletions are essentially changing the state field", so package_update decides. */
    private AuthResult mayDelete(ActionContext ctx, Map<String, Object> data) {
        PackageRecord p = store.requirePackage(data, "id");
        return delegated(ctx.checkAccess("package_update", Map.of("id", p.id)),
                Permissions.who(ctx) + " is not authorized to delete dataset " + p.name);
    }

    /**
     * The answer of an auth function another one deferred to: allowed as it is; a denial under
     * {@code message}, followed by the deciding function's reason (a plugin's "dataset is locked").
     */
    static AuthResult delegated(AuthResult decision, String message) {
        if (decision.allowed()) {
            return decision;
        }
        String reason = decision.message();
        return AuthResult.deny(reason == null || reason.isBlank() ? message : message + ": " + reason);
    }

    private AuthResult mayShow(ActionContext ctx, Map<String, Object> data) {
        PackageRecord p = store.requirePackage(data, "id");
        return permissions.canReadPackage(ctx, p) ? AuthResult.allow()
                : AuthResult.deny(Permissions.who(ctx) + " is not authorized to read dataset " + p.id);
    }

    /** CKAN's {@code _check_group_auth}: adding a dataset to a group needs a membership in that group. */
    private AuthResult mayAddToGroups(ActionContext ctx, Map<String, Object> data, PackageRecord existing) {
        if (Permissions.isSysadmin(ctx)) {
            return AuthResult.allow();
        }
        Set<String> current = existing == null ? Set.of() : new HashSet<>(store.packageGroupIds(existing.id));
        for (Map<String, Object> item : ModelStore.maps(data.get("groups"))) {
            Object ref = item.get("id") != null ? item.get("id") : item.get("name");
            GroupRecord g = store.group(ModelStore.str(ref));
            if (g == null || current.contains(g.id)) {
                continue;
            }
            if (!permissions.has(ctx, g.id, "manage_group")) {
                return AuthResult.deny(Permissions.who(ctx) + " is not authorized to add datasets to group " + g.name);
            }
        }
        return AuthResult.allow();
    }

    // ---- actions -----------------------------------------------------------------------------

    private Object create(ActionContext ctx, Map<String, Object> data) {
        Map<String, Object> valid = ctx.validate("package_create", data);
        hooks.get().before(ctx, Entity.PACKAGE, Operation.CREATE, () -> valid);
        Instant now = ModelStore.now();
        PackageRecord p = new PackageRecord();
        p.id = UUID.randomUUID().toString();
        p.creatorUserId = Permissions.userId(ctx).orElse(null);
        p.metadataCreated = now;
        p.metadataModified = now;
        apply(p, valid);
        store.em().persist(p);
        saveExtras(p, ModelStore.maps(valid.get("extras")));
        saveResources(ctx, p, ModelStore.maps(valid.get("resources")), now);
        if (valid.containsKey("groups")) {
            saveGroups(p, ModelStore.maps(valid.get("groups")));
        }
        tags.saveTags(p, ModelStore.maps(valid.get("tags")));
        store.flush();
        Map<String, Object> created = dicts.showPackage(ctx, p);
        indexing.index(ctx, created);
        hooks.get().after(ctx, Entity.PACKAGE, Operation.CREATE, () -> created);
        return created;
    }

    /**
     * A full update, as CKAN's: fields not given are cleared (extras too); {@code state} and
     * {@code type} keep their values when not given; {@code resources} and {@code groups} are
     * replaced when given and kept when not (CKAN 2.10+).
     */
    private Object update(ActionContext ctx, Map<String, Object> data) {
        PackageRecord p = store.requirePackage(data, "id");
        Map<String, Object> input = new LinkedHashMap<>(data);
        input.put("id", p.id);
        Map<String, Object> valid = ctx.validate("package_update", input);
        hooks.get().before(ctx, Entity.PACKAGE, Operation.UPDATE, () -> valid);
        Instant now = ModelStore.now();
        apply(p, valid);
        p.metadataModified = now;
        saveExtras(p, ModelStore.maps(valid.get("extras")));
        if (valid.containsKey("resources")) {
            saveResources(ctx, p, ModelStore.maps(valid.get("resources")), now);
        }
        if (valid.containsKey("groups")) {
            saveGroups(p, ModelStore.maps(valid.get("groups")));
        }
        tags.saveTags(p, ModelStore.maps(valid.get("tags")));
        store.flush();
        Map<String, Object> updated = dicts.showPackage(ctx, p);
        indexing.index(ctx, updated);
        hooks.get().after(ctx, Entity.PACKAGE, Operation.UPDATE, () -> updated);
        return updated;
    }

    /** CKAN's {@code package_patch}: the current dataset with the given top-level fields replaced, through package_update. */
    private Object patch(ActionContext ctx, Map<String, Object> data) {
        PackageRecord p = store.requirePackage(data, "id");
        // The current dataset as package_update takes it (what show adds beyond the schema, such as a
        // plugin's computed field, is left out: only the caller's own keys can be refused), then the
        // caller's fields.
        Map<String, Object> merged = new LinkedHashMap<>(dicts.showPackage(ctx, p));
        Set<String> stored = ModelDicts.customFields(p.customFields).keySet();
        merged.keySet().removeIf(k -> !KNOWN.contains(k) && !stored.contains(k));
        merged.putAll(data);
        merged.put("id", p.id);
        return ctx.call("package_update", merged);
    }

    private Object show(ActionContext ctx, Map<String, Object> data) {
        return dicts.showPackage(ctx, store.requirePackage(data, "id"));
    }

    /** Marks the dataset deleted (CKAN keeps the row and its resources). */
    private Object delete(ActionContext ctx, Map<String, Object> data) {
        PackageRecord p = store.requirePackage(data, "id");
        hooks.get().before(ctx, Entity.PACKAGE, Operation.DELETE, () -> dicts.showPackage(ctx, p));
        p.state = ModelStore.DELETED;
        p.metadataModified = ModelStore.now();
        store.flush();
        indexing.reindex(ctx, List.of(p.id));
        hooks.get().after(ctx, Entity.PACKAGE, Operation.DELETE, () -> dicts.showPackage(ctx, p));
        return null;
    }

    /**
     * CKAN's {@code dataset_purge}: removes the dataset for good (any state), with its extras,
     * tags, group memberships and resources, and takes it out of the search index. The uploaded
     * files of its resources are released as resource_delete releases them: a tracked file's
     * record goes in this transaction and its bytes by a post-commit task, so a purge that fails
     * or rolls back leaves every byte where it was. Resources deleted earlier released theirs then.
     */
    private Object purge(ActionContext ctx, Map<String, Object> data) {
        PackageRecord p = store.requirePackage(data, "id");
        Instant now = ModelStore.now();
        List<ResourceRecord> all = store.em().createQuery("SELECT r FROM ResourceRecord r WHERE r.packageId = :p",
                ResourceRecord.class).setParameter("p", p.id).getResultList();
        for (ResourceRecord r : all) {
            if (!ModelStore.DELETED.equals(r.state)) {
                resources.remove(ctx, r, now);
            }
        }
        store.flush();
        indexing.index().remove(ctx, p.id);
        all.forEach(store.em()::remove);
        for (String entity : List.of("PackageExtraRecord", "PackageTagRecord")) {
            store.em().createQuery("DELETE FROM " + entity + " e WHERE e.packageId = :p").setParameter("p", p.id).executeUpdate();
        }
        store.em().createQuery("DELETE FROM MemberRecord m WHERE m.tableName = :t AND m.tableId = :p")
                .setParameter("t", MemberRecord.PACKAGE).setParameter("p", p.id).executeUpdate();
        store.em().remove(p);
        store.flush();
        return null;
    }

    // ---- saving ------------------------------------------------------------------------------

    private static void apply(PackageRecord p, Map<String, Object> valid) {
        p.name = ModelStore.str(valid.get("name"));
        p.title = ModelStore.str(valid.get("title"));
        p.notes = ModelStore.str(valid.get("notes"));
        p.url = ModelStore.str(valid.get("url"));
        p.author = ModelStore.str(valid.get("author"));
        p.authorEmail = ModelStore.str(valid.get("author_email"));
        p.maintainer = ModelStore.str(valid.get("maintainer"));
        p.maintainerEmail = ModelStore.str(valid.get("maintainer_email"));
        p.version = ModelStore.str(valid.get("version"));
        p.licenseId = ModelStore.str(valid.get("license_id"));
        p.isPrivate = Boolean.TRUE.equals(valid.get("private"));
        String org = ModelStore.str(valid.get("owner_org"));
        p.ownerOrg = org == null || org.isBlank() ? null : org;
        if (valid.get("state") != null) {
            p.state = ModelStore.str(valid.get("state"));
        } else if (p.state == null) {
            p.state = ModelStore.ACTIVE;
        }
        String type = ModelStore.str(valid.get("type"));
        if (type != null && !type.isBlank()) {
            p.type = type;
        } else if (p.type == null) {
            p.type = "dataset";
        }
        p.customFields = ModelDicts.customJson(valid, KNOWN);
    }

    private void saveExtras(PackageRecord p, List<Map<String, Object>> extras) {
        store.em().createQuery("DELETE FROM PackageExtraRecord e WHERE e.packageId = :p").setParameter("p", p.id).executeUpdate();
        for (Map<String, Object> extra : extras) {
            PackageExtraRecord e = new PackageExtraRecord();
            e.id = UUID.randomUUID().toString();
            e.packageId = p.id;
            e.key = ModelStore.str(extra.get("key"));
            e.value = ModelStore.str(extra.get("value"));
            store.em().persist(e);
        }
    }

    /**
     * Makes the dataset's resources the given list, in its order: items whose {@code id} is one
     * of the dataset's resources update it (an uploaded file stays, as with resource_update without
     * a new upload or {@code clear_upload}), the others are created; resources left out are removed
     * as resource_delete removes them (their uploaded files released).
     */
    private void saveResources(ActionContext ctx, PackageRecord p, List<Map<String, Object>> items, Instant now) {
        Map<String, ResourceRecord> existing = new LinkedHashMap<>();
        store.em().createQuery("SELECT r FROM ResourceRecord r WHERE r.packageId = :p", ResourceRecord.class)
                .setParameter("p", p.id).getResultList().forEach(r -> existing.put(r.id, r));
        Set<String> kept = new LinkedHashSet<>();
        List<Object> errors = new ArrayList<>();
        boolean anyError = false;
        for (int i = 0; i < items.size(); i++) {
            Map<String, Object> item = items.get(i);
            String id = ModelStore.str(item.get("id"));
            ResourceRecord r = id == null ? null : existing.get(id);
            Map<String, Object> itemErrors = new LinkedHashMap<>();
            if (r == null) {
                if (id != null && (store.em().find(ResourceRecord.class, id) != null || kept.contains(id))) {
                    itemErrors.put("id", List.of("Resource id already exists: " + id));
                    anyError = true;
                } else {
                    r = ResourceActions.newResource(id, p.id, now);
                    store.em().persist(r);
                }
            } else if (kept.contains(id)) {
                itemErrors.put("id", List.of("Resource " + id + " is listed twice"));
                anyError = true;
            }
            errors.add(itemErrors);
            if (r != null && itemErrors.isEmpty()) {
                ResourceActions.applyKeepingUpload(r, item);
                r.position = i;
                r.state = ModelStore.ACTIVE;
                r.metadataModified = now;
                kept.add(r.id);
            }
        }
        if (anyError) {
            throw new ValidationException(Map.of("resources", errors));
        }
        for (ResourceRecord r : existing.values()) {
            if (!kept.contains(r.id) && !ModelStore.DELETED.equals(r.state)) {
                resources.remove(ctx, r, now);
            }
        }
    }

    /** Makes the dataset's groups the given ones (by id or name); unknown groups are a validation error. */
    private void saveGroups(PackageRecord p, List<Map<String, Object>> items) {
        Set<String> wanted = new LinkedHashSet<>();
        List<String> unknown = new ArrayList<>();
        for (Map<String, Object> item : items) {
            Object ref = item.get("id") != null ? item.get("id") : item.get("name");
            GroupRecord g = store.group(ModelStore.str(ref));
            if (g == null || g.isOrganization || !ModelStore.ACTIVE.equals(g.state)) {
                unknown.add(String.valueOf(ref));
            } else {
                wanted.add(g.id);
            }
        }
        if (!unknown.isEmpty()) {
            throw ValidationException.of("groups", "Group not found: " + String.join(", ", unknown));
        }
        for (MemberRecord m : store.em().createQuery("SELECT m FROM MemberRecord m WHERE m.tableName = :t AND m.tableId = :p",
                MemberRecord.class).setParameter("t", MemberRecord.PACKAGE).setParameter("p", p.id).getResultList()) {
            if (!wanted.contains(m.groupId)) {
                m.state = ModelStore.DELETED;
            }
        }
        for (String groupId : wanted) {
            store.putMember(groupId, MemberRecord.PACKAGE, p.id, "public");
        }
    }
}
