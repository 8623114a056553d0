package dev.portalkit.runtime.model;

import dev.portalkit.api.ValidationException;
import dev.portalkit.api.action.Action;
import dev.portalkit.api.action.ActionContext;
import dev.portalkit.api.auth.AuthFunction;
import dev.portalkit.api.auth.AuthResult;
import dev.portalkit.api.files.IUploader;
import dev.portalkit.api.files.Upload;
import dev.portalkit.runtime.ApiTokenAuthenticator;
import dev.portalkit.runtime.uploader.EntityUploads;
import dev.portalkit.api.validation.Schema;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * {@code user_create/show/list/update/delete} with CKAN's rules: creating accounts is for
 * sysadmins unless {@code portal.auth.create_user_via_api} (or {@code _via_web} for a web form)
 * allows anyone; users update themselves; only sysadmins delete; details are public unless
 * {@code portal.auth.public_user_details} is false. Dicts never carry the password hash, and the
 * email only for the user and sysadmins.
 */
final class UserActions {
    private static final Set<String> KNOWN = Set.of("id", "name", "email", "fullname", "about", "password", "sysadmin",
            "state", "created", "display_name", "number_created_packages", "password_hash", "image_url", "image_display_url");
    private static final Schema LIST = Schema.empty()
            .with("q", "ignore_missing", "unicode_safe")
            .with("order_by", "default(name)", "unicode_safe", "one_of(name, fullname, created)")
            .with("limit", "ignore_missing", "int_range(0, " + ModelConfig.SEARCH_ROWS_MAX + ")")
            .with("offset", "default(0)", "int_range(0, " + Integer.MAX_VALUE + ")")
            .with("all_fields", "default(true)", "boolean_validator");

    /** CKAN's form field with the current password, required when users change their own password. */
    static final String OLD_PASSWORD = "old_password";

    private final ModelStore store;
    private final ModelDicts dicts;
    private final EntityUploads uploads;
    private final Supplier<AuthenticationThrottle> throttles;

    UserActions(ModelStore store, ModelDicts dicts, EntityUploads uploads, Supplier<AuthenticationThrottle> throttles) {
        this.store = store;
        this.dicts = dicts;
        this.uploads = uploads;
        this.throttles = throttles;
    }

    void register(Map<String, Action> actions, Map<String, AuthFunction> auth) {
        actions.put("user_create", Action.validating("user_create", Action.acceptingUploads(Action.withTaskQueue(this::create))));
        actions.put("user_update", Action.validating("user_update", Action.acceptingUploads(Action.withTaskQueue(this::update))));
        actions.put("user_show", Action.sideEffectFree(this::show));
        actions.put("user_list", Action.validating(LIST, Action.sideEffectFree(this::list)));
        actions.put("user_delete", this::delete);
        auth.put("user_create", AuthFunction.allowAnonymous(UserActions::mayCreate));
        auth.put("user_update", this::mayUpdate);
        auth.put("user_show", AuthFunction.allowAnonymous(UserActions::mayRead));
        auth.put("user_list", AuthFunction.allowAnonymous(UserActions::mayRead));
        auth.put("user_delete", (ctx, data) -> Permissions.isSysadmin(ctx) ? AuthResult.allow()
                : AuthResult.deny(Permissions.who(ctx) + " is not authorized to delete users"));
    }

    // ---- auth --------------------------------------------------------------------------------

    private static AuthResult mayCreate(ActionContext ctx, Map<String, Object> data) {
        if (Permissions.isSysadmin(ctx)) {
            return AuthResult.allow();
        }
        boolean viaWeb = Boolean.TRUE.equals(ctx.attributes().get(ModelConfig.VIA_WEB_ATTRIBUTE));
        String option = viaWeb ? ModelConfig.CREATE_USER_VIA_WEB : ModelConfig.CREATE_USER_VIA_API;
        return ctx.config().bool(option) ? AuthResult.allow()
                : AuthResult.deny(Permissions.who(ctx) + " is not authorized to create users (" + option + " is false)");
    }

