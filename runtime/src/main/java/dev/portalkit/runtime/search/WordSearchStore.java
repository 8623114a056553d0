package dev.portalkit.runtime.search;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The H2 equivalent of PostgreSQL's full-text search: a word index ({@code portal_search_word}:
 * word, dataset, weight). Words are runs of letters and digits, lower-cased, not stemmed; a
 * word's weight in a dataset adds 8 for each occurrence in the name or title, 4 in a tag, 2 in
 * the notes, 1 elsewhere. Every word of {@code q} must occur; a dataset's score is the sum of its
 * weights for them.
 */
final class WordSearchStore extends SearchStore {
    private static final int[] WEIGHTS = {8, 4, 2, 1};
    private static final int MAX_WORD = 100;
    private static final int MAX_WEIGHT = 1_000_000;

    @Override
    String textColumns() {
        return "";
    }

    @Override
    String textValues() {
        return "";
    }

    @Override
    String textCleared() {
        return "";
    }

    @Override
    void bindText(PreparedStatement s, int first, DatasetDocument doc) {
        // No text columns on the doc row: the words have their own table.
    }

    @Override
    void writeWords(Connection c, DatasetDocument doc) throws SQLException {
        Map<String, Integer> weights = new LinkedHashMap<>();
        for (int i = 0; i < doc.weighted().size() && i < WEIGHTS.length; i++) {
            int weight = WEIGHTS[i];
            for (String word : tokens(doc.weighted().get(i))) {
                weights.merge(word, weight, (x, y) -> Math.min(MAX_WEIGHT, x + y));
            }
        }
        if (weights.isEmpty()) {
            return;
        }
        try (PreparedStatement s = c.prepareStatement("INSERT INTO portal_search_word (word, package_id, weight) VALUES (?, ?, ?)")) {
            for (Map.Entry<String, Integer> e : weights.entrySet()) {
                s.setString(1, e.getKey());
                s.setString(2, doc.id());
                s.setInt(3, e.getValue());
                s.addBatch();
            }
            s.executeBatch();
        }
    }

    @Override
    void deleteWords(Connection c, String id) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("DELETE FROM portal_search_word WHERE package_id = ?")) {
            s.setString(1, id);
            s.executeUpdate();
        }
    }

    @Override
    void clearWords(Connection c) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.executeUpdate("DELETE FROM portal_search_word");
        }
    }

    @Override
    SqlText matches(String text, List<String> notes) {
        Set<String> words = words(text);
        if (words.isEmpty() && notes.isEmpty()) {
            return null;
        }
        SqlText sql = new SqlText();
        if (words.isEmpty()) {
            sql.add("SELECT d.package_id, 0 FROM portal_search_doc d WHERE d.removed = FALSE");
        } else {
            sql.add("SELECT d.package_id, d.score FROM (SELECT w.package_id, SUM(w.weight) AS score FROM portal_search_word w"
                    + " WHERE w.word IN ").in(words).add(" GROUP BY w.package_id HAVING COUNT(*) = " + words.size() + ") d WHERE 1 = 1");
        }
        return notes.isEmpty() ? sql : sql.add(notesConditions("d", notes));
    }

    @Override
    boolean uncommitted(Connection c) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(
                "SELECT CONTAINS_UNCOMMITTED FROM INFORMATION_SCHEMA.SESSIONS WHERE SESSION_ID = SESSION_ID()");
             ResultSet rs = s.executeQuery()) {
            return rs.next() && rs.getBoolean(1);
        }
    }

    /** The distinct words of a query. */
    static Set<String> words(String text) {
        return new LinkedHashSet<>(tokens(text));
    }

    /** The words of a text, in order, repeats kept. */
    static List<String> tokens(String text) {
        List<String> out = new ArrayList<>();
        if (text == null) {
            return out;
        }
        int start = -1;
        for (int i = 0; i <= text.length(); i++) {
            boolean letter = i < text.length() && Character.isLetterOrDigit(text.charAt(i));
            if (letter && start < 0) {
                start = i;
            } else if (!letter && start >= 0) {
                String word = text.substring(start, i).toLowerCase(Locale.ROOT);
                if (word.length() <= MAX_WORD) {
                    out.add(word);
                }
                start = -1;
            }
        }
        return out;
    }
}
