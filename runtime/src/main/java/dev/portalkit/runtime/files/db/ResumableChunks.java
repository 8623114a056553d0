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
        List<Long> starts = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT start_at FROM " + TABLE + " WHERE upload_id = ? ORDER BY start_at")) {
            ps.setString(1, upload);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    starts.add(rs.getLong(1));
                }
            }
        }
        ContentColumn column = ContentColumn.forConnection(c);
        long copied = 0;
        for (long start : starts) {
            try (InputStream in = column.open(c, TABLE, KEY, new Object[] {upload, start}, 0, Long.MAX_VALUE)) {
                if (in != null) {
                    copied += in.transferTo(out);
                }
            }
        }
        return copied;
    }

    /** Removes the chunks of {@code upload} (and frees their content); returns how many there were. */
    public static int delete(Connection c, String upload) throws SQLException {
        return ContentColumn.forConnection(c).delete(c, TABLE, UPLOAD, new Object[] {upload});
    }
}
