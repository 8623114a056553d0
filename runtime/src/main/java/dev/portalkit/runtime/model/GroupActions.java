package dev.portalkit.runtime.model;

import dev.portalkit.api.ErrorKind;
import dev.portalkit.api.PortalException;
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
import dev.portalkit.runtime.uploader.EntityUploads;
import dev.portalkit.api.validation.Schema;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * {@code organization_*} or {@code group_*} (one instance each): create, show, list, update,
 * delete, member_create, member_delete, with CKAN's rules: the creator becomes admin; admins
 * update, delete and manage members; anyone sees active ones.
 */
final class GroupActions {
    private static final Set<String> KNOWN = Set.of("id", "name", "title", "description", "image_url", "state", "type",
            "is_organization", "created", "users", "packages", "package_count", "display_name", "approval_status",
            "image_display_url");
    private static final Schema MEMBER_CREATE = Schema.empty()
            .with("id", "not_empty", "unicode_safe")
            .with("username", "not_empty", "unicode_safe")
            .with("role", "not_empty", "unicode_safe", "one_of(member, editor, admin)");
    private static final Schema MEMBER_DELETE = Schema.empty()
            .with("id", "not_empty", "unicode_safe")
            .with("username", "not_empty", "unicode_safe");
    private static final Schema SHOW = Schema.empty()
            .with("include_users", "default(true)", "boolean_validator")
            .with("include_datasets", "default(false)", "boolean_validator")
            .withUnknown(Schema.UnknownFields.KEEP);
    private static final Schema LIST = Schema.empty()
            .with("all_fields", "default(false)", "boolean_validator")
            .with("q", "ignore_missing", "unicode_safe")
            .with("sort", "default(name asc)", "unicode_safe")
            .with("limit", "ignore_missing", "int_range(0, " + ModelConfig.SEARCH_ROWS_MAX + ")")
            .with("offset", "default(0)", "int_range(0, " + Integer.MAX_VALUE + ")");

    private final ModelStore store;
    private final Permissions permissions;
    private final ModelDicts dicts;
    private final EntityUploads uploads;
    private final boolean organization;
    private final String prefix;
    private final String noun;
    private final Entity entity;
    private final Supplier<EntityHookDispatcher> hooks;

    private final DatasetIndexing indexing;

    GroupActions(ModelStore store, Permissions permissions, ModelDicts dicts, EntityUploads uploads, boolean organization,
                 Supplier<EntityHookDispatcher> hooks, DatasetIndexing indexing) {
        this.indexing = indexing;
        this.entity = organization ? Entity.ORGANIZATION : Entity.GROUP;
        this.hooks = hooks;
        this.store = store;
        this.permissions = permissions;
        this.dicts = dicts;
        this.uploads = uploads;
        this.organization = organization;
        this.prefix = organization ? "organization" : "group";
        this.noun = organization ? "organization" : "group";
    }

    void register(Map<String, Action> actions, Map<String, AuthFunction> auth) {
        actions.put(prefix + "_create", Action.validating(prefix + "_create", Action.acceptingUploads(Action.withTaskQueue(this::create))));
        actions.put(prefix + "_update", Action.validating(prefix + "_update", Action.acceptingUploads(Action.withTaskQueue(this::update))));
        actions.put(prefix + "_show", Action.validating(SHOW, Action.sideEffectFree(this::show)));
        actions.put(prefix + "_list", Action.validating(LIST, Action.sideEffectFree(this::list)));
        actions.put(prefix + "_delete", this::delete);
        actions.put(prefix + "_member_create", Action.validating(MEMBER_CREATE, this::memberCreate));
        if (organization) {
            actions.put("organization_list_for_user", Action.validating(LIST_FOR_USER, Action.sideEffectFree(this::listForUser)));
            auth.put("organization_list_for_user", AuthFunction.allowAnonymous((ctx, data) -> AuthResult.allow()));
        }
        actions.put(prefix + "_member_delete", Action.validating(MEMBER_DELETE, this::memberDelete));
        auth.put(prefix + "_create", this::mayCreate);
        auth.put(prefix + "_update", (ctx, data) -> requirePermission(ctx, data, "update", "edit"));
        auth.put(prefix + "_delete", this::mayDelete);
        auth.put(prefix + "_member_create", (ctx, data) -> requirePermission(ctx, data, "membership", "manage members of"));
        auth.put(prefix + "_member_delete", (ctx, data) -> requirePermission(ctx, data, "membership", "manage members of"));
        auth.put(prefix + "_show", AuthFunction.allowAnonymous(this::mayShow));
        auth.put(prefix + "_list", AuthFunction.allowAnonymous((ctx, data) -> AuthResult.allow()));
    }

