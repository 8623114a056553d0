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
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The built-in dataset index, in the portal's database ({@link SearchStore}: doc rows and text),
 * searched through this node's {@link IndexMemory}: the database finds the datasets whose text
 * matches {@code q} (PostgreSQL full-text search or H2's word index) with their scores; visibility,
 * filters, facet counts, sorting and paging are worked out over the doc rows in memory.
 */
final class DatabaseDatasetIndex implements DatasetIndex {
    private static final Logger LOG = Logger.getLogger(DatabaseDatasetIndex.class.getName());
    /** Filters on a field of the doc row (exact value). */
    private static final Set<String> COLUMNS = Set.of("id", "name", "owner_org", "type", "state", "creator_user_id", "private");
    /** Filters that match a substring, case-insensitively. */
    private static final Set<String> SUBSTRINGS = Set.of("title", "notes");
    private static final Set<String> SORTS = Set.of("name", "title", "title_string", "metadata_modified", "metadata_created");
    private static final Set<String> FACETED = Set.of("organization", "groups", "tags", "res_format", "license_id", "vocab_", "extras_");
    private static final Fields FIELDS;

    static {
        Set<String> filters = new LinkedHashSet<>(COLUMNS);
        filters.addAll(SUBSTRINGS);
        filters.addAll(FACETED);
        FIELDS = new Fields(filters, FACETED, SORTS);
    }

    private final SearchStore store;
    private final IndexMemory memory = new IndexMemory();

    DatabaseDatasetIndex(SearchStore store) {
        this.store = store;
    }

    @Override
    public Fields fields() {
        return FIELDS;
    }

    @Override
    public void index(ActionContext ctx, Map<String, Object> dataset) {
        run(ctx, c -> {
            DatasetDocument doc = DatasetDocument.of(dataset, vocabularies(c, dataset));
            store.write(c, doc, store.nextVersion(c));
            return null;
        });
    }

    @Override
    public void remove(ActionContext ctx, String datasetId) {
        run(ctx, c -> {
            store.remove(c, datasetId, store.nextVersion(c));
            return null;
        });
    }

    @Override
    public void clear(ActionContext ctx) {
        run(ctx, c -> {
            store.clear(c, store.nextVersion(c));
            return null;
        });
    }

    @Override
    public DatasetHits search(ActionContext ctx, DatasetQuery query) {
        return run(ctx, c -> {
            // A transaction with changes of its own must not feed the memory: they may yet roll back.
            if (!store.uncommitted(c)) {
                memory.catchUp(c, store);
            }
            Map<String, Double> scores = scores(c, query.text(), query.filters().stream()
                    .filter(f -> f.field().equals("notes")).map(DatasetQuery.Filter::value).toList());
            Collection<IndexMemory.Doc> candidates;
            if (scores == null) {
                candidates = memory.docs();
            } else {
                candidates = new ArrayList<>(scores.size());
                for (String id : scores.keySet()) {
                    IndexMemory.Doc d = memory.doc(id);
                    if (d != null) {
                        candidates.add(d);
                    }
                }
            }
            List<DatasetQuery.Filter> kept = query.filters().stream().filter(f -> !f.field().equals("notes")).toList();
            Comparator<IndexMemory.Doc> order = order(query.sort(), scores);
            int wanted = query.rows() <= 0 ? 0 : (int) Math.min(Integer.MAX_VALUE, (long) query.start() + query.rows());
            PriorityQueue<IndexMemory.Doc> top = new PriorityQueue<>(Math.max(1, Math.min(wanted, 10_000)), order.reversed());
            Map<String, Map<String, long[]>> counts = new HashMap<>();
            query.facetFields().forEach(f -> counts.put(f, new HashMap<>()));
            long total = 0;
            for (IndexMemory.Doc d : candidates) {
                if (!visible(d, query.visibility()) || !matches(d, kept)) {
                    continue;
                }
                total++;
                if (!counts.isEmpty()) {
                    for (int i = 0; i < d.fields().length; i++) {
                        Map<String, long[]> field = counts.get(d.fields()[i]);
                        if (field != null) {
                            field.computeIfAbsent(d.values()[i], v -> new long[1])[0]++;
                        }
                    }
                }
                // The page: the best start + rows matches, kept in a heap whose head is the worst of them.
                if (wanted > 0 && (top.size() < wanted || order.compare(d, top.peek()) < 0)) {
                    top.add(d);
                    if (top.size() > wanted) {
                        top.poll();
                    }
                }
            }
            List<IndexMemory.Doc> page = new ArrayList<>(top);
            page.sort(order);
            List<String> ids = new ArrayList<>();
            for (int i = query.start(); i < page.size(); i++) {
                ids.add(page.get(i).id());
            }
            return new DatasetHits(total, ids, facets(query, counts));
        });
    }

    /** The text and notes matches with their scores, or null when the query has neither. */
    private Map<String, Double> scores(Connection c, String text, List<String> notes) throws SQLException {
        SqlText sql = store.matches(text, notes);
        if (sql == null) {
            return null;
        }
        Map<String, Double> out = new HashMap<>();
        try (PreparedStatement s = sql.prepare(c)) {
            s.setFetchSize(1000);
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    out.put(rs.getString(1), rs.getDouble(2));
                }
            }
        }
        return out;
    }

    private static Map<String, List<DatasetHits.FacetCount>> facets(DatasetQuery query, Map<String, Map<String, long[]>> counts) {
        Map<String, List<DatasetHits.FacetCount>> out = new LinkedHashMap<>();
        for (String field : query.facetFields()) {
            List<DatasetHits.FacetCount> values = new ArrayList<>();
            counts.get(field).forEach((value, n) -> values.add(new DatasetHits.FacetCount(value, n[0])));
            values.sort(Comparator.comparingLong(DatasetHits.FacetCount::count).reversed().thenComparing(DatasetHits.FacetCount::value));
            out.put(field, query.facetLimit() < 0 || values.size() <= query.facetLimit() ? values : values.subList(0, query.facetLimit()));
        }
        return out;
    }

    private static boolean visible(IndexMemory.Doc d, DatasetQuery.Visibility v) {
        boolean stateOk = "active".equals(d.state()) || ("draft".equals(d.state()) && v.draftsOf() != null
                && (v.draftsOf().isEmpty() || v.draftsOf().equals(d.creatorUserId())));
        if (!stateOk) {
            return false;
        }
        if (!d.isPrivate()) {
            return true;
        }
        Set<String> orgs = v.privateOrgs();
        return orgs != null && (orgs.equals(DatasetQuery.Visibility.ALL) || (d.ownerOrg() != null && orgs.contains(d.ownerOrg())));
    }

    private static boolean matches(IndexMemory.Doc d, List<DatasetQuery.Filter> filters) {
        for (DatasetQuery.Filter f : filters) {
            String v = f.value();
            boolean ok = switch (f.field()) {
                case "id" -> v.equals(d.id());
                case "name" -> v.equals(d.name());
                case "owner_org" -> v.equals(d.ownerOrg());
                case "type" -> v.equals(d.type());
                case "state" -> v.equals(d.state());
                case "creator_user_id" -> v.equals(d.creatorUserId());
                case "private" -> Boolean.parseBoolean(v) == d.isPrivate();
                case "title" -> d.title() != null && d.title().toLowerCase(Locale.ROOT).contains(v.toLowerCase(Locale.ROOT));
                default -> d.has(f.field(), v);
            };
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    /** The sort keys, then the id (so that pages never overlap). */
    private static Comparator<IndexMemory.Doc> order(List<DatasetQuery.Sort> sort, Map<String, Double> scores) {
        Comparator<IndexMemory.Doc> out = null;
        List<DatasetQuery.Sort> keys = sort.isEmpty() ? List.of(new DatasetQuery.Sort("score", true),
                new DatasetQuery.Sort("metadata_modified", true)) : sort;
        for (DatasetQuery.Sort s : keys) {
            Comparator<IndexMemory.Doc> key = switch (s.field()) {
                case "score" -> Comparator.comparingDouble(d -> scores == null ? 0 : scores.getOrDefault(d.id(), 0.0));
                case "name" -> Comparator.comparing(d -> d.name() == null ? "" : d.name());
                case "title", "title_string" -> Comparator.comparing(d -> d.title() == null ? "" : d.title().toLowerCase(Locale.ROOT));
                case "metadata_created" -> Comparator.comparingLong(IndexMemory.Doc::created);
                default -> Comparator.comparingLong(IndexMemory.Doc::modified);
            };
            if (s.descending()) {
                key = key.reversed();
            }
            out = out == null ? key : out.thenComparing(key);
        }
        return out.thenComparing(IndexMemory.Doc::id);
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
