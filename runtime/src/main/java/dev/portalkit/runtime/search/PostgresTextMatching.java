package dev.portalkit.runtime.search;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

/**
 * PostgreSQL full-text search: a {@code tsvector} per dataset, its parts weighted A to D, under a
 * GIN index; {@code q} becomes {@code websearch_to_tsquery} (every word, stemmed, stop words
 * dropped; {@code "a phrase"}, {@code or} and {@code -word} as a search engine reads them) and
 * matches rank by {@code ts_rank}.
 */
final class PostgresTextMatching implements TextMatching {
    private static final String[] WEIGHTS = {"A", "B", "C", "D"};
    private final String config;

    /** @param config the text search configuration ({@code english}, {@code simple}, ...) */
    PostgresTextMatching(String config) {
        this.config = config;
    }

    @Override
    public void write(Connection c, String id, List<String> weighted) throws SQLException {
        delete(c, id);
        StringBuilder vector = new StringBuilder();
        for (int i = 0; i < WEIGHTS.length; i++) {
            vector.append(i == 0 ? "" : " || ").append("setweight(to_tsvector(CAST(? AS regconfig), ?), '").append(WEIGHTS[i]).append("')");
        }
        try (PreparedStatement s = c.prepareStatement("INSERT INTO portal_search_text (package_id, document) VALUES (?, " + vector + ")")) {
            s.setString(1, id);
            for (int i = 0; i < WEIGHTS.length; i++) {
                s.setString(2 + 2 * i, config);
                s.setString(3 + 2 * i, i < weighted.size() ? weighted.get(i) : "");
            }
            s.executeUpdate();
        }
    }

    @Override
    public void delete(Connection c, String id) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("DELETE FROM portal_search_text WHERE package_id = ?")) {
            s.setString(1, id);
            s.executeUpdate();
        }
    }

    @Override
    public void clear(Connection c) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.executeUpdate("DELETE FROM portal_search_text");
        }
    }

    @Override
    public SqlText matches(String text) {
        if (WordTextMatching.words(text).isEmpty()) {
            return null;
        }
        return new SqlText().add("(SELECT t.package_id, ts_rank(t.document, q.query) AS score FROM portal_search_text t,"
                + " websearch_to_tsquery(CAST(? AS regconfig), ?) AS q(query) WHERE t.document @@ q.query)", config, text);
    }
}