    // ---- auth --------------------------------------------------------------------------------

    private AuthResult mayCreate(ActionContext ctx, Map<String, Object> data) {
        if (Permissions.isSysadmin(ctx)) {
            return AuthResult.allow();
        }
        String option = organization ? ModelConfig.USER_CREATE_ORGANIZATIONS : ModelConfig.USER_CREATE_GROUPS;
        if (ctx.user().isPresent() && ctx.config().bool(option)) {
            return AuthResult.allow();
        }
        return AuthResult.deny(Permissions.who(ctx) + " is not authorized to create " + noun + "s");
    }

    private AuthResult mayDelete(ActionContext ctx, Map<String, Object> data) {
        GroupRecord g = store.requireGroup(data, "id", organization);
        if (Permissions.isSysadmin(ctx)) {
            return AuthResult.allow();
        }
        String option = organization ? ModelConfig.USER_DELETE_ORGANIZATIONS : ModelConfig.USER_DELETE_GROUPS;
        if (!ctx.config().bool(option) || !permissions.has(ctx, g.id, "delete")) {
            return AuthResult.deny(Permissions.who(ctx) + " is not authorized to delete " + noun + " " + g.name);
        }
        return AuthResult.allow();
    }

    private AuthResult requirePermission(ActionContext ctx, Map<String, Object> data, String permission, String verb) {
        GroupRecord g = store.requireGroup(data, "id", organization);
        return permissions.has(ctx, g.id, permission) ? AuthResult.allow()
                : AuthResult.deny(Permissions.who(ctx) + " is not authorized to " + verb + " " + noun + " " + g.name);
    }

    private AuthResult mayShow(ActionContext ctx, Map<String, Object> data) {
        GroupRecord g = store.requireGroup(data, "id", organization);
        return ModelStore.ACTIVE.equals(g.state) || permissions.has(ctx, g.id, "read") ? AuthResult.allow()
                : AuthResult.deny(Permissions.who(ctx) + " is not authorized to read " + noun + " " + g.id);
    }

    // ---- actions -----------------------------------------------------------------------------

    private Object create(ActionContext ctx, Map<String, Object> data) {
        Map<String, Object> input = new LinkedHashMap<>(data);
        Upload image = EntityUploads.takeUpload(input, EntityUploads.IMAGE_UPLOAD);
        boolean clear = EntityUploads.takeFlag(input, EntityUploads.CLEAR_UPLOAD);
        Map<String, Object> valid = ctx.validate(prefix + "_create", input);
        hooks.get().before(ctx, entity, Operation.CREATE, () -> valid);
        GroupRecord g = new GroupRecord();
        g.id = UUID.randomUUID().toString();
        g.created = ModelStore.now();
        g.isOrganization = organization;
        g.type = noun;
        g.state = ModelStore.ACTIVE;
        apply(g, valid);
        store.em().persist(g);
        Permissions.userId(ctx).map(store::user).ifPresent(creator ->
                store.putMember(g.id, MemberRecord.USER, creator.id, "admin"));
        store.flush();
        if (image != null) {
            g.imageUrl = uploads.updateImage(ctx, IUploader.ImageOwner.GROUP, g.id, null, g.imageUrl, image, clear);
            store.flush();
        }
        Map<String, Object> created = showDict(ctx, g, true, false);
        hooks.get().after(ctx, entity, Operation.CREATE, () -> created);
        return created;
    }

