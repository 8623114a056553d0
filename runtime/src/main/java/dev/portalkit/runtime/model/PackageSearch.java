package dev.portalkit.runtime.model;

import dev.portalkit.api.ValidationException;
import dev.portalkit.api.action.ActionContext;
import dev.portalkit.api.validation.Schema;
import jakarta.persistence.TypedQuery;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * {@code package_search} over the database (CKAN uses Solr): {@code q} matches every term
 * (case-insensitive substring) in the name, title or notes; {@code field:value} terms in
 * {@code q} or {@code fq} filter on {@code owner_org}, {@code organization}, {@code groups},
 * {@code name}, {@code id}, {@code type}, {@code license_id}, {@code private}, {@code state}
 * (exact values) and {@code title}, {@code notes} (substrings).
 * Visibility follows package_show: deleted datasets never match; drafts only with
 * {@code include_drafts} (the caller's own, or all for sysadmins); private ones only with
 * {@code include_private} and only from the caller's organizations (all for sysadmins).
 */
final class PackageSearch {
    private static final Schema PARAMETERS = Schema.empty()
            .with("q", "ignore_missing", "unicode_safe")
            .with("fq", "ignore_missing", "unicode_safe")
            .with("rows", "ignore_missing", "int_range(0, " + ModelConfig.SEARCH_ROWS_MAX + ")")
            .with("start", "default(0)", "int_range(0, " + Integer.MAX_VALUE + ")")
            .with("sort", "ignore_missing", "unicode_safe")
            .with("include_private", "default(false)", "boolean_validator")
            .with("include_drafts", "default(false)", "boolean_validator")
            .with("facet.field", "ignore_missing")
            .with("facet.limit", "default(50)", "int_range(-1, 1000)")
            .with("facet", "ignore_missing", "unicode_safe");
    /** What {@code facet.field} can count: CKAN's names (tags come with vocabularies). */
    private static final Map<String, String> FACETS = Map.of(
            "organization", "SELECT g.name, g.title, COUNT(p) FROM PackageRecord p, GroupRecord g WHERE g.id = p.ownerOrg AND %s"
                    + " GROUP BY g.name, g.title",
            "groups", "SELECT g.name, g.title, COUNT(DISTINCT p.id) FROM PackageRecord p, MemberRecord m, GroupRecord g WHERE"
                    + " m.tableId = p.id AND m.tableName = 'package' AND m.state = 'active' AND g.id = m.groupId"
                    + " AND g.isOrganization = false AND g.state = 'active' AND %s GROUP BY g.name, g.title",
            "license_id", "SELECT p.licenseId, p.licenseId, COUNT(p) FROM PackageRecord p WHERE p.licenseId IS NOT NULL AND %s"
                    + " GROUP BY p.licenseId",
            "res_format", "SELECT r.format, r.format, COUNT(DISTINCT p.id) FROM PackageRecord p, ResourceRecord r WHERE"
                    + " r.packageId = p.id AND r.state = 'active' AND r.format IS NOT NULL AND r.format <> '' AND %s GROUP BY r.format");
    private static final Map<String, String> SORTABLE = Map.of("name", "p.name", "title", "p.title",
            "metadata_modified", "p.metadataModified", "metadata_created", "p.metadataCreated");
    private static final String DEFAULT_SORT = "metadata_modified desc";
    /** CKAN's default page (10 rows, fewer when {@code portal.search.rows_max} is lower). */
    private static final int DEFAULT_ROWS = 10;
    private static final Set<String> FILTERS = Set.of("owner_org", "organization", "groups", "name", "id", "type",
            "license_id", "private", "state", "title", "notes", "res_format");

    private final ModelStore store;
    private final Permissions permissions;
    private final ModelDicts dicts;

    PackageSearch(ModelStore store, Permissions permissions, ModelDicts dicts) {
        this.store = store;
        this.permissions = permissions;
        this.dicts = dicts;
    }

    /** One term of q or fq: a field filter or free text. */
    private record Term(String field, String value) {
    }

    Object search(ActionContext ctx, Map<String, Object> data) {
        Map<String, Object> params = ctx.validate(PARAMETERS, data);
        int rows = params.get("rows") instanceof Number n ? n.intValue()
                : Math.min(DEFAULT_ROWS, ctx.config().integer(ModelConfig.SEARCH_ROWS_MAX));
        int start = ((Number) params.get("start")).intValue();
        boolean includePrivate = Boolean.TRUE.equals(params.get("include_private"));
        boolean includeDrafts = Boolean.TRUE.equals(params.get("include_drafts"));
        boolean sysadmin = Permissions.isSysadmin(ctx);

        List<String> where = new ArrayList<>();
        Map<String, Object> values = new LinkedHashMap<>();
        values.put("active", ModelStore.ACTIVE);
        if (includeDrafts && sysadmin) {
            values.put("draft", ModelStore.DRAFT);
            where.add("p.state IN (:active, :draft)");
        } else if (includeDrafts && ctx.user().isPresent()) {
            values.put("draft", ModelStore.DRAFT);
            values.put("me", ctx.user().get().id());
            where.add("(p.state = :active OR (p.state = :draft AND p.creatorUserId = :me))");
        } else {
            where.add("p.state = :active");
        }
        if (!includePrivate) {
            where.add("p.isPrivate = false");
        } else if (!sysadmin) {
            Set<String> readable = permissions.orgsWith(ctx, "read");
            if (readable.isEmpty()) {
                where.add("p.isPrivate = false");
            } else {
                values.put("readable", readable);
                where.add("(p.isPrivate = false OR p.ownerOrg IN :readable)");
            }
        }
        List<Term> terms = new ArrayList<>(parse("q", ModelStore.str(params.get("q"))));
        terms.addAll(parse("fq", ModelStore.str(params.get("fq"))));
        int n = 0;
        for (Term term : terms) {
            String v = "v" + n++;
            where.add(condition(term, v, values));
        }
        String sort = params.get("sort") == null ? DEFAULT_SORT : ModelStore.str(params.get("sort"));
        String orderBy = orderBy(sort);

        String jpqlWhere = String.join(" AND ", where);
        TypedQuery<Long> count = store.em().createQuery("SELECT COUNT(p) FROM PackageRecord p WHERE " + jpqlWhere, Long.class);
        TypedQuery<PackageRecord> page = store.em().createQuery(
                "SELECT p FROM PackageRecord p WHERE " + jpqlWhere + " ORDER BY " + orderBy, PackageRecord.class);
        values.forEach((k, v) -> {
            count.setParameter(k, v);
            page.setParameter(k, v);
        });
        long total = count.getSingleResult();
        List<PackageRecord> found = rows == 0 ? List.of() : page.setFirstResult(start).setMaxResults(rows).getResultList();

        Map<String, Object> out = new LinkedHashMap<>();
        out.put("count", total);
        out.put("results", dicts.showPackages(ctx, found));
        out.put("sort", sort);
        Map<String, Object> facets = new LinkedHashMap<>();
        Map<String, Object> searchFacets = new LinkedHashMap<>();
        int facetLimit = ((Number) params.get("facet.limit")).intValue();
        for (String field : facetFields(params.get("facet.field"))) {
            TypedQuery<Object[]> q = store.em().createQuery(FACETS.get(field).formatted(jpqlWhere), Object[].class);
            values.forEach(q::setParameter);
            List<Object[]> counted = new ArrayList<>(q.getResultList());
            counted.sort((a, b) -> {
                int c = Long.compare(((Number) b[2]).longValue(), ((Number) a[2]).longValue());
                return c != 0 ? c : String.valueOf(a[0]).compareTo(String.valueOf(b[0]));
            });
            Map<String, Object> counts = new LinkedHashMap<>();
            List<Object> items = new ArrayList<>();
            for (Object[] row : facetLimit < 0 ? counted : counted.subList(0, Math.min(facetLimit, counted.size()))) {
                long hits = ((Number) row[2]).longValue();
                counts.put(String.valueOf(row[0]), hits);
                String display = row[1] == null || String.valueOf(row[1]).isBlank() ? String.valueOf(row[0]) : String.valueOf(row[1]);
                items.add(Map.of("name", String.valueOf(row[0]), "display_name", display, "count", hits));
            }
            facets.put(field, counts);
            searchFacets.put(field, Map.of("title", field, "items", items));
        }
        out.put("facets", facets);
        out.put("search_facets", searchFacets);
        return out;
    }

    private static String condition(Term term, String v, Map<String, Object> values) {
        if (term.field() == null) {
            values.put(v, "%" + escapeLike(term.value().toLowerCase(Locale.ROOT)) + "%");
            return "(LOWER(p.name) LIKE :" + v + " ESCAPE '!' OR LOWER(p.title) LIKE :" + v
                    + " ESCAPE '!' OR LOWER(p.notes) LIKE :" + v + " ESCAPE '!')";
        }
        if (term.field().equals("title") || term.field().equals("notes")) {
            values.put(v, "%" + escapeLike(term.value().toLowerCase(Locale.ROOT)) + "%");
            return "LOWER(p." + term.field() + ") LIKE :" + v + " ESCAPE '!'";
        }
        values.put(v, term.value());
        return switch (term.field()) {
            case "owner_org", "organization" -> "p.ownerOrg IN (SELECT g.id FROM GroupRecord g WHERE g.isOrganization = true"
                    + " AND (g.id = :" + v + " OR g.name = :" + v + "))";
            case "groups" -> "p.id IN (SELECT m.tableId FROM MemberRecord m, GroupRecord g WHERE g.id = m.groupId"
                    + " AND m.tableName = 'package' AND m.state = 'active' AND (g.id = :" + v + " OR g.name = :" + v + "))";
            case "name" -> "p.name = :" + v;
            case "id" -> "p.id = :" + v;
            case "type" -> "p.type = :" + v;
            case "license_id" -> "p.licenseId = :" + v;
            case "res_format" -> "p.id IN (SELECT r.packageId FROM ResourceRecord r WHERE r.state = 'active' AND LOWER(r.format) = LOWER(:" + v + "))";
            case "state" -> "p.state = :" + v;
            case "private" -> {
                values.put(v, Boolean.parseBoolean(term.value()));
                yield "p.isPrivate = :" + v;
            }
            default -> throw new IllegalStateException(term.field());
        };
    }

    /**
     * Splits {@code text} into terms: whitespace separates them, double quotes group words, a
     * leading {@code +} is ignored, {@code field:value} names a filter, {@code *:*} matches all.
     */
    private static List<Term> parse(String parameter, String text) {
        List<Term> out = new ArrayList<>();
        if (text == null) {
            return out;
        }
        List<String> tokens = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        boolean quoted = false;
        for (char c : text.toCharArray()) {
            if (c == '"') {
                quoted = !quoted;
            } else if (Character.isWhitespace(c) && !quoted) {
                if (current.length() > 0) {
                    tokens.add(current.toString());
                    current.setLength(0);
                }
            } else {
                current.append(c);
            }
        }
        if (current.length() > 0) {
            tokens.add(current.toString());
        }
        for (String token : tokens) {
            String t = token.startsWith("+") ? token.substring(1) : token;
            if (t.isEmpty() || t.equals("*:*") || t.equals("*")) {
                continue;
            }
            int colon = t.indexOf(':');
            if (colon > 0) {
                String field = t.substring(0, colon);
                String value = t.substring(colon + 1);
                if (!FILTERS.contains(field)) {
                    throw ValidationException.of(parameter, "Cannot search on field '" + field + "' (supported: "
                            + String.join(", ", FILTERS.stream().sorted().toList()) + ")");
                }
                if (!value.isEmpty()) {
                    out.add(new Term(field, value));
                }
            } else {
                out.add(new Term(null, t));
            }
        }
        return out;
    }

    /** {@code facet.field}: a JSON list (CKAN's form, {@code ["organization","groups"]}), a list, or one name. */
    private static List<String> facetFields(Object value) {
        List<String> fields = new ArrayList<>();
        if (value instanceof List<?> l) {
            l.forEach(o -> fields.add(String.valueOf(o)));
        } else if (value instanceof String text && !text.isBlank()) {
            String t = text.strip();
            if (t.startsWith("[")) {
                try {
                    for (Object o : dev.portalkit.runtime.Json.MAPPER.readValue(t, List.class)) {
                        fields.add(String.valueOf(o));
                    }
                } catch (Exception e) {
                    throw ValidationException.of("facet.field", "Not a JSON list of field names: " + t);
                }
            } else {
                fields.add(t);
            }
        } else if (value != null) {
            throw ValidationException.of("facet.field", "Must be a list of field names");
        }
        for (String f : fields) {
            if (!FACETS.containsKey(f)) {
                throw ValidationException.of("facet.field", "Cannot facet on '" + f + "' (supported: "
                        + String.join(", ", FACETS.keySet().stream().sorted().toList()) + ")");
            }
        }
        return fields;
    }

    private static String orderBy(String sort) {
        List<String> parts = new ArrayList<>();
        for (String clause : sort.split(",")) {
            String[] words = clause.strip().split("\\s+");
            if (words.length == 0 || words[0].isEmpty() || words[0].equals("score")) {
                continue;
            }
            String column = SORTABLE.get(words[0]);
            String direction = words.length > 1 ? words[1].toLowerCase(Locale.ROOT) : "asc";
            if (column == null || words.length > 2 || !(direction.equals("asc") || direction.equals("desc"))) {
                throw ValidationException.of("sort", "Cannot sort by '" + clause.strip() + "' (use name, title, "
                        + "metadata_modified or metadata_created, then asc or desc)");
            }
            parts.add(column + " " + direction);
        }
        if (parts.isEmpty()) {
            parts.add("p.metadataModified desc");
        }
        parts.add("p.id asc");
        return String.join(", ", parts);
    }

    private static String escapeLike(String text) {
        return text.replace("!", "!!").replace("%", "!%").replace("_", "!_");
    }
}
