package dev.portalkit.runtime.search;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * This node's copy of the index's doc rows: what searches filter, sort and count facets on, held
 * in memory (as Solr holds its field caches) so that a search over every dataset costs no more
 * than a walk over this map. Before each search it reads the doc rows whose version is newer than
 * the last it read ({@link #catchUp}); the version row's lock orders changes in commit order, so a
 * committed version never hides an earlier one.
 */
final class IndexMemory {
    /** One dataset as searches see it. Facet fields and values are interned: few distinct strings. */
    record Doc(String id, String state, boolean isPrivate, String ownerOrg, String creatorUserId, String type, String name,
               String title, long created, long modified, String[] fields, String[] values) {
        /** Whether the dataset has {@code value} in {@code field}. */
        boolean has(String field, String value) {
            for (int i = 0; i < fields.length; i++) {
                if (fields[i].equals(field) && values[i].equals(value)) {
                    return true;
                }
            }
            return false;
        }
    }

    private final Map<String, Doc> docs = new ConcurrentHashMap<>();
    private final Map<String, String> strings = new HashMap<>();
    private volatile long version = -1;

    Collection<Doc> docs() {
        return docs.values();
    }

    Doc doc(String id) {
        return docs.get(id);
    }

    long version() {
        return version;
    }

    /** Reads the doc rows changed after this copy's version, if the index's version is newer. */
    void catchUp(Connection c, SearchStore store) throws SQLException {
        long current = store.version(c);
        if (current <= version) {
            return;
        }
        synchronized (this) {
            if (current <= version) {
                return;
            }
            long seen = Math.max(0, version);
            try (PreparedStatement s = store.changedSince(c, seen); ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    String id = rs.getString(1);
                    seen = Math.max(seen, rs.getLong(2));
                    if (rs.getBoolean(3)) {
                        docs.remove(id);
                    } else {
                        docs.put(id, read(rs, id));
                    }
                }
            }
            version = Math.max(seen, current);
        }
    }

    private Doc read(ResultSet rs, String id) throws SQLException {
        String facets = rs.getString(13);
        int n = 0;
        if (facets != null) {
            for (int i = 0; i < facets.length(); i++) {
                if (facets.charAt(i) == '\n') {
                    n++;
                }
            }
        }
        String[] fields = new String[n];
        String[] values = new String[n];
        int line = 0;
        int from = 0;
        while (line < n) {
            int tab = facets.indexOf('\t', from);
            int end = facets.indexOf('\n', from);
            if (tab < 0 || tab > end) {
                tab = end;
            }
            fields[line] = intern(facets.substring(from, tab));
            values[line] = intern(tab == end ? "" : facets.substring(tab + 1, end));
            line++;
            from = end + 1;
        }
        return new Doc(id, intern(rs.getString(4)), rs.getBoolean(5), intern(rs.getString(6)), rs.getString(7), intern(rs.getString(8)),
                rs.getString(9), rs.getString(10), millis(rs.getTimestamp(11)), millis(rs.getTimestamp(12)), fields, values);
    }

    private String intern(String s) {
        if (s == null) {
            return null;
        }
        String known = strings.putIfAbsent(s, s);
        return known == null ? s : known;
    }

    private static long millis(Timestamp t) {
        return t == null ? Long.MIN_VALUE : t.getTime();
    }
}