    /** A full update of the group's own fields (members and datasets are managed by their own actions). */
    private Object update(ActionContext ctx, Map<String, Object> data) {
        GroupRecord g = store.requireGroup(data, "id", organization);
        Map<String, Object> input = new LinkedHashMap<>(data);
        input.put("id", g.id);
        Upload image = EntityUploads.takeUpload(input, EntityUploads.IMAGE_UPLOAD);
        boolean clear = EntityUploads.takeFlag(input, EntityUploads.CLEAR_UPLOAD);
        Map<String, Object> valid = ctx.validate(prefix + "_update", input);
        hooks.get().before(ctx, entity, Operation.UPDATE, () -> valid);
        String current = g.imageUrl;
        String indexedName = g.name;
        String indexedTitle = g.title;
        apply(g, valid);
        g.imageUrl = uploads.updateImage(ctx, IUploader.ImageOwner.GROUP, g.id, current, g.imageUrl, image, clear);
        store.flush();
        if (!java.util.Objects.equals(indexedName, g.name) || !java.util.Objects.equals(indexedTitle, g.title)) {
            // The datasets' facets name the group, their text holds its title.
            indexing.reindex(ctx, indexing.datasetsOf(g));
        }
        Map<String, Object> updated = showDict(ctx, g, true, false);
        hooks.get().after(ctx, entity, Operation.UPDATE, () -> updated);
        return updated;
    }

    private Object show(ActionContext ctx, Map<String, Object> data) {
        GroupRecord g = store.requireGroup(data, "id", organization);
        Map<String, Object> params = ctx.validate(SHOW, data);
        return showDict(ctx, g, Boolean.TRUE.equals(params.get("include_users")),
                Boolean.TRUE.equals(params.get("include_datasets")));
    }

    private static final Schema LIST_FOR_USER = Schema.empty()
            .with("permission", "default(manage_group)", "one_of(read, manage_group, create_dataset, update_dataset, delete_dataset, membership, update, delete)");

    /**
     * CKAN's {@code organization_list_for_user}: the active organizations in which the caller has
     * {@code permission} (default {@code manage_group}: any membership), every one for a sysadmin,
     * none for a visitor; by title.
     */
    private Object listForUser(ActionContext ctx, Map<String, Object> data) {
        Map<String, Object> params = ctx.validate(LIST_FOR_USER, data);
        if (ctx.user().isEmpty()) {
            return List.of();
        }
        boolean all = Permissions.isSysadmin(ctx);
        java.util.Set<String> ids = all ? java.util.Set.of() : permissions.orgsWith(ctx, ModelStore.str(params.get("permission")));
        if (!all && ids.isEmpty()) {
            return List.of();
        }
        var query = store.em().createQuery("SELECT g FROM GroupRecord g WHERE g.isOrganization = true AND g.state = :s"
                + (all ? "" : " AND g.id IN :ids") + " ORDER BY g.title, g.name", GroupRecord.class).setParameter("s", ModelStore.ACTIVE);
        if (!all) {
            query.setParameter("ids", ids);
        }
        List<Object> out = new ArrayList<>();
        for (GroupRecord g : query.getResultList()) {
            out.add(showDict(ctx, g, false, false));
        }
        return out;
    }

    private Object list(ActionContext ctx, Map<String, Object> data) {
        Map<String, Object> params = ctx.validate(LIST, data);
        String[] sort = ModelStore.str(params.get("sort")).strip().split("\\s+");
        String column = switch (sort[0]) {
            case "name" -> "g.name";
            case "title" -> "g.title";
            case "created" -> "g.created";
            default -> throw ValidationException.of("sort", "Cannot sort by '" + sort[0] + "' (use name, title or created)");
        };
        String direction = sort.length > 1 && sort[1].equalsIgnoreCase("desc") ? "desc" : "asc";
        String where = "g.isOrganization = :o AND g.state = :s";
        Object q = params.get("q");
        if (q instanceof String text && !text.isBlank()) {
            where += " AND (LOWER(g.name) LIKE :q OR LOWER(g.title) LIKE :q)";
        }
        var query = store.em().createQuery("SELECT g FROM GroupRecord g WHERE " + where + " ORDER BY " + column + " " + direction
                        + ", g.name asc", GroupRecord.class)
                .setParameter("o", organization).setParameter("s", ModelStore.ACTIVE);
        if (q instanceof String text && !text.isBlank()) {
            query.setParameter("q", "%" + text.strip().toLowerCase(Locale.ROOT) + "%");
        }
        List<GroupRecord> groups = query.setFirstResult(((Number) params.get("offset")).intValue())
                .setMaxResults(params.get("limit") instanceof Number n ? n.intValue() : ctx.config().integer(ModelConfig.SEARCH_ROWS_MAX))
                .getResultList();
        List<Object> out = new ArrayList<>();
        for (GroupRecord g : groups) {
            out.add(Boolean.TRUE.equals(params.get("all_fields")) ? showDict(ctx, g, false, false) : g.name);
        }
        return out;
    }

