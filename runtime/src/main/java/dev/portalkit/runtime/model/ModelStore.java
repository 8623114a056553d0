package dev.portalkit.runtime.model;

import dev.portalkit.api.ErrorKind;
import dev.portalkit.api.PortalException;
import dev.portalkit.api.ValidationException;
import dev.portalkit.runtime.db.DatabaseFailures;
import jakarta.persistence.EntityManager;
import jakarta.persistence.TypedQuery;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * Queries of the portal model in the current action's transaction. Lookups that accept an id or
 * a name try the id first, as CKAN does.
 */
final class ModelStore {
    static final String ACTIVE = "active";
    static final String DELETED = "deleted";
    static final String DRAFT = "draft";

    /** How the store reaches the database: the current transaction's entity manager, and a way to open one. */
    interface Database {
        EntityManager em();

        /** Runs {@code work} in the current transaction, or in a new one when none is active. */
        <T> T inTransaction(Supplier<T> work);
    }

    private final Database db;

    ModelStore(Database db) {
        this.db = db;
    }

    /**
     * Runs a lookup in the current transaction or, when there is none (a plugin or test calls
     * {@code ctx.validate(...)} outside an action), in a short one of its own.
     */
    <T> T read(Supplier<T> work) {
        return db.inTransaction(work);
    }

    EntityManager em() {
        return db.em();
    }

    /**
     * Writes pending changes now, so that a unique constraint lost to a concurrent caller (two
     * datasets created with one name at once) fails as a CONFLICT, not as an internal error.
     */
    void flush() {
        DatabaseFailures.flush(em());
    }

    static Instant now() {
        return Instant.now().truncatedTo(ChronoUnit.MICROS);
    }

    // ---- users -------------------------------------------------------------------------------

    UserRecord user(String idOrName) {
        if (idOrName == null || idOrName.isBlank()) {
            return null;
        }
        UserRecord u = em().find(UserRecord.class, idOrName);
        return u != null ? u : first(em().createQuery("SELECT u FROM UserRecord u WHERE u.name = :n", UserRecord.class)
                .setParameter("n", idOrName));
    }

    /** The user named by {@code data.get(key)}: a validation error when missing, NOT_FOUND when unknown. */
    UserRecord requireUser(Map<String, Object> data, String key) {
        String value = requireString(data, key);
        UserRecord u = user(value);
        if (u == null) {
            throw PortalException.notFound("User not found: " + value);
        }
        return u;
    }

    // ---- groups and organizations ------------------------------------------------------------

    GroupRecord group(String idOrName) {
        if (idOrName == null || idOrName.isBlank()) {
            return null;
        }
        GroupRecord g = em().find(GroupRecord.class, idOrName);
        return g != null ? g : first(em().createQuery("SELECT g FROM GroupRecord g WHERE g.name = :n", GroupRecord.class)
                .setParameter("n", idOrName));
    }

    /** The organization (or group) named by {@code data.get(key)}, of the right kind, else NOT_FOUND. */
    GroupRecord requireGroup(Map<String, Object> data, String key, boolean organization) {
        String value = requireString(data, key);
        GroupRecord g = group(value);
        if (g == null || g.isOrganization != organization) {
            throw PortalException.notFound((organization ? "Organization" : "Group") + " not found: " + value);
        }
        return g;
    }

    /** The capacity of an active membership of {@code userId} in {@code groupId}, or {@code null}. */
    String capacity(String groupId, String userId) {
        return first(em().createQuery("SELECT m.capacity FROM MemberRecord m WHERE m.groupId = :g AND m.tableName = :t"
                        + " AND m.tableId = :u AND m.state = :s", String.class)
                .setParameter("g", groupId).setParameter("t", MemberRecord.USER).setParameter("u", userId).setParameter("s", ACTIVE));
    }

    /** Capacities of the user's active memberships, by group id, in active groups of the given kind. */
    List<Object[]> memberships(String userId, boolean organizations) {
        return em().createQuery("SELECT m.groupId, m.capacity FROM MemberRecord m, GroupRecord g WHERE g.id = m.groupId"
                        + " AND m.tableName = :t AND m.tableId = :u AND m.state = :s AND g.state = :s AND g.isOrganization = :o", Object[].class)
                .setParameter("t", MemberRecord.USER).setParameter("u", userId).setParameter("s", ACTIVE)
                .setParameter("o", organizations).getResultList();
    }

