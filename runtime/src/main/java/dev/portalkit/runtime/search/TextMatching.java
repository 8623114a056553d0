package dev.portalkit.runtime.search;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;

/**
 * The free-text half of the built-in index, one per database: how a dataset's weighted text is
 * stored and how {@code q} finds and ranks datasets. Every word of {@code q} must match.
 */
interface TextMatching {
    /** Replaces the dataset's text; {@code weighted} holds the A, B, C and D texts. */
    void write(Connection c, String id, List<String> weighted) throws SQLException;

    void delete(Connection c, String id) throws SQLException;

    void clear(Connection c) throws SQLException;

    /**
     * A derived table {@code (package_id, score)} of the datasets matching {@code text}, to join;
     * {@code null} when the text holds no word to search for.
     */
    SqlText matches(String text);
}
