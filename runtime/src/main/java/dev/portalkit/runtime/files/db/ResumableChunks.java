package dev.portalkit.runtime.files.db;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * The bytes of a resumable upload that wait for a whole part, in {@code files_resumable_chunk}:
 * streamed in and out through the same content column as {@code files:db} (a BLOB on H2, a large
 * object on PostgreSQL), on the connection of the caller's transaction, so that a chunk and the
 * upload's offset change together.
 */
public final class ResumableChunks {
    private static final String TABLE = "files_resumable_chunk";
    private static final String[] KEY = {"upload_id", "start_at"};
    private static final String[] UPLOAD = {"upload_id"};

    private ResumableChunks() {
    }

    /** Stores {@code content} as the chunk of {@code upload} that starts at byte {@code start}; returns its size. */
    public static long append(Connection c, String upload, long start, InputStream content) throws SQLException, IOException {
        return ContentColumn.forConnection(c).insert(c, TABLE, KEY, new Object[] {upload, start}, content);
    }

    /** Copies the chunks of {@code upload} to {@code out} in order; returns the bytes copied. */
    public static long copy(Connection c, String upload, OutputStream out) throws SQLException, IOException {
        try (InputStream in = open(c, upload)) {
            return in.transferTo(out);
        }
    }

    /**
     * The chunks of {@code upload} in order, as one stream that reads through {@code c}: keep the
     * transaction open until it is closed.
     */
    public static InputStream open(Connection c, String upload) throws SQLException {
        List<Long> starts = starts(c, upload);
        ContentColumn column = ContentColumn.forConnection(c);
        java.util.Iterator<Long> next = starts.iterator();
        return new java.io.SequenceInputStream(new java.util.Enumeration<InputStream>() {
            @Override
            public boolean hasMoreElements() {
                return next.hasNext();
            }

            @Override
            public InputStream nextElement() {
                try {
                    InputStream in = column.open(c, TABLE, KEY, new Object[] {upload, next.next()}, 0, Long.MAX_VALUE);
                    return in == null ? InputStream.nullInputStream() : in;
                } catch (SQLException e) {
                    throw new IllegalStateException("cannot read a chunk of upload " + upload + ": " + e.getMessage(), e);
                }
            }
        });
    }

    private static List<Long> starts(Connection c, String upload) throws SQLException {
        List<Long> starts = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT start_at FROM " + TABLE + " WHERE upload_id = ? ORDER BY start_at")) {
            ps.setString(1, upload);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    starts.add(rs.getLong(1));
                }
            }
        }
        return starts;
    }

    /** Removes the chunks of {@code upload} (and frees their content); returns how many there were. */
    public static int delete(Connection c, String upload) throws SQLException {
        return ContentColumn.forConnection(c).delete(c, TABLE, UPLOAD, new Object[] {upload});
    }
}
