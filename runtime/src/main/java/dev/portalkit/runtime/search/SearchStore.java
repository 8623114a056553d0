package dev.portalkit.runtime.search;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.sql.Types;
import java.util.List;

/**
 * The built-in index's tables, one subclass per database: the version row, the doc rows every
 * node loads into memory ({@link IndexMemory}), and the text a query's words are matched against.
 */
abstract class SearchStore {
    /** Raises the index's version in the current transaction and returns it. */
    long nextVersion(Connection c) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("UPDATE portal_search_state SET version = version + 1 WHERE id = 1")) {
            s.executeUpdate();
        }
        return version(c);
    }

    /** The committed version (or this transaction's, after a change). */
    long version(Connection c) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT version FROM portal_search_state WHERE id = 1");
             ResultSet rs = s.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** Replaces the dataset's doc row and text. */
    void write(Connection c, DatasetDocument doc, long version) throws SQLException {
        delete(c, doc.id());
        DatasetDocument.Columns col = doc.columns();
        try (PreparedStatement s = c.prepareStatement("INSERT INTO portal_search_doc (package_id, version, removed, state, private,"
                + " owner_org, creator_user_id, type, name, title, metadata_created, metadata_modified, facets" + textColumns()
                + ") VALUES (?, ?, FALSE, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?" + textValues() + ")")) {
            s.setString(1, doc.id());
            s.setLong(2, version);
            s.setString(3, col.state());
            s.setBoolean(4, col.isPrivate());
            s.setString(5, col.ownerOrg());
            s.setString(6, col.creatorUserId());
            s.setString(7, col.type());
            s.setString(8, truncate(col.name(), 100));
            s.setString(9, truncate(col.title(), 1000));
            timestamp(s, 10, col.created());
            timestamp(s, 11, col.modified());
            s.setString(12, doc.facetText());
            bindText(s, 13, doc);
            s.executeUpdate();
        }
        writeWords(c, doc);
    }

    /** Marks the dataset removed (a tombstone other nodes read as "drop it"). */
    void remove(Connection c, String id, long version) throws SQLException {
        delete(c, id);
        try (PreparedStatement s = c.prepareStatement("INSERT INTO portal_search_doc (package_id, version, removed, private)"
                + " VALUES (?, ?, TRUE, FALSE)")) {
            s.setString(1, id);
            s.setLong(2, version);
            s.executeUpdate();
        }
    }

    /** Marks every dataset removed. */
    void clear(Connection c, long version) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("UPDATE portal_search_doc SET removed = TRUE, version = ?, facets = NULL"
                + textCleared() + " WHERE removed = FALSE")) {
            s.setLong(1, version);
            s.executeUpdate();
        }
        clearWords(c);
    }

    /** The doc rows changed after {@code version}: what a node's memory reads to catch up. */
    PreparedStatement changedSince(Connection c, long version) throws SQLException {
        PreparedStatement s = c.prepareStatement("SELECT package_id, version, removed, state, private, owner_org, creator_user_id, type,"
                + " name, title, metadata_created, metadata_modified, facets FROM portal_search_doc WHERE version > ? ORDER BY version");
        s.setLong(1, version);
        s.setFetchSize(1000);
        return s;
    }

    /**
     * A query {@code (package_id, score)} of the datasets whose text matches {@code text} (every
     * word) and whose notes contain each of {@code notes}, or null when there is nothing to
     * match; the score ranks: more for words in the name, title and tags than in the notes, the
     * notes more than the rest.
     */
    abstract SqlText matches(String text, List<String> notes);

    /** Whether the current transaction has changes not committed yet (then it must not feed the memory). */
    abstract boolean uncommitted(Connection c) throws SQLException;

    abstract String textColumns();

    abstract String textValues();

    abstract String textCleared();

    abstract void bindText(PreparedStatement s, int first, DatasetDocument doc) throws SQLException;

    abstract void writeWords(Connection c, DatasetDocument doc) throws SQLException;

    abstract void deleteWords(Connection c, String id) throws SQLException;

    abstract void clearWords(Connection c) throws SQLException;

    private void delete(Connection c, String id) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("DELETE FROM portal_search_doc WHERE package_id = ?")) {
            s.setString(1, id);
            s.executeUpdate();
        }
        deleteWords(c, id);
    }

    /** The notes filter of {@link #matches}: a condition on the doc row's dataset, added when asked. */
    static SqlText notesConditions(String alias, List<String> notes) {
        SqlText out = new SqlText();
        for (String one : notes) {
            out.add(notesCondition(alias, one));
        }
        return out;
    }

    private static SqlText notesCondition(String alias, String notes) {
        return new SqlText().add(" AND EXISTS (SELECT 1 FROM portal_package p WHERE p.id = " + alias + ".package_id"
                + " AND LOWER(p.notes) LIKE ? ESCAPE '!')", "%" + notes.toLowerCase(java.util.Locale.ROOT)
                .replace("!", "!!").replace("%", "!%").replace("_", "!_") + "%");
    }

    private static void timestamp(PreparedStatement s, int i, java.time.Instant value) throws SQLException {
        if (value == null) {
            s.setNull(i, Types.TIMESTAMP_WITH_TIMEZONE);
        } else {
            s.setTimestamp(i, Timestamp.from(value));
        }
    }

    private static String truncate(String s, int max) {
        return s == null || s.length() <= max ? s : s.substring(0, max);
    }
}
