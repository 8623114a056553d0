package dev.portalkit.runtime.model;

import jakarta.persistence.EntityManager;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The fields of resources, groups / organizations and users that point at uploaded files, read and
 * written the way the portal represents uploads (see docs/migration.md):
 * <ul>
 * <li>a resource upload: {@code url_type = upload}, {@code url} = the bare file name, size /
 *     mimetype / hash copied from the tracked file, {@code file_id} = its id;</li>
 * <li>a group or user image: {@code image_url} = the tracked file's location (no scheme).</li>
 * </ul>
 * Runtime-internal; used by the migration commands, which change these fields outside the
 * actions (no action side effects such as removing the previous upload). Runs in the caller's
 * transaction.
 */
public final class UploadReferences {
    /** Resource fields an upload sets, in the order they are reported. */
    public static final List<String> RESOURCE_FIELDS = List.of("url_type", "url", "size", "mimetype", "hash", "file_id");

    private final Supplier<EntityManager> em;

    public UploadReferences(Supplier<EntityManager> em) {
        this.em = em;
    }

    // ---- resources -------------------------------------------------------------------------------

    /** The upload fields of a resource that is not deleted, with {@code package_id}; empty when there is none. */
    public Optional<Map<String, Object>> resource(String id) {
        ResourceRecord r = em.get().find(ResourceRecord.class, id);
        if (r == null || "deleted".equals(r.state)) {
            return Optional.empty();
        }
        Map<String, Object> fields = resourceFields(r);
        fields.put("package_id", r.packageId);
        return Optional.of(fields);
    }

    /**
     * Up to {@code limit} resources (id and url, by id after {@code after}) that are uploads
     * ({@code url_type = upload}) without a tracked file: what a storage of another system still holds.
     */
    public List<Map.Entry<String, String>> uploadsWithoutFile(String after, int limit) {
        List<Object[]> rows = em.get().createQuery("SELECT r.id, r.url FROM ResourceRecord r WHERE r.urlType = 'upload' "
                + "AND r.fileId IS NULL AND (r.state IS NULL OR r.state <> 'deleted') AND r.id > :after ORDER BY r.id", Object[].class)
                .setParameter("after", after).setMaxResults(limit).getResultList();
        List<Map.Entry<String, String>> out = new java.util.ArrayList<>();
        rows.forEach(row -> out.add(Map.entry((String) row[0], row[1] == null ? "" : (String) row[1])));
        return out;
    }

    /**
     * Points resource {@code id} at the tracked file {@code file} (its dict: id, name, size,
     * content_type, hash); returns the fields as they were.
     */
    public Map<String, Object> linkResource(String id, Map<String, Object> file) {
        ResourceRecord r = em.get().find(ResourceRecord.class, id);
        Map<String, Object> previous = resourceFields(r);
        r.urlType = "upload";
        r.url = uploadFileName(r.url, (String) file.get("name"));
        r.size = ((Number) file.get("size")).longValue();
        r.mimetype = (String) file.get("content_type");
        r.hash = (String) file.get("hash");
        r.fileId = (String) file.get("id");
        return previous;
    }

    /** Sets the upload fields of resource {@code id} back to {@code previous} (as {@link #linkResource} returned them). */
    public void restoreResource(String id, Map<String, Object> previous) {
        ResourceRecord r = em.get().find(ResourceRecord.class, id);
        if (r == null) {
            return;
        }
        r.urlType = (String) previous.get("url_type");
        r.url = (String) previous.get("url");
        r.size = previous.get("size") instanceof Number n ? n.longValue() : null;
        r.mimetype = (String) previous.get("mimetype");
        r.hash = (String) previous.get("hash");
        r.fileId = (String) previous.get("file_id");
    }

    private static Map<String, Object> resourceFields(ResourceRecord r) {
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("url_type", r.urlType);
        fields.put("url", r.url);
        fields.put("size", r.size);
        fields.put("mimetype", r.mimetype);
        fields.put("hash", r.hash);
        fields.put("file_id", r.fileId);
        return fields;
    }

    /**
     * The bare file name a resource upload keeps in {@code url}: the last path segment of the
     * current url (CKAN keeps the bare name, older portals a full download URL), else {@code fallback}.
     */
    public static String uploadFileName(String url, String fallback) {
        String name = url == null ? "" : url.replaceAll("[?#].*$", "");
        name = name.substring(name.lastIndexOf('/') + 1);
        return name.isBlank() ? fallback : name;
    }

    // ---- images ----------------------------------------------------------------------------------

    /**
     * The id of the group / organization ({@code "group"}) or user ({@code "user"}), not deleted,
     * whose image_url names the uploaded image {@code fileName}: the bare name (CKAN's) or a URL
     * ending in {@code /uploads/group/NAME} ({@code /uploads/user/NAME}).
     */
    public Optional<String> imageOwner(String ownerType, String fileName) {
        String suffix = "/uploads/" + ownerType + "/" + fileName;
        if ("group".equals(ownerType)) {
            List<GroupRecord> found = em.get().createQuery("SELECT g FROM GroupRecord g WHERE g.imageUrl = :n OR g.imageUrl LIKE :s "
                    + "ORDER BY g.created, g.id", GroupRecord.class).setParameter("n", fileName).setParameter("s", "%" + fileName)
                    .getResultList();
            return found.stream().filter(g -> !"deleted".equals(g.state))
                    .filter(g -> g.imageUrl.equals(fileName) || g.imageUrl.endsWith(suffix)).map(g -> g.id).findFirst();
        }
        List<UserRecord> found = em.get().createQuery("SELECT u FROM UserRecord u WHERE u.imageUrl = :n OR u.imageUrl LIKE :s "
                + "ORDER BY u.created, u.id", UserRecord.class).setParameter("n", fileName).setParameter("s", "%" + fileName).getResultList();
        return found.stream().filter(u -> !"deleted".equals(u.state))
                .filter(u -> u.imageUrl.equals(fileName) || u.imageUrl.endsWith(suffix)).map(u -> u.id).findFirst();
    }

    /** The image_url of group or user {@code id}. */
    public String image(String ownerType, String id) {
        return "group".equals(ownerType) ? em.get().find(GroupRecord.class, id).imageUrl : em.get().find(UserRecord.class, id).imageUrl;
    }

    /** Sets the image_url of group or user {@code id}; returns the previous value. */
    public String setImage(String ownerType, String id, String imageUrl) {
        if ("group".equals(ownerType)) {
            GroupRecord g = em.get().find(GroupRecord.class, id);
            String previous = g.imageUrl;
            g.imageUrl = imageUrl;
            return previous;
        }
        UserRecord u = em.get().find(UserRecord.class, id);
        String previous = u.imageUrl;
        u.imageUrl = imageUrl;
        return previous;
    }
}
