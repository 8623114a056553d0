package dev.portalkit.runtime.search;

import java.sql.Connection;
import java.sql.PreparedStatement;
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
final class WordTextMatching implements TextMatching {
    private static final int[] WEIGHTS = {8, 4, 2, 1};
    private static final int MAX_WORD = 100;
    private static final int MAX_WEIGHT = 1_000_000;

    @Override
    public void write(Connection c, String id, List<String> weighted) throws SQLException {
        delete(c, id);
        Map<String, Integer> weights = new LinkedHashMap<>();
        for (int i = 0; i < weighted.size() && i < WEIGHTS.length; i++) {
            int weight = WEIGHTS[i];
            for (String word : tokens(weighted.get(i))) {
                weights.merge(word, weight, (x, y) -> Math.min(MAX_WEIGHT, x + y));
            }
        }
        if (weights.isEmpty()) {
            return;
        }
        try (PreparedStatement s = c.prepareStatement("INSERT INTO portal_search_word (word, package_id, weight) VALUES (?, ?, ?)")) {
            for (Map.Entry<String, Integer> e : weights.entrySet()) {
                s.setString(1, e.getKey());
                s.setString(2, id);
                s.setInt(3, e.getValue());
                s.addBatch();
            }
            s.executeBatch();
        }
    }

    @Override
    public void delete(Connection c, String id) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("DELETE FROM portal_search_word WHERE package_id = ?")) {
            s.setString(1, id);
            s.executeUpdate();
        }
    }

    @Override
    public void clear(Connection c) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.executeUpdate("DELETE FROM portal_search_word");
        }
    }

    @Override
    public SqlText matches(String text) {
        Set<String> words = words(text);
        if (words.isEmpty()) {
            return null;
        }
        return new SqlText().add("(SELECT w.package_id, SUM(w.weight) AS score FROM portal_search_word w WHERE w.word IN ")
                .in(words).add(" GROUP BY w.package_id HAVING COUNT(*) = " + words.size() + ")");
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
