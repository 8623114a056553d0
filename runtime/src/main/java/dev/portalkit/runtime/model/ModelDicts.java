package dev.portalkit.runtime.model;

import dev.portalkit.api.ValidationException;
import dev.portalkit.api.action.ActionContext;
import dev.portalkit.api.files.IUploader;
import dev.portalkit.runtime.Json;
import dev.portalkit.runtime.uploader.EntityUploads;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Records to CKAN-shaped dicts (CKAN's {@code model_dictize}). Dataset lists are built with one
 * query per related table, not one per dataset. "show" dicts are passed through the effective
 * {@code *_show} schema, so plugins can convert what clients see.
 */
final class ModelDicts {
    /** CKAN's timestamp format: UTC, no zone suffix, microseconds. */
    private static final DateTimeFormatter TIMESTAMP = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSS").withZone(ZoneOffset.UTC);

    private final ModelStore store;
    private final Permissions permissions;
    private final EntityUploads uploads;
    private final Supplier<String> siteUrl;
    private final Supplier<Licenses> licenses;

    ModelDicts(ModelStore store, Permissions permissions, EntityUploads uploads, Supplier<String> siteUrl,
               Supplier<Licenses> licenses) {
        this.store = store;
        this.licenses = licenses;
        this.permissions = permissions;
        this.uploads = uploads;
        this.siteUrl = siteUrl;
    }

    /**
     * The {@code url} a client sees: an upload's bare file name becomes its download route,
     * {@code <site_url>/dataset/<package_id>/resource/<id>/download/<file name>}; links stay as they are.
     */
    String resourceUrl(ResourceRecord r) {
        if (!ResourceActions.URL_TYPE_UPLOAD.equals(r.urlType) || r.url == null || r.url.isEmpty()
                || EntityUploads.hasScheme(r.url)) {
            return r.url;
        }
        String site = siteUrl.get();
        while (site.endsWith("/")) {
            site = site.substring(0, site.length() - 1);
        }
        return site + "/dataset/" + r.packageId + "/resource/" + r.id + "/download/"
                + URLEncoder.encode(r.url, StandardCharsets.UTF_8).replace("+", "%20");
    }

    /** CKAN's {@code image_display_url} of a group, organization or user image. */
    String imageDisplayUrl(ActionContext ctx, IUploader.ImageOwner owner, String ownerId, String imageUrl) {
        return uploads.displayUrl(ctx, owner, ownerId, imageUrl);
    }

    static String timestamp(Instant instant) {
        return instant == null ? null : TIMESTAMP.format(instant);
    }

    /** The dict through the named show schema; when a plugin's show schema rejects it, unconverted (as CKAN). */
    static Map<String, Object> convert(ActionContext ctx, String schema, Map<String, Object> dict) {
        try {
            return ctx.validate(schema, dict);
        } catch (ValidationException e) {
            return dict;
        }
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> customFields(String json) {
        Object parsed = Json.read(json);
        return parsed instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
    }

    static String customJson(Map<String, Object> valid, Set<String> known) {
        Map<String, Object> custom = new LinkedHashMap<>();
        valid.forEach((k, v) -> {
            if (!known.contains(k)) {
                custom.put(k, v);
            }
        });
        return custom.isEmpty() ? null : Json.write(custom);
    }

    // ---- datasets ----------------------------------------------------------------------------

    Map<String, Object> showPackage(ActionContext ctx, PackageRecord p) {
        return showPackages(ctx, List.of(p)).get(0);
    }

    List<Map<String, Object>> showPackages(ActionContext ctx, List<PackageRecord> packages) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (Map<String, Object> dict : packageDicts(packages)) {
            out.add(convert(ctx, "package_show", dict));
        }
        return out;
    }

    List<Map<String, Object>> packageDicts(List<PackageRecord> packages) {
        if (packages.isEmpty()) {
            return List.of();
        }
        Set<String> ids = new LinkedHashSet<>();
        Set<String> orgIds = new LinkedHashSet<>();
        for (PackageRecord p : packages) {
            ids.add(p.id);
            if (p.ownerOrg != null) {
                orgIds.add(p.ownerOrg);
            }
        }
        Map<String, GroupRecord> orgs = new LinkedHashMap<>();
        if (!orgIds.isEmpty()) {
            store.em().createQuery("SELECT g FROM GroupRecord g WHERE g.id IN :ids", GroupRecord.class)
                    .setParameter("ids", orgIds).getResultList().forEach(g -> orgs.put(g.id, g));
        }
        Map<String, List<Map<String, Object>>> resources = new LinkedHashMap<>();
        for (ResourceRecord r : store.activeResources(ids)) {
            resources.computeIfAbsent(r.packageId, k -> new ArrayList<>()).add(resourceDict(r));
        }
        Map<String, List<Map<String, Object>>> extras = new LinkedHashMap<>();
        store.em().createQuery("SELECT e FROM PackageExtraRecord e WHERE e.packageId IN :ids ORDER BY e.key", PackageExtraRecord.class)
                .setParameter("ids", ids).getResultList().forEach(e -> {
                    Map<String, Object> extra = new LinkedHashMap<>();
                    extra.put("key", e.key);
                    extra.put("value", e.value);
                    extras.computeIfAbsent(e.packageId, k -> new ArrayList<>()).add(extra);
                });
        Map<String, List<Map<String, Object>>> groups = new LinkedHashMap<>();
        store.em().createQuery("SELECT m.tableId, g FROM MemberRecord m, GroupRecord g WHERE g.id = m.groupId AND m.tableName = :t"
                        + " AND m.tableId IN :ids AND m.state = :s AND g.state = :s AND g.isOrganization = false ORDER BY g.name", Object[].class)
                .setParameter("t", MemberRecord.PACKAGE).setParameter("ids", ids).setParameter("s", ModelStore.ACTIVE)
                .getResultList().forEach(row -> groups.computeIfAbsent((String) row[0], k -> new ArrayList<>())
                        .add(groupSummary((GroupRecord) row[1])));
        Map<String, List<Map<String, Object>>> tags = TagActions.packageTags(store, ids);
        Licenses register = licenses.get();
        List<Map<String, Object>> out = new ArrayList<>();
        for (PackageRecord p : packages) {
            Map<String, Object> d = new LinkedHashMap<>();
            d.put("id", p.id);
            d.put("name", p.name);
            d.put("title", p.title);
            d.put("type", p.type);
            d.put("state", p.state);
            d.put("private", p.isPrivate);
            d.put("owner_org", p.ownerOrg);
            d.put("notes", p.notes);
            d.put("url", p.url);
            d.put("author", p.author);
            d.put("author_email", p.authorEmail);
            d.put("maintainer", p.maintainer);
            d.put("maintainer_email", p.maintainerEmail);
            d.put("version", p.version);
            d.put("license_id", p.licenseId);
            Licenses.License license = register.get(p.licenseId);
            if (p.licenseId != null && !p.licenseId.isEmpty()) {
                // CKAN: the register's title, else the id itself; the url only when there is one.
                d.put("license_title", license == null ? p.licenseId : license.title());
                if (license != null && !license.url().isEmpty()) {
                    d.put("license_url", license.url());
                }
            }
            d.put("isopen", license != null && license.open());
            d.put("creator_user_id", p.creatorUserId);
            d.put("metadata_created", timestamp(p.metadataCreated));
            d.put("metadata_modified", timestamp(p.metadataModified));
            GroupRecord org = p.ownerOrg == null ? null : orgs.get(p.ownerOrg);
            d.put("organization", org == null ? null : groupSummary(org));
            List<Map<String, Object>> rs = resources.getOrDefault(p.id, List.of());
            d.put("num_resources", rs.size());
            d.put("resources", new ArrayList<>(rs));
            List<Map<String, Object>> ts = tags.getOrDefault(p.id, List.of());
            d.put("num_tags", ts.size());
            d.put("tags", new ArrayList<>(ts));
            d.put("extras", new ArrayList<>(extras.getOrDefault(p.id, List.of())));
            d.put("groups", new ArrayList<>(groups.getOrDefault(p.id, List.of())));
            d.put("relationships_as_object", new ArrayList<>());
            d.put("relationships_as_subject", new ArrayList<>());
            customFields(p.customFields).forEach(d::putIfAbsent);
            out.add(d);
        }
        return out;
    }

    Map<String, Object> resourceDict(ResourceRecord r) {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("id", r.id);
        d.put("package_id", r.packageId);
        d.put("name", r.name);
        d.put("description", r.description);
        d.put("url", resourceUrl(r));
        d.put("url_type", r.urlType);
        d.put("format", r.format);
        d.put("mimetype", r.mimetype);
        d.put("size", r.size);
        d.put("hash", r.hash);
        if (r.fileId != null) {
            d.put("file_id", r.fileId);
        }
        d.put("position", r.position);
        d.put("state", r.state);
        d.put("created", timestamp(r.created));
        d.put("metadata_modified", timestamp(r.metadataModified));
        customFields(r.extras).forEach(d::putIfAbsent);
        return d;
    }

    // ---- groups and organizations ------------------------------------------------------------

    /** The short dict of a group or organization, as nested in dataset dicts. */
    static Map<String, Object> groupSummary(GroupRecord g) {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("id", g.id);
        d.put("name", g.name);
        d.put("title", g.title);
        d.put("display_name", g.title == null || g.title.isBlank() ? g.name : g.title);
        d.put("type", g.type);
        d.put("description", g.description);
        d.put("image_url", g.imageUrl);
        d.put("created", timestamp(g.created));
        d.put("is_organization", g.isOrganization);
        d.put("approval_status", "approved");
        d.put("state", g.state);
        return d;
    }

    Map<String, Object> groupDict(ActionContext ctx, GroupRecord g, boolean includeUsers, boolean includeDatasets, int maxDatasets) {
        Map<String, Object> d = groupSummary(g);
        d.put("image_display_url", imageDisplayUrl(ctx, IUploader.ImageOwner.GROUP, g.id, g.imageUrl));
        d.put("package_count", visibleDatasetCount(ctx, g));
        if (includeUsers) {
            List<Map<String, Object>> users = new ArrayList<>();
            store.em().createQuery("SELECT u, m.capacity FROM MemberRecord m, UserRecord u WHERE u.id = m.tableId AND m.groupId = :g"
                            + " AND m.tableName = :t AND m.state = :s AND u.state = :s ORDER BY u.name", Object[].class)
                    .setParameter("g", g.id).setParameter("t", MemberRecord.USER).setParameter("s", ModelStore.ACTIVE)
                    .getResultList().forEach(row -> {
                        UserRecord u = (UserRecord) row[0];
                        Map<String, Object> user = new LinkedHashMap<>();
                        user.put("id", u.id);
                        user.put("name", u.name);
                        user.put("fullname", u.fullname);
                        user.put("display_name", displayName(u));
                        user.put("sysadmin", u.sysadmin);
                        user.put("capacity", row[1]);
                        users.add(user);
                    });
            d.put("users", users);
        }
        if (includeDatasets) {
            d.put("packages", showPackages(ctx, visibleDatasets(ctx, g, maxDatasets)));
        }
        customFields(g.customFields).forEach(d::putIfAbsent);
        return d;
    }

    private String visibility(ActionContext ctx, GroupRecord g, Map<String, Object> params) {
        String base = g.isOrganization ? "p.ownerOrg = :g"
                : "p.id IN (SELECT m.tableId FROM MemberRecord m WHERE m.groupId = :g AND m.tableName = :t AND m.state = :s)";
        params.put("g", g.id);
        params.put("s", ModelStore.ACTIVE);
        if (!g.isOrganization) {
            params.put("t", MemberRecord.PACKAGE);
        }
        String where = base + " AND p.state = :s";
        if (Permissions.isSysadmin(ctx)) {
            return where;
        }
        Set<String> readable = permissions.orgsWith(ctx, "read");
        if (readable.isEmpty()) {
            return where + " AND p.isPrivate = false";
        }
        params.put("readable", readable);
        return where + " AND (p.isPrivate = false OR p.ownerOrg IN :readable)";
    }

    private long visibleDatasetCount(ActionContext ctx, GroupRecord g) {
        Map<String, Object> params = new LinkedHashMap<>();
        String where = visibility(ctx, g, params);
        var query = store.em().createQuery("SELECT COUNT(p) FROM PackageRecord p WHERE " + where, Long.class);
        params.forEach(query::setParameter);
        return query.getSingleResult();
    }

    private List<PackageRecord> visibleDatasets(ActionContext ctx, GroupRecord g, int max) {
        Map<String, Object> params = new LinkedHashMap<>();
        String where = visibility(ctx, g, params);
        var query = store.em().createQuery("SELECT p FROM PackageRecord p WHERE " + where + " ORDER BY p.name", PackageRecord.class);
        params.forEach(query::setParameter);
        return query.setMaxResults(max).getResultList();
    }

    // ---- users -------------------------------------------------------------------------------

    static String displayName(UserRecord u) {
        return u.fullname == null || u.fullname.isBlank() ? u.name : u.fullname;
    }

    /** Whether the caller may see the user's private details (email): the user, sysadmins, {@code ignore_auth}. */
    static boolean maySeePrivate(ActionContext ctx, UserRecord u) {
        return Permissions.isSysadmin(ctx) || Permissions.userId(ctx).map(u.id::equals).orElse(false);
    }

    List<Map<String, Object>> userDicts(ActionContext ctx, List<UserRecord> users) {
        Map<String, Long> created = new LinkedHashMap<>();
        if (!users.isEmpty()) {
            Collection<String> ids = users.stream().map(u -> u.id).toList();
            store.em().createQuery("SELECT p.creatorUserId, COUNT(p) FROM PackageRecord p WHERE p.creatorUserId IN :ids"
                            + " AND p.state = :s AND p.isPrivate = false GROUP BY p.creatorUserId", Object[].class)
                    .setParameter("ids", ids).setParameter("s", ModelStore.ACTIVE).getResultList()
                    .forEach(row -> created.put((String) row[0], ((Number) row[1]).longValue()));
        }
        List<Map<String, Object>> out = new ArrayList<>();
        for (UserRecord u : users) {
            Map<String, Object> d = userDict(u, maySeePrivate(ctx, u), created.getOrDefault(u.id, 0L));
            d.put("image_display_url", imageDisplayUrl(ctx, IUploader.ImageOwner.USER, u.id, u.imageUrl));
            out.add(d);
        }
        return out;
    }

    Map<String, Object> userDict(ActionContext ctx, UserRecord u) {
        return userDicts(ctx, List.of(u)).get(0);
    }

    /** The user's dict; never the password hash, the email only when {@code includeEmail}. */
    static Map<String, Object> userDict(UserRecord u, boolean includeEmail, long createdPackages) {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("id", u.id);
        d.put("name", u.name);
        d.put("fullname", u.fullname);
        d.put("display_name", displayName(u));
        d.put("about", u.about);
        d.put("image_url", u.imageUrl);
        if (includeEmail) {
            d.put("email", u.email);
        }
        d.put("created", timestamp(u.created));
        d.put("sysadmin", u.sysadmin);
        d.put("state", u.state);
        d.put("number_created_packages", createdPackages);
        customFields(u.customFields).forEach(d::putIfAbsent);
        return d;
    }
}