    private static AuthResult mayRead(ActionContext ctx, Map<String, Object> data) {
        if (Permissions.isSysadmin(ctx) || ctx.config().bool(ModelConfig.PUBLIC_USER_DETAILS) || ctx.user().isPresent()) {
            return AuthResult.allow();
        }
        return AuthResult.deny(Permissions.who(ctx) + " is not authorized to see user details (" + ModelConfig.PUBLIC_USER_DETAILS
                + " is false): log in first");
    }

    private AuthResult mayUpdate(ActionContext ctx, Map<String, Object> data) {
        UserRecord u = store.requireUser(data, "id");
        if (Permissions.isSysadmin(ctx) || Permissions.userId(ctx).map(u.id::equals).orElse(false)) {
            return AuthResult.allow();
        }
        return AuthResult.deny(Permissions.who(ctx) + " is not authorized to edit user " + u.name);
    }

    // ---- actions -----------------------------------------------------------------------------

    private Object create(ActionContext ctx, Map<String, Object> data) {
        Map<String, Object> input = new LinkedHashMap<>(data);
        Upload image = EntityUploads.takeUpload(input, EntityUploads.IMAGE_UPLOAD);
        boolean clear = EntityUploads.takeFlag(input, EntityUploads.CLEAR_UPLOAD);
        Map<String, Object> valid = ctx.validate("user_create", input);
        UserRecord u = new UserRecord();
        u.id = UUID.randomUUID().toString();
        u.created = ModelStore.now();
        u.name = ModelStore.str(valid.get("name"));
        u.email = ModelStore.str(valid.get("email"));
        u.fullname = ModelStore.str(valid.get("fullname"));
        u.about = ModelStore.str(valid.get("about"));
        u.imageUrl = ModelStore.str(valid.get("image_url"));
        u.passwordHash = PasswordHasher.hash(ModelStore.str(valid.get("password")), iterations(ctx));
        u.sysadmin = Boolean.TRUE.equals(valid.get("sysadmin"));
        u.state = valid.get("state") == null ? ModelStore.ACTIVE : ModelStore.str(valid.get("state"));
        u.customFields = ModelDicts.customJson(valid, KNOWN);
        store.em().persist(u);
        store.flush();
        if (image != null) {
            u.imageUrl = uploads.updateImage(ctx, IUploader.ImageOwner.USER, u.id, null, u.imageUrl, image, clear);
            store.flush();
        }
        // The caller just gave the email: it may see it back, even when anonymous.
        Map<String, Object> dict = ModelDicts.userDict(u, true, 0);
        dict.put("image_display_url", dicts.imageDisplayUrl(ctx, IUploader.ImageOwner.USER, u.id, u.imageUrl));
        return dict;
    }

    /**
     * Changes the fields given (CKAN's user_update leaves the others as they are). Users changing
     * their own password must give the current one as {@code old_password} (CKAN's form asks for
     * it); a wrong one is a failed password attempt for the throttle. Sysadmins changing another
     * user's password, and calls that ignore auth (the CLI), need none.
     */
    private Object update(ActionContext ctx, Map<String, Object> data) {
        UserRecord u = store.requireUser(data, "id");
        Map<String, Object> input = new LinkedHashMap<>(data);
        input.put("id", u.id);
        Object oldPassword = input.remove(OLD_PASSWORD);
        Upload image = EntityUploads.takeUpload(input, EntityUploads.IMAGE_UPLOAD);
        boolean clear = EntityUploads.takeFlag(input, EntityUploads.CLEAR_UPLOAD);
        Map<String, Object> valid = ctx.validate("user_update", input);
        if (image != null || clear || valid.containsKey("image_url")) {
            String given = image == null && !clear || valid.containsKey("image_url") ? ModelStore.str(valid.get("image_url")) : null;
            u.imageUrl = uploads.updateImage(ctx, IUploader.ImageOwner.USER, u.id, u.imageUrl, given, image, clear);
        }
        if (valid.containsKey("name")) {
            u.name = ModelStore.str(valid.get("name"));
        }
        if (valid.containsKey("email")) {
            u.email = ModelStore.str(valid.get("email"));
        }
        if (valid.containsKey("fullname")) {
            u.fullname = ModelStore.str(valid.get("fullname"));
        }
        if (valid.containsKey("about")) {
            u.about = ModelStore.str(valid.get("about"));
        }
        if (valid.get("password") != null) {
            if (!ctx.ignoreAuth() && Permissions.userId(ctx).map(u.id::equals).orElse(false)) {
                requireCurrentPassword(ctx, u, oldPassword);
            }
            u.passwordHash = PasswordHasher.hash(ModelStore.str(valid.get("password")), iterations(ctx));
        }
        if (valid.get("sysadmin") != null) {
            u.sysadmin = Boolean.TRUE.equals(valid.get("sysadmin"));
        }
        if (valid.get("state") != null) {
            u.state = ModelStore.str(valid.get("state"));
        }
        Map<String, Object> custom = new LinkedHashMap<>(ModelDicts.customFields(u.customFields));
        valid.forEach((k, v) -> {
            if (!KNOWN.contains(k)) {
                custom.put(k, v);
            }
        });
        u.customFields = ModelDicts.customJson(custom, KNOWN);
        store.flush();
        return dicts.userDict(ctx, u);
    }