    MemberRecord member(String groupId, String tableName, String tableId) {
        return first(em().createQuery("SELECT m FROM MemberRecord m WHERE m.groupId = :g AND m.tableName = :t AND m.tableId = :i",
                        MemberRecord.class)
                .setParameter("g", groupId).setParameter("t", tableName).setParameter("i", tableId));
    }

    /** Adds or re-activates a membership, setting its capacity. */
    MemberRecord putMember(String groupId, String tableName, String tableId, String capacity) {
        MemberRecord m = member(groupId, tableName, tableId);
        if (m == null) {
            m = new MemberRecord();
            m.id = UUID.randomUUID().toString();
            m.groupId = groupId;
            m.tableName = tableName;
            m.tableId = tableId;
            m.created = now();
            m.capacity = capacity;
            m.state = ACTIVE;
            em().persist(m);
        } else {
            m.capacity = capacity;
            m.state = ACTIVE;
        }
        return m;
    }

    /** Ids of the active groups (not organizations) a dataset is in. */
    List<String> packageGroupIds(String packageId) {
        return em().createQuery("SELECT m.groupId FROM MemberRecord m, GroupRecord g WHERE g.id = m.groupId AND m.tableName = :t"
                        + " AND m.tableId = :p AND m.state = :s AND g.state = :s AND g.isOrganization = false", String.class)
                .setParameter("t", MemberRecord.PACKAGE).setParameter("p", packageId).setParameter("s", ACTIVE).getResultList();
    }

    // ---- datasets and resources --------------------------------------------------------------

    PackageRecord pkg(String idOrName) {
        if (idOrName == null || idOrName.isBlank()) {
            return null;
        }
        PackageRecord p = em().find(PackageRecord.class, idOrName);
        return p != null ? p : first(em().createQuery("SELECT p FROM PackageRecord p WHERE p.name = :n", PackageRecord.class)
                .setParameter("n", idOrName));
    }

    /** The dataset named by {@code data.get(key)} (id or name), else a validation error / NOT_FOUND. */
    PackageRecord requirePackage(Map<String, Object> data, String key) {
        String value = requireString(data, key);
        PackageRecord p = pkg(value);
        if (p == null) {
            throw PortalException.notFound("Dataset not found: " + value);
        }
        return p;
    }

    /** An active resource by id, else a validation error / NOT_FOUND (deleted resources are not found, as in CKAN). */
    ResourceRecord requireResource(Map<String, Object> data, String key) {
        String value = requireString(data, key);
        ResourceRecord r = em().find(ResourceRecord.class, value);
        if (r == null || DELETED.equals(r.state)) {
            throw PortalException.notFound("Resource not found: " + value);
        }
        return r;
    }

    List<ResourceRecord> activeResources(Collection<String> packageIds) {
        if (packageIds.isEmpty()) {
            return List.of();
        }
        return em().createQuery("SELECT r FROM ResourceRecord r WHERE r.packageId IN :ids AND r.state = :s"
                        + " ORDER BY r.packageId, r.position, r.created", ResourceRecord.class)
                .setParameter("ids", packageIds).setParameter("s", ACTIVE).getResultList();
    }

    /** Numbers the dataset's active resources 0, 1, 2, ... in their current order. */
    void renumberResources(String packageId) {
        int i = 0;
        for (ResourceRecord r : activeResources(List.of(packageId))) {
            r.position = i++;
        }
    }

    // ---- helpers -----------------------------------------------------------------------------

    static <T> T first(TypedQuery<T> query) {
        List<T> rows = query.setMaxResults(1).getResultList();
        return rows.isEmpty() ? null : rows.get(0);
    }

    /** A required id-like parameter: a non-empty string (numbers are accepted as text). */
    static String requireString(Map<String, Object> data, String key) {
        Object value = data == null ? null : data.get(key);
        if (value instanceof Number || value instanceof Boolean) {
            value = String.valueOf(value);
        }
        if (value == null || (value instanceof String s && s.isBlank())) {
            throw ValidationException.of(key, "Missing value");
        }
        if (!(value instanceof String s)) {
            throw ValidationException.of(key, "Must be a string");
        }
        return s.strip();
    }

    static String str(Object value) {
        return value == null ? null : value instanceof String s ? s : String.valueOf(value);
    }

    static List<Map<String, Object>> maps(Object value) {
        return dev.portalkit.runtime.Json.objects(value);
    }
}
