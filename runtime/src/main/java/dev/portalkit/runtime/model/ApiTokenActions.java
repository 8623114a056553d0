package dev.portalkit.runtime.model;

import dev.portalkit.api.ErrorKind;
import dev.portalkit.api.PortalException;
import dev.portalkit.api.ValidationException;
import dev.portalkit.api.action.Action;
import dev.portalkit.api.action.ActionContext;
import dev.portalkit.api.auth.AuthFunction;
import dev.portalkit.api.auth.AuthResult;
import dev.portalkit.api.validation.Schema;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

/**
 * {@code api_token_create/list/revoke}: users manage their own tokens, sysadmins anyone's. The
 * token is returned once by api_token_create; only its hash is stored. Revoking deletes the row.
 */
final class ApiTokenActions {
    private static final Schema CREATE = Schema.empty()
            .with("user", "not_empty", "unicode_safe")
            .with("name", "not_empty", "unicode_safe", "strip_value");

    private final ModelStore store;

    ApiTokenActions(ModelStore store) {
        this.store = store;
    }

    void register(Map<String, Action> actions, Map<String, AuthFunction> auth) {
        actions.put("api_token_create", Action.validating(CREATE, this::create));
        actions.put("api_token_list", Action.sideEffectFree(this::list));
        actions.put("api_token_revoke", this::revoke);
        auth.put("api_token_create", (ctx, data) -> mayManage(ctx, store.requireUser(data, "user"), "create API tokens for"));
        auth.put("api_token_list", (ctx, data) -> mayManage(ctx, listedUser(data), "list API tokens of"));
        auth.put("api_token_revoke", (ctx, data) -> {
            ApiTokenRecord t = token(data);
            return mayManage(ctx, store.em().find(UserRecord.class, t.userId), "revoke API tokens of");
        });
    }

    private static AuthResult mayManage(ActionContext ctx, UserRecord owner, String verb) {
        if (Permissions.isSysadmin(ctx) || Permissions.userId(ctx).map(owner.id::equals).orElse(false)) {
            return AuthResult.allow();
        }
        return AuthResult.deny(Permissions.who(ctx) + " is not authorized to " + verb + " user " + owner.name);
    }

    private Object create(ActionContext ctx, Map<String, Object> data) {
        Map<String, Object> valid = ctx.validate(CREATE, data);
        UserRecord u = store.requireUser(valid, "user");
        if (!ModelStore.ACTIVE.equals(u.state)) {
            throw new PortalException(ErrorKind.CONFLICT, "User " + u.name + " is " + u.state + ": its tokens would not authenticate");
        }
        String token = ApiTokens.newToken();
        ApiTokenRecord t = new ApiTokenRecord();
        t.id = UUID.randomUUID().toString();
        t.userId = u.id;
        t.name = ModelStore.str(valid.get("name"));
        t.tokenHash = ApiTokens.hash(token);
        t.createdAt = ModelStore.now();
        store.em().persist(t);
        store.flush();
        Map<String, Object> out = dict(t);
        out.put("token", token);
        return out;
    }

    private Object list(ActionContext ctx, Map<String, Object> data) {
        UserRecord u = listedUser(data);
        return store.em().createQuery("SELECT t FROM ApiTokenRecord t WHERE t.userId = :u ORDER BY t.createdAt, t.id", ApiTokenRecord.class)
                .setParameter("u", u.id).getResultList().stream().map(ApiTokenActions::dict).toList();
    }

    private Object revoke(ActionContext ctx, Map<String, Object> data) {
        store.em().remove(token(data));
        return null;
    }

    /** CKAN names the user {@code user_id} (older versions {@code user}); both are accepted. */
    private UserRecord listedUser(Map<String, Object> data) {
        return store.requireUser(data, data.get("user_id") == null && data.get("user") != null ? "user" : "user_id");
    }

    /** The token to revoke, by {@code token} (the secret) or by id ({@code id}, or CKAN's {@code jti}). */
    private ApiTokenRecord token(Map<String, Object> data) {
        if (data.get("token") instanceof String secret && !secret.isBlank()) {
            ApiTokenRecord t = ModelStore.first(store.em().createQuery("SELECT t FROM ApiTokenRecord t WHERE t.tokenHash = :h",
                    ApiTokenRecord.class).setParameter("h", ApiTokens.hash(ApiTokens.fromHeader(secret).orElse(secret))));
            if (t == null) {
                throw PortalException.notFound("API token not found");
            }
            return t;
        }
        String key = data.get("jti") != null ? "jti" : "id";
        if (data.get(key) == null) {
            throw ValidationException.of("token", "Missing value: give the token, or its id as id or jti");
        }
        String id = ModelStore.requireString(data, key);
        ApiTokenRecord t = store.em().find(ApiTokenRecord.class, id);
        if (t == null) {
            throw PortalException.notFound("API token not found: " + id);
        }
        return t;
    }

    private static Map<String, Object> dict(ApiTokenRecord t) {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("id", t.id);
        d.put("name", t.name);
        d.put("user_id", t.userId);
        d.put("created_at", ModelDicts.timestamp(t.createdAt));
        return d;
    }
}
