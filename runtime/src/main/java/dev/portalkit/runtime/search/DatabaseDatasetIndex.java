package dev.portalkit.runtime.search;

import dev.portalkit.api.ErrorKind;
import dev.portalkit.api.PortalException;
import dev.portalkit.api.action.ActionContext;
import dev.portalkit.api.search.DatasetHits;
import dev.portalkit.api.search.DatasetIndex;
import dev.portalkit.api.search.DatasetQuery;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The built-in dataset index, in the portal's database: facet values in {@code portal_search_facet},
 * text in {@link TextMatching} (PostgreSQL full-text search, or H2's word index). A query is two
 * statements: the page of matches with their total ({@code COUNT(*) OVER ()}), and the facet
 * counts over every match. Visibility, filters and sorting use {@code portal_package}'s columns.
 */
final class DatabaseDatasetIndex implements DatasetIndex {
    private static final Logger LOG = Logger.getLogger(DatabaseDatasetIndex.class.getName());
    /** Filters answered by a column of {@code portal_package} (exact value). */
    private static final Map<String, String> COLUMNS = Map.of("id", "p.id", "name", "p.name", "owner_org", "p.owner_org",
            "type", "p.type", "state", "p.state", "license_id", "p.license_id", "creator_user_id", "p.creator_user_id");
    /** Filters that match a substring, case-insensitively. */
    private static final Map<String, String> SUBSTRINGS = Map.of("title", "p.title", "notes", "p.notes");
    private static final Map<String, String> SORTS = Map.of("name", "p.name", "title", "p.title", "title_string", "p.title",
            "metadata_modified", "p.metadata_modified", "metadata_created", "p.metadata_created");
    private static final Set<String> FACETED = Set.of("organization", "groups", "tags", "res_format", "license_id", "vocab_", "extras_");
    private static final Fields FIELDS;

    static {
        Set<String> filters = new LinkedHashSet<>(COLUMNS.keySet());
        filters.addAll(SUBSTRINGS.keySet());
        filters.addAll(FACETED);
        filters.add("private");
        FIELDS = new Fields(filters, FACETED, SORTS.keySet());
    }

    private final TextMatching text;

    DatabaseDatasetIndex(TextMatching text) {
        this.text = text;
    }

    @Override
    public Fields fields() {
        return FIELDS;
    }

    @Override
    public void index(ActionContext ctx, Map<String, Object> dataset) {
        run(ctx, c -> {
            DatasetDocument doc = DatasetDocument.of(dataset, vocabularies(c, dataset));
            deleteFacets(c, doc.id());
            try (PreparedStatement s = c.prepareStatement("INSERT INTO portal_search_facet (package_id, facet_field, facet_value) VALUES (?, ?, ?)")) {
                for (DatasetDocument.Facet f : doc.facets()) {
                    s.setString(1, doc.id());
                    s.setString(2, f.field());
                    s.setString(3, f.value());
                    s.addBatch();
                }
                s.executeBatch();
            }
            text.write(c, doc.id(), doc.weighted());
            return null;
        });
    }

    @Override
    public void remove(ActionContext ctx, String datasetId) {
        run(ctx, c -> {
            deleteFacets(c, datasetId);
            text.delete(c, datasetId);
            return null;
        });
    }

    @Override
    public void clear(ActionContext ctx) {
        run(ctx, c -> {
            try (Statement s = c.createStatement()) {
                s.executeUpdate("DELETE FROM portal_search_facet");
            }
            text.clear(c);
            return null;
        });
    }

    @Override
    public DatasetHits search(ActionContext ctx, DatasetQuery query) {
        SqlText matches = text.matches(query.text());
        boolean ranked = matches != null;
        SqlText from = new SqlText().add(" FROM portal_package p");
        if (ranked) {
            from.add(" JOIN ").add(matches).add(" m ON m.package_id = p.id");
        }
        SqlText where = where(query);
        return run(ctx, c -> {
            long total = -1;
            List<String> ids = new ArrayList<>();
            if (query.rows() > 0) {
                SqlText page = new SqlText().add("SELECT p.id, COUNT(*) OVER () AS total").add(from).add(where)
                        .add(" ORDER BY " + order(query.sort(), ranked)).add(" LIMIT ? OFFSET ?", query.rows(), query.start());
                try (PreparedStatement s = page.prepare(c); ResultSet rs = s.executeQuery()) {
                    while (rs.next()) {
                        ids.add(rs.getString(1));
                        total = rs.getLong(2);
                    }
                }
            }
            if (total < 0) {
                try (PreparedStatement s = new SqlText().add("SELECT COUNT(*)").add(from).add(where).prepare(c);
                     ResultSet rs = s.executeQuery()) {
                    rs.next();
                    total = rs.getLong(1);
                }
            }
            Map<String, List<DatasetHits.FacetCount>> facets = new LinkedHashMap<>();
            if (!query.facetFields().isEmpty() && total > 0) {
                SqlText counts = new SqlText().add("SELECT f.facet_field, f.facet_value, COUNT(*) FROM portal_search_facet f WHERE f.facet_field IN ")
                        .in(query.facetFields()).add(" AND f.package_id IN (SELECT p.id").add(from).add(where)
                        .add(") GROUP BY f.facet_field, f.facet_value");
                Map<String, List<DatasetHits.FacetCount>> all = new HashMap<>();
                try (PreparedStatement s = counts.prepare(c); ResultSet rs = s.executeQuery()) {
                    while (rs.next()) {
                        all.computeIfAbsent(rs.getString(1), k -> new ArrayList<>())
                                .add(new DatasetHits.FacetCount(rs.getString(2), rs.getLong(3)));
                    }
                }
                for (String field : query.facetFields()) {
                    List<DatasetHits.FacetCount> values = all.getOrDefault(field, new ArrayList<>());
                    values.sort(Comparator.comparingLong(DatasetHits.FacetCount::count).reversed()
                            .thenComparing(DatasetHits.FacetCount::value));
                    facets.put(field, query.facetLimit() < 0 || values.size() <= query.facetLimit() ? values
                            : values.subList(0, query.facetLimit()));
                }
            } else {
                query.facetFields().forEach(f -> facets.put(f, List.of()));
            }
            return new DatasetHits(total, ids, facets);
        });
    }

    private static SqlText where(DatasetQuery query) {
        SqlText w = new SqlText();
        DatasetQuery.Visibility v = query.visibility();
        if (v.draftsOf() == null) {
            w.add(" WHERE p.state = 'active'");
        } else if (v.draftsOf().isEmpty()) {
            w.add(" WHERE p.state IN ('active', 'draft')");
        } else {
            w.add(" WHERE (p.state = 'active' OR (p.state = 'draft' AND p.creator_user_id = ?))", v.draftsOf());
        }
        if (v.privateOrgs() == null || v.privateOrgs().isEmpty()) {
            w.add(" AND p.private = FALSE");
        } else if (!v.privateOrgs().equals(DatasetQuery.Visibility.ALL)) {
            w.add(" AND (p.private = FALSE OR p.owner_org IN ").in(v.privateOrgs()).add(")");
        }
        for (DatasetQuery.Filter f : query.filters()) {
            String field = f.field();
            if (field.equals("private")) {
                w.add(" AND p.private = ?", Boolean.parseBoolean(f.value()));
            } else if (COLUMNS.containsKey(field)) {
                w.add(" AND " + COLUMNS.get(field) + " = ?", f.value());
            } else if (SUBSTRINGS.containsKey(field)) {
                w.add(" AND LOWER(" + SUBSTRINGS.get(field) + ") LIKE ? ESCAPE '!'", "%" + escapeLike(f.value().toLowerCase(java.util.Locale.ROOT)) + "%");
            } else {
                w.add(" AND EXISTS (SELECT 1 FROM portal_search_facet x WHERE x.package_id = p.id AND x.facet_field = ? AND x.facet_value = ?)",
                        field, f.value());
            }
        }
        return w;
    }

    private static String order(List<DatasetQuery.Sort> sort, boolean ranked) {
        List<String> parts = new ArrayList<>();
        for (DatasetQuery.Sort s : sort) {
            String direction = s.descending() ? " DESC" : " ASC";
            if (s.field().equals("score")) {
                if (ranked) {
                    parts.add("m.score" + direction);
                }
            } else {
                parts.add(SORTS.get(s.field()) + direction);
            }
        }
        if (parts.isEmpty()) {
            parts.add(ranked ? "m.score DESC" : "p.metadata_modified DESC");
        }
        parts.add("p.id ASC");
        return String.join(", ", parts);
    }

    /** The names of the vocabularies the dataset's tags belong to, by id. */
    private static Map<String, String> vocabularies(Connection c, Map<String, Object> dataset) throws SQLException {
        Set<String> ids = new LinkedHashSet<>();
        if (dataset.get("tags") instanceof List<?> tags) {
            for (Object tag : tags) {
                if (tag instanceof Map<?, ?> t && t.get("vocabulary_id") != null) {
                    ids.add(String.valueOf(t.get("vocabulary_id")));
                }
            }
        }
        Map<String, String> out = new HashMap<>();
        if (ids.isEmpty()) {
            return out;
        }
        try (PreparedStatement s = new SqlText().add("SELECT id, name FROM portal_vocabulary WHERE id IN ").in(ids).prepare(c);
             ResultSet rs = s.executeQuery()) {
            while (rs.next()) {
                out.put(rs.getString(1), rs.getString(2));
            }
        }
        return out;
    }

    private static void deleteFacets(Connection c, String id) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("DELETE FROM portal_search_facet WHERE package_id = ?")) {
            s.setString(1, id);
            s.executeUpdate();
        }
    }

    private static String escapeLike(String text) {
        return text.replace("!", "!!").replace("%", "!%").replace("_", "!_");
    }

    private interface Work<T> {
        T run(Connection c) throws SQLException;
    }

    private static <T> T run(ActionContext ctx, Work<T> work) {
        try {
            return work.run(ctx.jdbc());
        } catch (SQLException e) {
            LOG.log(Level.SEVERE, "dataset search index failed", e);
            throw new PortalException(ErrorKind.INTERNAL, "the dataset search index failed (the server log has the cause)");
        }
    }
}