    /**
     * Marks the group deleted. An organization that still owns datasets is not deleted, unless
     * unowned datasets are allowed: then its datasets lose their owner (as CKAN does).
     */
    private Object delete(ActionContext ctx, Map<String, Object> data) {
        GroupRecord g = store.requireGroup(data, "id", organization);
        hooks.get().before(ctx, entity, Operation.DELETE, () -> showDict(ctx, g, false, false));
        List<String> affected = indexing.datasetsOf(g);
        if (organization) {
            List<PackageRecord> owned = store.em().createQuery("SELECT p FROM PackageRecord p WHERE p.ownerOrg = :g AND p.state <> :d",
                    PackageRecord.class).setParameter("g", g.id).setParameter("d", ModelStore.DELETED).getResultList();
            if (!owned.isEmpty()) {
                if (!ctx.config().bool(ModelConfig.CREATE_UNOWNED_DATASET)) {
                    throw new PortalException(ErrorKind.CONFLICT, "Organization " + g.name + " cannot be deleted while it still has "
                            + owned.size() + " dataset(s)");
                }
                owned.forEach(p -> {
                    p.ownerOrg = null;
                    p.isPrivate = false;
                });
            }
        } else {
            store.em().createQuery("UPDATE MemberRecord m SET m.state = :d WHERE m.groupId = :g AND m.tableName = :t")
                    .setParameter("d", ModelStore.DELETED).setParameter("g", g.id).setParameter("t", MemberRecord.PACKAGE)
                    .executeUpdate();
        }
        g.state = ModelStore.DELETED;
        store.flush();
        indexing.reindex(ctx, affected);
        hooks.get().after(ctx, entity, Operation.DELETE, () -> showDict(ctx, g, false, false));
        return null;
    }

    /** Adds a user with a role, or changes the role of a member (CKAN's {@code organization_member_create}). */
    private Object memberCreate(ActionContext ctx, Map<String, Object> data) {
        Map<String, Object> valid = ctx.validate(MEMBER_CREATE, data);
        GroupRecord g = store.requireGroup(valid, "id", organization);
        UserRecord u = store.requireUser(valid, "username");
        if (ModelStore.DELETED.equals(u.state)) {
            throw PortalException.notFound("User not found: " + valid.get("username"));
        }
        MemberRecord m = store.putMember(g.id, MemberRecord.USER, u.id, ModelStore.str(valid.get("role")));
        store.flush();
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("id", m.id);
        out.put("group_id", g.id);
        out.put("table_name", m.tableName);
        out.put("table_id", m.tableId);
        out.put("capacity", m.capacity);
        out.put("state", m.state);
        return out;
    }

    private Object memberDelete(ActionContext ctx, Map<String, Object> data) {
        Map<String, Object> valid = ctx.validate(MEMBER_DELETE, data);
        GroupRecord g = store.requireGroup(valid, "id", organization);
        UserRecord u = store.requireUser(valid, "username");
        MemberRecord m = store.member(g.id, MemberRecord.USER, u.id);
        if (m == null || !ModelStore.ACTIVE.equals(m.state)) {
            throw PortalException.notFound("User " + u.name + " is not a member of " + noun + " " + g.name);
        }
        m.state = ModelStore.DELETED;
        return null;
    }

    private Map<String, Object> showDict(ActionContext ctx, GroupRecord g, boolean users, boolean datasets) {
        return ModelDicts.convert(ctx, prefix + "_show",
                dicts.groupDict(ctx, g, users, datasets, ctx.config().integer(ModelConfig.SEARCH_ROWS_MAX)));
    }

    private static void apply(GroupRecord g, Map<String, Object> valid) {
        g.name = ModelStore.str(valid.get("name"));
        g.title = ModelStore.str(valid.get("title"));
        g.description = ModelStore.str(valid.get("description"));
        g.imageUrl = ModelStore.str(valid.get("image_url"));
        if (valid.get("state") != null) {
            g.state = ModelStore.str(valid.get("state"));
        }
        g.customFields = ModelDicts.customJson(valid, KNOWN);
    }
}
