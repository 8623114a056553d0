package dev.portalkit.runtime.model;

import dev.portalkit.api.action.ActionContext;
import dev.portalkit.api.validation.ValidatedField;
import dev.portalkit.api.validation.Invalid;
import dev.portalkit.api.validation.Validator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * CKAN's validators that need the portal model (uniqueness, organization ownership, sysadmin-only
 * fields), with CKAN's names and messages. They are named in the core schemas
 * ({@code CoreSchemas}), so a plugin's schema modifier can drop or replace them. On updates the
 * action puts the object's real id into the data's {@code id} before validating, which is how
 * these validators tell "this object" from "another object with the same name".
 */
final class ModelValidators {
    static final int PASSWORD_MIN_LENGTH = 8;

    private final ModelStore store;
    private final Permissions permissions;

    ModelValidators(ModelStore store, Permissions permissions) {
        this.store = store;
        this.permissions = permissions;
    }

    Map<String, Validator> validators() {
        Map<String, Validator> v = new LinkedHashMap<>();
        v.put("package_name_validator", f -> {
            if (f.value() instanceof String name && store.read(() -> taken("PackageRecord", "name", name, selfId(f)))) {
                throw new Invalid("That URL is already in use.");
            }
        });
        v.put("group_name_validator", f -> {
            if (f.value() instanceof String name && store.read(() -> taken("GroupRecord", "name", name, selfId(f)))) {
                throw new Invalid("Group name already exists in database");
            }
        });
        v.put("user_name_validator", f -> {
            if (f.value() instanceof String name && store.read(() -> taken("UserRecord", "name", name, selfId(f)))) {
                throw new Invalid("That login name is not available.");
            }
        });
        v.put("email_is_unique", f -> {
            if (f.value() instanceof String email && !email.isBlank()) {
                String self = selfId(f);
                List<String> owners = store.read(() -> store.em()
                        .createQuery("SELECT u.id FROM UserRecord u WHERE LOWER(u.email) = :e", String.class)
                        .setParameter("e", email.toLowerCase(Locale.ROOT)).getResultList());
                if (owners.stream().anyMatch(id -> !id.equals(self))) {
                    throw new Invalid("The email address '" + email + "' belongs to a registered user.");
                }
            }
        });
        v.put("user_password_validator", f -> {
            if (f.value() == null) {
                return;
            }
            if (!(f.value() instanceof String password)) {
                throw new Invalid("Passwords must be strings");
            }
            if (password.length() < PASSWORD_MIN_LENGTH) {
                throw new Invalid("Your password must be " + PASSWORD_MIN_LENGTH + " characters or longer");
            }
        });
        v.put("ignore_not_sysadmin", f -> {
            if (!Permissions.isSysadmin(f.context())) {
                f.remove();
                f.stop();
            }
        });
        v.put("owner_org_validator", f -> store.read(() -> {
            ownerOrg(f);
            return null;
        }));
        v.put("datasets_with_no_organization_cannot_be_private", f -> {
            Object org = f.data().get("owner_org");
            if (Boolean.TRUE.equals(f.value()) && (org == null || (org instanceof String s && s.isBlank()))) {
                throw new Invalid("Datasets with no organization can't be private.");
            }
        });
        v.put("duplicate_extras_key", f -> {
            Set<Object> seen = new HashSet<>();
            Set<Object> duplicates = new LinkedHashSet<>();
            for (Map<String, Object> extra : ModelStore.maps(f.value())) {
                Object key = extra.get("key");
                if (key != null && !seen.add(key)) {
                    duplicates.add(key);
                }
            }
            if (!duplicates.isEmpty()) {
                throw new Invalid("There are duplicate keys: " + duplicates);
            }
        });
        return v;
    }

    /**
     * CKAN's {@code owner_org_validator}: converts an organization id or name to its id; requires
     * one unless {@code portal.auth.create_unowned_dataset}; the caller must be allowed to add
     * datasets to a new owner; only sysadmins may remove a dataset from its organization.
     */
    private void ownerOrg(ValidatedField f) {
        ActionContext ctx = f.context();
        boolean unowned = ctx.config().bool(ModelConfig.CREATE_UNOWNED_DATASET);
        Object value = f.value();
        if (f.isMissing() || value == null) {
            if (!unowned) {
                throw new Invalid("An organization must be provided");
            }
            f.remove();
            f.stop();
            return;
        }
        if (!(value instanceof String orgRef)) {
            throw new Invalid("Must be a string");
        }
        String self = selfId(f);
        PackageRecord current = self == null ? null : store.em().find(PackageRecord.class, self);
        if (orgRef.isBlank()) {
            if (!unowned) {
                throw new Invalid("An organization must be provided");
            }
            if (current != null && current.ownerOrg != null && !Permissions.isSysadmin(ctx)) {
                throw new Invalid("You cannot remove a dataset from an existing organization");
            }
            f.set(null);
            return;
        }
        GroupRecord org = store.group(orgRef.strip());
        if (org == null || !org.isOrganization || ModelStore.DELETED.equals(org.state)) {
            throw new Invalid("Organization does not exist");
        }
        boolean changing = current == null || !org.id.equals(current.ownerOrg);
        if (changing && !permissions.has(ctx, org.id, "create_dataset")) {
            throw new Invalid("You cannot add a dataset to this organization");
        }
        f.set(org.id);
    }

    private static String selfId(ValidatedField f) {
        Object id = f.data().get("id");
        return id instanceof String s && !s.isBlank() ? s : null;
    }

    private boolean taken(String entity, String column, String value, String selfId) {
        String jpql = "SELECT COUNT(x) FROM " + entity + " x WHERE x." + column + " = :v" + (selfId == null ? "" : " AND x.id <> :self");
        var query = store.em().createQuery(jpql, Long.class).setParameter("v", value);
        if (selfId != null) {
            query.setParameter("self", selfId);
        }
        return query.getSingleResult() > 0;
    }
}
