package dev.portalkit.runtime.search;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;

/**
 * PostgreSQL full-text search: the doc row's {@code document} (all the text, weighted A to D)
 * under a GIN index finds matches; a query is {@code websearch_to_tsquery} (every word, stemmed,
 * stop words dropped; {@code "a phrase"}, {@code or} and {@code -word} as a search engine reads
 * them). The score is {@code ts_rank} of the small {@code head} vector (name, title, tags) plus a
 * little for a match in {@code body} (the notes): ranking the whole text of every match would cost
 * as much as its length, for every match.
 */
final class PostgresSearchStore extends SearchStore {
    private static final String WEIGHTS = "ABCD";
    private final String config;

    /** @param config the text search configuration ({@code english}, {@code simple}, ...) */
    PostgresSearchStore(String config) {
        this.config = config;
    }

    @Override
    String textColumns() {
        return ", document, head, body";
    }

    @Override
    String textValues() {
        StringBuilder document = new StringBuilder();
        for (int i = 0; i < WEIGHTS.length(); i++) {
            document.append(i == 0 ? "" : " || ").append(vector(WEIGHTS.charAt(i)));
        }
        return ", " + document + ", " + vector('A') + " || " + vector('B') + ", " + vector('C');
    }

    private static String vector(char weight) {
        return "setweight(to_tsvector(CAST(? AS regconfig), ?), '" + weight + "')";
    }

    @Override
    String textCleared() {
        return ", document = NULL, head = NULL, body = NULL";
    }

    @Override
    void bindText(PreparedStatement s, int first, DatasetDocument doc) throws SQLException {
        int i = first;
        for (int w = 0; w < WEIGHTS.length(); w++) {
            s.setString(i++, config);
            s.setString(i++, doc.weighted().get(w));
        }
        for (int w : new int[] {0, 1, 2}) {
            s.setString(i++, config);
            s.setString(i++, doc.weighted().get(w));
        }
    }

    @Override
    void writeWords(Connection c, DatasetDocument doc) {
        // The vectors are columns of the doc row.
    }

    @Override
    void deleteWords(Connection c, String id) {
        // The vectors go with the doc row.
    }

    @Override
    void clearWords(Connection c) {
        // The vectors are cleared with the doc rows.
    }

    @Override
    SqlText matches(String text, List<String> notes) {
        boolean words = !WordSearchStore.words(text).isEmpty();
        if (!words && notes.isEmpty()) {
            return null;
        }
        SqlText sql = new SqlText();
        if (words) {
            sql.add("SELECT d.package_id, ts_rank(d.head, q.query) + CASE WHEN d.body @@ q.query THEN 0.01 ELSE 0 END"
                    + " FROM portal_search_doc d, websearch_to_tsquery(CAST(? AS regconfig), ?) AS q(query)"
                    + " WHERE d.document @@ q.query AND d.removed = FALSE", config, text);
        } else {
            sql.add("SELECT d.package_id, 0 FROM portal_search_doc d WHERE d.removed = FALSE");
        }
        return notes.isEmpty() ? sql : sql.add(notesConditions("d", notes));
    }

    @Override
    boolean uncommitted(Connection c) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT txid_current_if_assigned()"); ResultSet rs = s.executeQuery()) {
            rs.next();
            rs.getLong(1);
            return !rs.wasNull();
        }
    }
}
