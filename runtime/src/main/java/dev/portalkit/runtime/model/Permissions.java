package dev.portalkit.runtime.model;

import dev.portalkit.api.action.ActionContext;
import dev.portalkit.api.action.UserRef;
import dev.portalkit.api.config.PortalConfig;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * CKAN's organization roles and what they allow ({@code ckan.authz}): admins everything; editors
 * read, create, update and delete datasets; members read. Sysadmins and calls with
 * {@code ignore_auth} have every permission.
 */
final class Permissions {
    static final List<String> CAPACITIES = List.of("member", "editor", "admin");
    private static final Map<String, Set<String>> ROLE_PERMISSIONS = Map.of(
            "editor", Set.of("read", "delete_dataset", "create_dataset", "update_dataset", "manage_group"),
            "member", Set.of("read", "manage_group"));

    private final ModelStore store;

    Permissions(ModelStore store) {
        this.store = store;
    }

    static boolean roleHas(String capacity, String permission) {
        return "admin".equals(capacity) || ROLE_PERMISSIONS.getOrDefault(capacity, Set.of()).contains(permission);
    }

    static boolean isSysadmin(ActionContext ctx) {
        return ctx.ignoreAuth() || ctx.user().map(UserRef::sysadmin).orElse(false);
    }

    static Optional<String> userId(ActionContext ctx) {
        return ctx.user().map(UserRef::id);
    }

    /** "User alice" or "Anonymous user", for messages. */
    static String who(ActionContext ctx) {
        return ctx.user().map(u -> "User " + u.name()).orElse("Anonymous user");
    }

    /** Whether the caller has {@code permission} in the group or organization {@code groupId}. */
    boolean has(ActionContext ctx, String groupId, String permission) {
        if (groupId == null) {
            return false;
        }
        if (isSysadmin(ctx)) {
            return true;
        }
        Optional<String> user = userId(ctx);
        if (user.isEmpty()) {
            return false;
        }
        String capacity = store.capacity(groupId, user.get());
        return capacity != null && roleHas(capacity, permission);
    }

    /** Whether the caller has {@code permission} in at least one active organization. */
    boolean hasForSomeOrg(ActionContext ctx, String permission) {
        if (isSysadmin(ctx)) {
            return true;
        }
        return !orgsWith(ctx, permission).isEmpty();
    }

    /** Ids of the active organizations in which the caller has {@code permission} (not meaningful for sysadmins). */
    Set<String> orgsWith(ActionContext ctx, String permission) {
        Set<String> out = new LinkedHashSet<>();
        userId(ctx).ifPresent(user -> {
            for (Object[] row : store.memberships(user, true)) {
                if (roleHas((String) row[1], permission)) {
                    out.add((String) row[0]);
                }
            }
        });
        return out;
    }

    /**
     * CKAN's rule for creating a dataset at all, and for editing one that no organization owns:
     * a config switch set, or editor/admin of some organization.
     */
    boolean mayCreateDatasets(ActionContext ctx) {
        if (isSysadmin(ctx)) {
            return true;
        }
        PortalConfig c = ctx.config();
        boolean unowned = c.bool(ModelConfig.CREATE_DATASET_IF_NOT_IN_ORGANIZATION) && c.bool(ModelConfig.CREATE_UNOWNED_DATASET);
        if (ctx.user().isEmpty()) {
            return unowned && c.bool(ModelConfig.ANON_CREATE_DATASET);
        }
        return unowned || hasForSomeOrg(ctx, "create_dataset");
    }

    /** package_update's rule: update_dataset in the owning organization, or the unowned-dataset rule. */
    boolean canEditPackage(ActionContext ctx, PackageRecord p) {
        if (isSysadmin(ctx)) {
            return true;
        }
        return p.ownerOrg != null ? has(ctx, p.ownerOrg, "update_dataset") : mayCreateDatasets(ctx);
    }

    /**
     * package_show's rule: active public datasets are visible to everyone; private ones to
     * members of the owning organization; drafts and deleted datasets only to those who may edit them.
     */
    boolean canReadPackage(ActionContext ctx, PackageRecord p) {
        if (isSysadmin(ctx)) {
            return true;
        }
        if (!ModelStore.ACTIVE.equals(p.state)) {
            return canEditPackage(ctx, p);
        }
        if (!p.isPrivate) {
            return true;
        }
        return p.ownerOrg != null && has(ctx, p.ownerOrg, "read");
    }
}
