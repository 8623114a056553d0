package dev.portalkit.runtime.files.tracked;

import dev.portalkit.api.PortalException;
import dev.portalkit.api.action.ActionContext;
import dev.portalkit.runtime.action.ActionContextImpl;
import dev.portalkit.api.action.UserRef;
import dev.portalkit.api.auth.AuthFunction;
import dev.portalkit.api.auth.AuthResult;
import dev.portalkit.api.files.FilePermission;
import dev.portalkit.api.files.IFiles;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Who may do what with a tracked file, as CKAN 2.12's permission functions (seed 001), each a
 * registered auth function that plugins may chain or override:
 * <pre>
 * permission_manage_files            every file (only sysadmins, unless a plugin grants it)
 * ├─ permission_owns_file            the file's owner
 * │  ├─ permission_edit_file         rename, pin, unpin, transfer, revoke links
 * │  ├─ permission_delete_file       delete
 * │  └─ permission_read_file         show
 * │     └─ permission_download_file  download routes and download links (asked on its own)
 * ├─ create, register                (authenticated uploads, or permission_manage_files)
 * └─ owner scan                      (the owner's {@code <type>_update} / {@code <type>_file_scan})
 * </pre>
 * The File API's auth functions (both {@code files_file_*} and CKAN's {@code file_*} names) and
 * the download routes ask these functions, never a copy of their logic. Order inside read, edit
 * and delete, for callers that are not sysadmins (sysadmins and {@code ignore_auth} calls may do
 * everything):
 * <ol>
 *   <li>{@code permission_manage_files};</li>
 *   <li>the {@link IFiles#isAllowed} hooks of enabled plugins, in plugin order: the first answer
 *       other than NO_OPINION decides;</li>
 *   <li>{@code permission_owns_file}: a file owned by the calling user ({@code owner_type = user});
 *       a multipart upload is continued by the user who started it;</li>
 *   <li>cascade access: a file owned by an entity whose type is in
 *       {@code portal.files.owner.cascade_access} may be shown / updated / deleted by whoever passes
 *       {@code <type>_show} / {@code <type>_update} / {@code <type>_delete} for that entity;</li>
 *   <li>nobody else.</li>
 * </ol>
 * A transfer needs {@code update} on the file and the right to give the file to its new owner:
 * the caller itself, or an entity of a cascade type on which the caller passes {@code <type>_update}
 * ({@code portal.files.owner.transfer_as_update}, default) or {@code <type>_file_transfer}.
 */
final class FilePermissions {
    static final String CREATE = "create";
    static final String REGISTER = "register";
    static final String SHOW = "show";
    static final String UPDATE = "update";
    static final String DELETE = "delete";
    static final String TRANSFER = "transfer";
    static final String USER = "user";

    static final String MANAGE_FILES = "permission_manage_files";
    static final String OWNS_FILE = "permission_owns_file";
    static final String EDIT_FILE = "permission_edit_file";
    static final String DELETE_FILE = "permission_delete_file";
    static final String READ_FILE = "permission_read_file";
    /** Asked by the download routes and for download links; by default whoever may read the file. */
    public static final String DOWNLOAD_FILE = "permission_download_file";

    private final FileApi.Host host;
    private final FileStore store;
    /** {@code permission_owns_file} as registered: {@link #may} decides it from the file dict while no plugin chains it. */
    private final AuthFunction ownsFile = AuthFunction.allowAnonymous(this::ownsFile);

    FilePermissions(FileApi.Host host, FileStore store) {
        this.host = host;
        this.store = store;
    }

    /** The permission functions, under CKAN 2.12's names. */
    void register(Map<String, AuthFunction> auth) {
        auth.put(MANAGE_FILES, (ctx, data) -> AuthResult.deny(who(ctx) + " is not authorized to manage every file"));
        auth.put(OWNS_FILE, ownsFile);
        auth.put(EDIT_FILE, (ctx, data) -> onFile(ctx, data, UPDATE, "edit file"));
        auth.put(DELETE_FILE, (ctx, data) -> onFile(ctx, data, DELETE, "delete file"));
        auth.put(READ_FILE, AuthFunction.allowAnonymous((ctx, data) -> onFile(ctx, data, SHOW, "read file")));
        auth.put(DOWNLOAD_FILE, AuthFunction.allowAnonymous((ctx, data) -> ctx.checkAccess(READ_FILE, data).allowed()
                ? AuthResult.allow() : AuthResult.deny(who(ctx) + " is not authorized to download file " + data.get("id"))));
    }

    /** {@code permission_owns_file}: a file owned by the caller (or anyone passing permission_manage_files). */
    private AuthResult ownsFile(ActionContext ctx, Map<String, Object> data) {
        if (isSysadmin(ctx) || passes(ctx, MANAGE_FILES, data.get("id"))) {
            return AuthResult.allow();
        }
        String caller = ctx.user().map(UserRef::id).orElse(null);
        FileRecord f = data.get("id") instanceof String id ? store.file(id) : null;
        FileOwnerRecord o = f == null ? null : store.owner(f.id);
        boolean owns = caller != null && o != null && USER.equals(o.ownerType) && caller.equals(o.ownerId);
        return owns ? AuthResult.allow() : AuthResult.deny(who(ctx) + " does not own file " + data.get("id"));
    }

    /**
     * {@code operation} on the file {@code data.id}. For the operations that change a file the row is
     * locked first ({@link FileStore#lockFile}), so that the decision is taken on the current owner and
     * holds until the action is done.
     */
    AuthResult onFile(ActionContext ctx, Map<String, Object> data, String operation, String what) {
        FileRecord f = SHOW.equals(operation) ? store.requireFile(data, "id") : store.lockFile(data, "id");
        return result(may(ctx, store.dict(f), operation), ctx, what + " " + f.id);
    }

    /** The named permission function for the file {@code data.id} (only its id is handed on). */
    static AuthResult ask(ActionContext ctx, String permission, Map<String, Object> data) {
        Map<String, Object> id = new LinkedHashMap<>();
        id.put("id", data.get("id"));
        return ctx.checkAccess(permission, id);
    }

    static boolean isSysadmin(ActionContext ctx) {
        return ctx.ignoreAuth() || ctx.user().map(UserRef::sysadmin).orElse(false);
    }

    /** "User alice" or "Anonymous user", for messages. */
    static String who(ActionContext ctx) {
        return ctx.user().map(u -> "User " + u.name()).orElse("Anonymous user");
    }

    /** The answer of the first hook with an opinion, or {@code null}. */
    private Boolean hooks(ActionContext ctx, Map<String, Object> file, String operation, Map<String, Object> nextOwner) {
        for (IFiles hook : host.hooks()) {
            FilePermission answer = hook.isAllowed(ctx, file, operation, nextOwner);
            if (answer == FilePermission.ALLOW) {
                return true;
            }
            if (answer == FilePermission.DENY) {
                return false;
            }
        }
        return null;
    }

    /** {@code show}, {@code update} or {@code delete} on a file dict (or a multipart dict). */
    boolean may(ActionContext ctx, Map<String, Object> file, String operation) {
        boolean multipart = Boolean.TRUE.equals(file.get("multipart"));
        if (isSysadmin(ctx) || (!multipart && passes(ctx, MANAGE_FILES, file.get("id")))) {
            return true;
        }
        Boolean hook = hooks(ctx, file, operation, null);
        if (hook != null) {
            return hook;
        }
        if (multipart) {
            String caller = ctx.user().map(UserRef::id).orElse(null);
            return caller != null && caller.equals(file.get("initiator_id"));
        }
        if (ownsFileAsRegistered(ctx) ? ownedByCaller(ctx, file) : passes(ctx, OWNS_FILE, file.get("id"))) {
            return true;
        }
        Object type = file.get("owner_type");
        Object id = file.get("owner_id");
        if (type == null || id == null) {
            return false;
        }
        return cascades(ctx, (String) type) && passes(ctx, type + "_" + operation, id);
    }

    /**
     * Whether {@code permission_owns_file} is still this class's own function: then what it would
     * answer for a caller that is not a sysadmin and did not pass {@code permission_manage_files}
     * (both asked already by {@link #may}) is {@link #ownedByCaller}, without a second dispatch and
     * a second lookup of the file and its owner.
     */
    private boolean ownsFileAsRegistered(ActionContext ctx) {
        return ctx instanceof ActionContextImpl impl && impl.dispatcher().auth().isOnly(OWNS_FILE, ownsFile);
    }

    private static boolean ownedByCaller(ActionContext ctx, Map<String, Object> file) {
        String caller = ctx.user().map(UserRef::id).orElse(null);
        return caller != null && USER.equals(file.get("owner_type")) && caller.equals(file.get("owner_id"));
    }

    /** {@code files_transfer_ownership}: update on the file, and the right to give it to {@code next}. */
    boolean mayTransfer(ActionContext ctx, Map<String, Object> file, FileStore.Owner next) {
        if (isSysadmin(ctx) || passes(ctx, MANAGE_FILES, file.get("id"))) {
            return true;
        }
        Map<String, Object> nextOwner = new LinkedHashMap<>();
        nextOwner.put("owner_type", next.type());
        nextOwner.put("owner_id", next.id());
        Boolean hook = hooks(ctx, file, TRANSFER, nextOwner);
        if (hook != null) {
            return hook;
        }
        return may(ctx, file, UPDATE) && mayReceive(ctx, next);
    }

    /** Whether the caller may make {@code next} the owner of a file it controls. */
    boolean mayReceive(ActionContext ctx, FileStore.Owner next) {
        if (isSysadmin(ctx)) {
            return true;
        }
        String caller = ctx.user().map(UserRef::id).orElse(null);
        if (USER.equals(next.type()) && caller != null && caller.equals(next.id())) {
            return true;
        }
        if (!cascades(ctx, next.type())) {
            return false;
        }
        boolean asUpdate = ctx.config().bool(FileApiConfig.TRANSFER_AS_UPDATE);
        return passes(ctx, next.type() + (asUpdate ? "_update" : "_file_transfer"), next.id());
    }

    /** {@code files_file_create} / {@code files_multipart_start} into {@code storage}. */
    AuthResult mayCreate(ActionContext ctx, String storage, Object name) {
        if (isSysadmin(ctx)) {
            return AuthResult.allow();
        }
        Map<String, Object> file = new LinkedHashMap<>();
        file.put("storage", storage);
        file.put("name", name);
        Boolean hook = hooks(ctx, file, CREATE, null);
        if (hook != null) {
            return hook ? AuthResult.allow() : AuthResult.deny(who(ctx) + " is not authorized to upload files into storage " + storage);
        }
        if (ctx.user().isEmpty()) {
            return AuthResult.deny(who(ctx) + " is not authorized to upload files");
        }
        if (passes(ctx, MANAGE_FILES, null)) {
            return AuthResult.allow();
        }
        if (!ctx.config().bool(FileApiConfig.AUTHENTICATED_UPLOADS_ALLOW)) {
            return AuthResult.deny(who(ctx) + " is not authorized to upload files (only sysadmins may, unless "
                    + FileApiConfig.AUTHENTICATED_UPLOADS_ALLOW + " is set)");
        }
        List<String> storages = ctx.config().list(FileApiConfig.AUTHENTICATED_UPLOADS_STORAGES);
        if (!storages.contains(storage)) {
            return AuthResult.deny(who(ctx) + " is not authorized to upload files into storage " + storage
                    + " (users may upload into: " + String.join(", ", storages) + ")");
        }
        return AuthResult.allow();
    }

    /** {@code files_file_register}: sysadmins, or a hook's ALLOW. */
    AuthResult mayRegister(ActionContext ctx, String storage, Object location) {
        if (isSysadmin(ctx)) {
            return AuthResult.allow();
        }
        Map<String, Object> file = new LinkedHashMap<>();
        file.put("storage", storage);
        file.put("location", location);
        return Boolean.TRUE.equals(hooks(ctx, file, REGISTER, null)) || passes(ctx, MANAGE_FILES, null) ? AuthResult.allow()
                : AuthResult.deny(who(ctx) + " is not authorized to register files");
    }

    /** Whether the caller may see the files of an owner (search restricted to that owner). */
    boolean mayListOwner(ActionContext ctx, FileStore.Owner owner) {
        if (isSysadmin(ctx) || passes(ctx, MANAGE_FILES, null)) {
            return true;
        }
        String caller = ctx.user().map(UserRef::id).orElse(null);
        if (USER.equals(owner.type())) {
            return caller != null && caller.equals(owner.id());
        }
        return cascades(ctx, owner.type()) && passes(ctx, owner.type() + "_show", owner.id());
    }

    static AuthResult result(boolean allowed, ActionContext ctx, String what) {
        return allowed ? AuthResult.allow() : AuthResult.deny(who(ctx) + " is not authorized to " + what);
    }

    private static boolean cascades(ActionContext ctx, String ownerType) {
        return ctx.config().list(FileApiConfig.CASCADE_ACCESS).contains(ownerType);
    }

    /** The auth function for the caller on {@code id}; a missing entity or a failing check is a denial. */
    private static boolean passes(ActionContext ctx, String authFunction, Object id) {
        try {
            Map<String, Object> data = new LinkedHashMap<>();
            data.put("id", id);
            return Objects.requireNonNull(ctx.checkAccess(authFunction, data)).allowed();
        } catch (PortalException e) {
            return false;
        }
    }
}
