package dev.portalkit.runtime.files.tracked;

import dev.portalkit.api.ValidationException;
import dev.portalkit.api.action.Action;
import dev.portalkit.api.action.ActionContext;
import dev.portalkit.api.action.UserRef;
import dev.portalkit.api.auth.AuthFunction;
import dev.portalkit.api.auth.AuthResult;
import dev.portalkit.api.validation.Schema;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;

/**
 * CKAN 2.12's own File API (seed 001): {@code file_create}, {@code file_register},
 * {@code file_show}, {@code file_rename}, {@code file_delete}, {@code file_pin},
 * {@code file_unpin}, {@code file_ownership_transfer} and {@code file_owner_scan}. They run the
 * same implementation as the {@code files_*} names of ckanext-files, answer with CKAN 2.12's file
 * dict ({@link #ckanFile}), and are authorized the way CKAN 2.12 does it: each auth function of the
 * same name asks the permission function above it ({@code permission_read_file},
 * {@code permission_edit_file}, ...), so a plugin chaining one of those changes both API names.
 */
final class CkanFileActions {
    static final String SCAN_AS_UPDATE = FileApiConfig.SCAN_AS_UPDATE;

    static final Schema OWNER_SCAN = Schema.empty()
            .with("owner_type", "default(user)", "unicode_safe", "strip_value")
            .with("owner_id", "ignore_missing", "unicode_safe", "strip_value");

    private final FileActions files;
    private final FileStore store;
    private final FilePermissions permissions;

    CkanFileActions(FileActions files, FileStore store, FilePermissions permissions) {
        this.files = files;
        this.store = store;
        this.permissions = permissions;
    }

    void register(Map<String, Action> actions, Map<String, AuthFunction> auth) {
        actions.put("file_create", Action.validating(FileActions.CREATE, Action.acceptingUploads(ckan(files::create))));
        actions.put("file_register", Action.validating(FileActions.REGISTER, ckan(files::register)));
        actions.put("file_show", Action.validating(FileActions.SHOW, Action.sideEffectFree(ckan(files::show))));
        actions.put("file_rename", Action.validating(FileActions.RENAME, ckan(files::rename)));
        actions.put("file_delete", Action.withTaskQueue(ckan(files::delete)));
        actions.put("file_pin", ckan((ctx, data) -> files.pin(ctx, data, true)));
        actions.put("file_unpin", ckan((ctx, data) -> unpin(ctx, data)));
        actions.put("file_ownership_transfer", Action.validating(FileActions.TRANSFER, ckan((ctx, data) -> files.transfer(ctx, data, "force"))));
        actions.put("file_owner_scan", Action.validating(OWNER_SCAN, Action.sideEffectFree(this::ownerScan)));

        auth.put("file_create", (ctx, data) -> permissions.mayCreate(ctx, FileActions.storageName(ctx, data), data.get("name")));
        auth.put("file_register", (ctx, data) -> permissions.mayRegister(ctx, FileActions.storageName(ctx, data), data.get("location")));
        auth.put("file_show", AuthFunction.allowAnonymous((ctx, data) -> FilePermissions.ask(ctx, FilePermissions.READ_FILE, data)));
        auth.put("file_delete", (ctx, data) -> FilePermissions.ask(ctx, FilePermissions.DELETE_FILE, data));
        for (String edit : List.of("file_rename", "file_pin", "file_unpin")) {
            auth.put(edit, (ctx, data) -> FilePermissions.ask(ctx, FilePermissions.EDIT_FILE, data));
        }
        auth.put("file_ownership_transfer", files::mayTransfer);
        auth.put("file_owner_scan", AuthFunction.allowAnonymous(this::mayScan));
    }

    /** CKAN's {@code file_unpin}: a file without an owner is unpinned already. */
    private Object unpin(ActionContext ctx, Map<String, Object> data) {
        FileRecord f = store.lockFile(data, "id");
        return store.owner(f.id) == null ? store.dict(f) : files.pin(ctx, data, false);
    }

    private static Action ckan(BiFunction<ActionContext, Map<String, Object>, Object> action) {
        return (ctx, data) -> ckanFile(asMap(action.apply(ctx, data)));
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> asMap(Object o) {
        return (Map<String, Object>) o;
    }

    /**
     * A file as CKAN 2.12's {@code File.dictize} has it: {@code id, name, location, storage,
     * content_type, size, hash, algorithm, created, storage_data, owner_type, owner_id, pinned}.
     */
    static Map<String, Object> ckanFile(Map<String, Object> ours) {
        Map<String, Object> d = new LinkedHashMap<>();
        for (String key : List.of("id", "name", "location", "storage", "content_type", "size", "hash")) {
            d.put(key, ours.get(key));
        }
        d.put("algorithm", ours.get("hash_algorithm"));
        d.put("created", ours.get("ctime"));
        d.put("storage_data", ours.get("storage_data"));
        d.put("owner_type", ours.get("owner_type"));
        d.put("owner_id", ours.get("owner_id"));
        d.put("pinned", Boolean.TRUE.equals(ours.get("pinned")));
        return d;
    }

    // ---- file_owner_scan -------------------------------------------------------------------------

    /** The owner a scan is about: {@code owner_type} (default user) and {@code owner_id} (default the caller). */
    private static FileStore.Owner scanned(ActionContext ctx, Map<String, Object> data) {
        Map<String, Object> valid = ctx.validate(OWNER_SCAN, data);
        String type = (String) valid.get("owner_type");
        String id = valid.get("owner_id") instanceof String s && !s.isEmpty() ? s
                : FilePermissions.USER.equals(type) ? ctx.user().map(UserRef::id).orElse(null) : null;
        if (id == null) {
            throw ValidationException.of("owner_id", "Missing value");
        }
        return new FileStore.Owner(type, id);
    }

    /**
     * CKAN's rule: whoever passes {@code permission_manage_files}, or the owner's
     * {@code <type>_update} ({@code portal.files.owner.scan_as_update}, default) or
     * {@code <type>_file_scan} for the owner's id.
     */
    private AuthResult mayScan(ActionContext ctx, Map<String, Object> data) {
        FileStore.Owner owner = scanned(ctx, data);
        if (FilePermissions.isSysadmin(ctx) || ctx.checkAccess(FilePermissions.MANAGE_FILES, Map.of()).allowed()) {
            return AuthResult.allow();
        }
        String function = owner.type() + (ctx.config().bool(SCAN_AS_UPDATE) ? "_update" : "_file_scan");
        Map<String, Object> id = new LinkedHashMap<>();
        id.put("id", owner.id());
        boolean allowed;
        try {
            allowed = ctx.checkAccess(function, id).allowed();
        } catch (RuntimeException e) {
            allowed = false;
        }
        return FilePermissions.result(allowed, ctx, "list the files of " + owner.type() + " " + owner.id());
    }

    @SuppressWarnings("unchecked")
    private Object ownerScan(ActionContext ctx, Map<String, Object> data) {
        FileStore.Owner owner = scanned(ctx, data);
        Map<String, Object> query = new LinkedHashMap<>();
        for (String key : List.of("start", "rows", "sort")) {
            if (data.containsKey(key)) {
                query.put(key, data.get(key));
            }
        }
        query.put("owner_type", owner.type());
        query.put("owner_id", owner.id());
        Map<String, Object> found = files.search(ctx, query);
        List<Map<String, Object>> results = new ArrayList<>();
        for (Object one : (List<Object>) found.get("results")) {
            results.add(ckanFile((Map<String, Object>) one));
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("count", found.get("count"));
        out.put("results", results);
        return out;
    }
}
