package dev.portalkit.runtime.model;

import dev.portalkit.api.ValidationException;
import dev.portalkit.api.action.ActionContext;
import dev.portalkit.api.validation.Schema;
import dev.portalkit.api.search.DatasetHits;
import dev.portalkit.api.search.DatasetIndex;
import dev.portalkit.api.search.DatasetQuery;
import dev.portalkit.runtime.search.SearchPlugin;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * {@code package_search} with CKAN's parameters, answered by the dataset search index
 * ({@link SearchPlugin#of}: the built-in database index or a plugin's). {@code q} is free text
 * (every word must match; results by relevance unless {@code sort} says otherwise) mixed with
 * {@code field:value} terms; {@code fq} holds more {@code field:value} terms; the fields are those
 * the index names ({@link DatasetIndex#fields()}), others are refused naming them. Visibility
 * follows package_show: deleted datasets never match; drafts only with {@code include_drafts}
 * (the caller's own, or all for sysadmins); private ones only with {@code include_private} and
 * only from the caller's organizations (all for sysadmins).
 */
final class PackageSearch {
    static final Schema PARAMETERS = Schema.empty()
            .with("q", "ignore_missing", "unicode_safe")
            .with("fq", "ignore_missing", "unicode_safe")
            .with("rows", "ignore_missing", "int_range(0, " + ModelConfig.SEARCH_ROWS_MAX + ")")
            .with("start", "default(0)", "int_range(0, " + Integer.MAX_VALUE + ")")
            .with("sort", "ignore_missing", "unicode_safe")
            .with("include_private", "default(false)", "boolean_validator")
            .with("include_drafts", "default(false)", "boolean_validator")
            .with("facet.field", "ignore_missing")
            .with("facet.limit", "default(50)", "int_range(-1, 1000)")
            .with("facet.mincount", "ignore_missing", "int_range(0, " + Integer.MAX_VALUE + ")")
            .with("facet", "ignore_missing", "unicode_safe");
    /** CKAN's default: relevance, then the most recently changed. */
    private static final String DEFAULT_SORT = "score desc, metadata_modified desc";
    /** CKAN's default page (10 rows, fewer when {@code portal.search.rows_max} is lower). */
    private static final int DEFAULT_ROWS = 10;

    private final ModelStore store;
    private final Permissions permissions;
    private final ModelDicts dicts;
    private final DatasetIndexing indexing;
    private final java.util.function.Supplier<Licenses> licenses;

    PackageSearch(ModelStore store, Permissions permissions, ModelDicts dicts, DatasetIndexing indexing,
                  java.util.function.Supplier<Licenses> licenses) {
        this.store = store;
        this.permissions = permissions;
        this.dicts = dicts;
        this.indexing = indexing;
        this.licenses = licenses;
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
        DatasetIndex index = indexing.index();
        DatasetIndex.Fields fields = index.fields();

        String draftsOf = !includeDrafts ? null : sysadmin ? "" : ctx.user().map(u -> u.id()).orElse(null);
        Set<String> privateOrgs = !includePrivate ? null : sysadmin ? DatasetQuery.Visibility.ALL : permissions.orgsWith(ctx, "read");
        List<Term> terms = new ArrayList<>(parse("q", ModelStore.str(params.get("q")), fields));
        terms.addAll(parse("fq", ModelStore.str(params.get("fq")), fields));
        List<String> words = new ArrayList<>();
        List<DatasetQuery.Filter> filters = new ArrayList<>();
        for (Term term : terms) {
            if (term.field() == null) {
                // A phrase keeps its quotes: an index may match it as one (PostgreSQL does).
                words.add(term.value().contains(" ") ? "\"" + term.value() + "\"" : term.value());
            } else {
                filters.add(new DatasetQuery.Filter(term.field(), groupReference(term)));
            }
        }
        String sort = params.get("sort") == null ? DEFAULT_SORT : ModelStore.str(params.get("sort"));
        List<String> facetFields = facetFields(params.get("facet.field"), fields);
        int facetLimit = ((Number) params.get("facet.limit")).intValue();
        DatasetQuery query = new DatasetQuery(String.join(" ", words), filters, facetFields, facetLimit, sortKeys(sort, fields),
                start, rows, new DatasetQuery.Visibility(draftsOf, privateOrgs));
        DatasetHits hits = index.search(ctx, query);

        Map<String, PackageRecord> found = new LinkedHashMap<>();
        if (!hits.ids().isEmpty()) {
            store.em().createQuery("SELECT p FROM PackageRecord p WHERE p.id IN :ids", PackageRecord.class)
                    .setParameter("ids", hits.ids()).getResultList().forEach(p -> found.put(p.id, p));
        }
        List<PackageRecord> ordered = hits.ids().stream().map(found::get).filter(java.util.Objects::nonNull).toList();
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("count", hits.count());
        out.put("results", dicts.showPackages(ctx, ordered));
        out.put("sort", sort);
        Map<String, Object> facets = new LinkedHashMap<>();
        Map<String, Object> searchFacets = new LinkedHashMap<>();
        int minCount = params.get("facet.mincount") instanceof Number n ? n.intValue() : 1;
        for (String field : facetFields) {
            List<DatasetHits.FacetCount> values = hits.facets().getOrDefault(field, List.of());
            Map<String, String> titles = displayNames(field, values);
            Map<String, Object> counts = new LinkedHashMap<>();
            List<Object> items = new ArrayList<>();
            for (DatasetHits.FacetCount value : values) {
                if (value.count() < minCount) {
                    continue;
                }
                counts.put(value.value(), value.count());
                String display = titles.get(value.value());
                items.add(Map.of("name", value.value(), "display_name", display == null || display.isBlank() ? value.value() : display,
                        "count", value.count()));
            }
            facets.put(field, counts);
            searchFacets.put(field, Map.of("title", field, "items", items));
        }
        out.put("facets", facets);
        out.put("search_facets", searchFacets);
        return out;
    }

    /**
     * CKAN indexes organizations and groups by name; {@code organization:} and {@code groups:}
     * terms also take an id, {@code owner_org:} also a name, as the portal always has.
     */
    private String groupReference(Term term) {
        if (!term.field().equals("organization") && !term.field().equals("owner_org") && !term.field().equals("groups")) {
            return term.value();
        }
        GroupRecord g = store.group(term.value());
        if (g == null) {
            return term.value();
        }
        return term.field().equals("owner_org") ? g.id : g.name;
    }

    /** What the web shows for facet values: organization and group titles, license titles. */
    private Map<String, String> displayNames(String field, List<DatasetHits.FacetCount> values) {
        Map<String, String> out = new LinkedHashMap<>();
        if (values.isEmpty()) {
            return out;
        }
        List<String> names = values.stream().map(DatasetHits.FacetCount::value).toList();
        if (field.equals("organization") || field.equals("groups")) {
            store.em().createQuery("SELECT g.name, g.title FROM GroupRecord g WHERE g.name IN :n", Object[].class)
                    .setParameter("n", names).getResultList().forEach(row -> out.put((String) row[0], (String) row[1]));
        } else if (field.equals("license_id")) {
            for (String id : names) {
                Licenses.License license = licenses.get().get(id);
                if (license != null) {
                    out.put(id, license.title());
                }
            }
        }
        return out;
    }

    /**
     * Splits {@code text} into terms: whitespace separates them, double quotes group words, a
     * leading {@code +} is ignored, {@code field:value} names a filter, {@code *:*} matches all.
     */
    private static List<Term> parse(String parameter, String text, DatasetIndex.Fields fields) {
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
                if (!DatasetIndex.Fields.allows(fields.filters(), field)) {
                    throw ValidationException.of(parameter, "Cannot search on field '" + field + "' (supported: "
                            + String.join(", ", fields.filters().stream().sorted().map(f -> f.endsWith("_") ? f + "*" : f).toList()) + ")");
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
    private static List<String> facetFields(Object value, DatasetIndex.Fields supported) {
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
            if (!DatasetIndex.Fields.allows(supported.facets(), f)) {
                throw ValidationException.of("facet.field", "Cannot facet on '" + f + "' (supported: "
                        + String.join(", ", supported.facets().stream().sorted().map(n -> n.endsWith("_") ? n + "*" : n).toList()) + ")");
            }
        }
        return fields;
    }

    /** {@code sort}: comma-separated {@code field [asc|desc]}, the fields {@code score} and those the index sorts by. */
    private static List<DatasetQuery.Sort> sortKeys(String sort, DatasetIndex.Fields fields) {
        List<DatasetQuery.Sort> keys = new ArrayList<>();
        for (String clause : sort.split(",")) {
            String[] words = clause.strip().split("\\s+");
            if (words.length == 0 || words[0].isEmpty()) {
                continue;
            }
            String direction = words.length > 1 ? words[1].toLowerCase(Locale.ROOT) : "asc";
            if (!(words[0].equals("score") || fields.sortable().contains(words[0])) || words.length > 2
                    || !(direction.equals("asc") || direction.equals("desc"))) {
                throw ValidationException.of("sort", "Cannot sort by '" + clause.strip() + "' (use score or "
                        + String.join(", ", fields.sortable().stream().sorted().toList()) + ", then asc or desc)");
            }
            keys.add(new DatasetQuery.Sort(words[0], direction.equals("desc")));
        }
        return keys;
    }
}