    /** The user's current password as {@code old_password}: 409 naming it when missing or wrong (a failure the throttle counts). */
    private void requireCurrentPassword(ActionContext ctx, UserRecord u, Object given) {
        if (given == null || (given instanceof String s && s.isEmpty())) {
            throw ValidationException.of(OLD_PASSWORD, "Missing value: give your current password to change it");
        }
        if (!(given instanceof String password)) {
            throw ValidationException.of(OLD_PASSWORD, "Must be a string");
        }
        String address = ctx.attributes().get(ApiTokenAuthenticator.CLIENT_ADDRESS_ATTRIBUTE) instanceof String a ? a : null;
        AuthenticationThrottle throttle = throttles.get();
        throttle.check(address, u.name);
        if (!PasswordHasher.verify(password, u.passwordHash)) {
            throttle.failed(AuthenticationThrottle.Credential.PASSWORD, address, u.name);
            throw ValidationException.of(OLD_PASSWORD, "Password entered was incorrect");
        }
    }

    private Object show(ActionContext ctx, Map<String, Object> data) {
        return dicts.userDict(ctx, store.requireUser(data, "id"));
    }

    private Object list(ActionContext ctx, Map<String, Object> data) {
        Map<String, Object> params = ctx.validate(LIST, data);
        String where = "u.state <> :d";
        Object q = params.get("q");
        boolean filtered = q instanceof String text && !text.isBlank();
        if (filtered) {
            where += " AND (LOWER(u.name) LIKE :q OR LOWER(u.fullname) LIKE :q)";
        }
        String order = switch (ModelStore.str(params.get("order_by"))) {
            case "fullname" -> "u.fullname";
            case "created" -> "u.created";
            default -> "u.name";
        };
        var query = store.em().createQuery("SELECT u FROM UserRecord u WHERE " + where + " ORDER BY " + order + ", u.name",
                UserRecord.class).setParameter("d", ModelStore.DELETED);
        if (filtered) {
            query.setParameter("q", "%" + ((String) q).strip().toLowerCase(Locale.ROOT) + "%");
        }
        query.setFirstResult(((Number) params.get("offset")).intValue());
        if (params.get("limit") != null) {
            query.setMaxResults(((Number) params.get("limit")).intValue());
        }
        List<UserRecord> users = query.getResultList();
        if (!Boolean.TRUE.equals(params.get("all_fields"))) {
            return users.stream().map(u -> u.name).toList();
        }
        return dicts.userDicts(ctx, users);
    }

    /** Marks the user deleted and ends their memberships (as CKAN); their API tokens stop working. */
    private Object delete(ActionContext ctx, Map<String, Object> data) {
        UserRecord u = store.requireUser(data, "id");
        u.state = ModelStore.DELETED;
        store.em().createQuery("UPDATE MemberRecord m SET m.state = :d WHERE m.tableName = :t AND m.tableId = :u")
                .setParameter("d", ModelStore.DELETED).setParameter("t", MemberRecord.USER).setParameter("u", u.id).executeUpdate();
        return null;
    }

    private static int iterations(ActionContext ctx) {
        return ctx.config().integer(ModelConfig.PASSWORD_ITERATIONS);
    }
}
