package dev.portalkit.runtime.files.db;

import dev.portalkit.runtime.files.content.Streams;
import java.io.IOException;
import java.io.InputStream;
import java.sql.Blob;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import dev.portalkit.runtime.files.content.BlockInputStream;
import org.postgresql.PGConnection;
import org.postgresql.largeobject.LargeObject;
import org.postgresql.largeobject.LargeObjectManager;

/**
 * How file content lives in a {@code content} column and streams through JDBC, per database.
 * Every method works inside the caller's transaction on the caller's connection; rows are
 * addressed by key columns and values ({@code storage, location} or {@code storage, upload_id, part}).
 */
abstract class ContentColumn {
    /** Streams {@code content} into a new row; returns the bytes written. */
    abstract long insert(Connection c, String table, String[] keys, Object[] values, InputStream content)
            throws SQLException, IOException;

    /**
     * Bytes {@code start..end} of a row's content, or {@code null} when there is no such row.
     * The stream reads through {@code c}: keep the connection until the stream is closed.
     */
    abstract InputStream open(Connection c, String table, String[] keys, Object[] values, long start, long end)
            throws SQLException;

    /** Deletes the rows matching the key prefix and frees their content; returns how many. */
    abstract int delete(Connection c, String table, String[] keys, Object[] values) throws SQLException;

    /** Copies a row's content into a new row inside the database, if the database can (else false). */
    boolean copyInside(Connection c, String table, String[] keys, Object[] from, Object[] to) throws SQLException {
        return false;
    }

    static ContentColumn forConnection(Connection c) throws SQLException {
        String product = c.getMetaData().getDatabaseProductName().toLowerCase(java.util.Locale.ROOT);
        if (!product.contains("postgres")) {
            return new Blobs();
        }
        // An application server's pooled connection may not unwrap to the driver's class of this class loader
        // (WildFly's datasource: the driver is a module): then the server-side large-object functions do the same.
        return c.isWrapperFor(PGConnection.class) ? new LargeObjects() : new LargeObjectFunctions();
    }

    static String where(String[] keys) {
        List<String> parts = new ArrayList<>();
        for (String k : keys) {
            parts.add(k + " = ?");
        }
        return String.join(" AND ", parts);
    }

    static void bind(PreparedStatement ps, int from, Object[] values) throws SQLException {
        for (int i = 0; i < values.length; i++) {
            ps.setObject(from + i, values[i]);
        }
    }

    /** Counts what passes. */
    static final class Counting extends InputStream {
        private final InputStream in;
        long count;

        Counting(InputStream in) {
            this.in = in;
        }

        @Override
        public int read() throws IOException {
            int b = in.read();
            if (b >= 0) {
                count++;
            }
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = in.read(b, off, len);
            if (n > 0) {
                count += n;
            }
            return n;
        }

        @Override
        public void close() throws IOException {
            in.close();
        }
    }

    /**
     * H2: a {@code BLOB} column. {@code setBinaryStream} without a length streams the content into
     * H2's LOB storage; {@code Blob.getBinaryStream(pos, length)} streams a range back out.
     */
    static final class Blobs extends ContentColumn {
        @Override
        long insert(Connection c, String table, String[] keys, Object[] values, InputStream content) throws SQLException {
            Counting counting = new Counting(content);
            String columns = String.join(", ", keys);
            String marks = "?, ".repeat(keys.length);
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + table + " (" + columns + ", size, content) VALUES ("
                    + marks + "0, ?)")) {
                bind(ps, 1, values);
                ps.setBinaryStream(keys.length + 1, counting);
                ps.executeUpdate();
            }
            try (PreparedStatement ps = c.prepareStatement("UPDATE " + table + " SET size = ? WHERE " + where(keys))) {
                ps.setLong(1, counting.count);
                bind(ps, 2, values);
                ps.executeUpdate();
            }
            return counting.count;
        }

        @Override
        InputStream open(Connection c, String table, String[] keys, Object[] values, long start, long end) throws SQLException {
            PreparedStatement ps = c.prepareStatement("SELECT content, size FROM " + table + " WHERE " + where(keys));
            try {
                bind(ps, 1, values);
                ResultSet rs = ps.executeQuery();
                if (!rs.next()) {
                    ps.close();
                    return null;
                }
                Blob blob = rs.getBlob(1);
                long size = rs.getLong(2);
                long from = Math.min(start, size);
                long length = Math.max(0, Math.min(end, size) - from);
                InputStream in = length == 0 ? InputStream.nullInputStream()
                        : from == 0 && length == size ? blob.getBinaryStream() : blob.getBinaryStream(from + 1, length);
                return new InputStream() {
                    @Override
                    public int read() throws IOException {
                        return in.read();
                    }

                    @Override
                    public int read(byte[] b, int off, int len) throws IOException {
                        return in.read(b, off, len);
                    }

                    @Override
                    public long skip(long n) throws IOException {
                        return in.skip(n);
                    }

                    @Override
                    public void close() throws IOException {
                        try {
                            in.close();
                        } finally {
                            try {
                                ps.close();
                            } catch (SQLException e) {
                                throw new IOException(e);
                            }
                        }
                    }
                };
            } catch (SQLException | RuntimeException e) {
                ps.close();
                throw e;
            }
        }

        @Override
        int delete(Connection c, String table, String[] keys, Object[] values) throws SQLException {
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM " + table + " WHERE " + where(keys))) {
                bind(ps, 1, values);
                return ps.executeUpdate();
            }
        }

        @Override
        boolean copyInside(Connection c, String table, String[] keys, Object[] from, Object[] to) throws SQLException {
            String columns = String.join(", ", keys);
            String marks = String.join(", ", java.util.Collections.nCopies(keys.length, "?"));
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + table + " (" + columns + ", size, content) SELECT "
                    + marks + ", size, content FROM " + table + " WHERE " + where(keys))) {
                bind(ps, 1, to);
                bind(ps, keys.length + 1, from);
                return ps.executeUpdate() == 1;
            }
        }
    }

    /**
     * PostgreSQL: an {@code OID} column referring to a large object, written and read with the
     * large-object API in {@value Streams#BUFFER}-byte calls (lo_write / lo_read over the fast-path
     * protocol), positioned with lo_lseek64 for ranges. Large objects live in the transaction: a
     * rolled-back write leaves nothing; deleting a row unlinks its object in the same transaction.
     */
    static class LargeObjects extends ContentColumn {
        @Override
        final long insert(Connection c, String table, String[] keys, Object[] values, InputStream content) throws SQLException, IOException {
            long oid = create(c);
            long size = write(c, oid, content);
            String columns = String.join(", ", keys);
            String marks = "?, ".repeat(keys.length);
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + table + " (" + columns + ", size, content) VALUES ("
                    + marks + "?, ?::oid)")) {
                bind(ps, 1, values);
                ps.setLong(keys.length + 1, size);
                ps.setLong(keys.length + 2, oid);
                ps.executeUpdate();
            }
            return size;
        }

        @Override
        final InputStream open(Connection c, String table, String[] keys, Object[] values, long start, long end) throws SQLException {
            long oid;
            long size;
            try (PreparedStatement ps = c.prepareStatement("SELECT content, size FROM " + table + " WHERE " + where(keys))) {
                bind(ps, 1, values);
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        return null;
                    }
                    oid = rs.getLong(1);
                    size = rs.getLong(2);
                }
            }
            long from = Math.min(start, size);
            long length = Math.max(0, Math.min(end, size) - from);
            return length == 0 ? InputStream.nullInputStream() : read(c, oid, from, length);
        }

        private static LargeObjectManager manager(Connection c) throws SQLException {
            return c.unwrap(PGConnection.class).getLargeObjectAPI();
        }

        /** A new, empty large object. */
        long create(Connection c) throws SQLException {
            return manager(c).createLO(LargeObjectManager.READWRITE);
        }

        /** Streams {@code content} into the large object {@code oid}; returns the bytes written. */
        long write(Connection c, long oid, InputStream content) throws SQLException, IOException {
            long size = 0;
            try (LargeObject lo = manager(c).open(oid, LargeObjectManager.WRITE)) {
                byte[] buffer = new byte[Streams.BUFFER];
                int n;
                while ((n = content.readNBytes(buffer, 0, buffer.length)) > 0) {
                    lo.write(buffer, 0, n);
                    size += n;
                }
            }
            return size;
        }

        /** {@code length} bytes (at least one) of the large object {@code oid} from byte {@code from}. */
        InputStream read(Connection c, long oid, long from, long length) throws SQLException {
            LargeObject lo = manager(c).open(oid, LargeObjectManager.READ);
            if (from > 0) {
                lo.seek64(from, LargeObject.SEEK_SET);
            }
            return new BlockInputStream() {
                private long left = length;

                @Override
                public int read(byte[] b, int off, int len) throws IOException {
                    if (len == 0) {
                        return 0;
                    }
                    if (left <= 0) {
                        return -1;
                    }
                    try {
                        int n = lo.read(b, off, (int) Math.min(Math.min(len, Streams.BUFFER), left));
                        if (n <= 0) {
                            left = 0;
                            return -1;
                        }
                        left -= n;
                        return n;
                    } catch (SQLException e) {
                        throw new IOException(e);
                    }
                }

                @Override
                public void close() throws IOException {
                    try {
                        lo.close();
                    } catch (SQLException e) {
                        throw new IOException(e);
                    }
                }
            };
        }

        @Override
        int delete(Connection c, String table, String[] keys, Object[] values) throws SQLException {
            try (PreparedStatement ps = c.prepareStatement("SELECT lo_unlink(content) FROM " + table + " WHERE " + where(keys))) {
                bind(ps, 1, values);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        // each row unlinks its large object
                    }
                }
            }
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM " + table + " WHERE " + where(keys))) {
                bind(ps, 1, values);
                return ps.executeUpdate();
            }
        }
    }

    /**
     * PostgreSQL large objects through the server's functions ({@code lo_create}, {@code lo_put},
     * {@code lo_get}, {@code lo_unlink}) in {@value Streams#BUFFER}-byte calls: for connections that
     * do not unwrap to the driver's {@link PGConnection}. Same column, same transactions as {@link LargeObjects}.
     */
    static final class LargeObjectFunctions extends LargeObjects {
        @Override
        long create(Connection c) throws SQLException {
            try (PreparedStatement ps = c.prepareStatement("SELECT lo_create(0)"); ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }

        @Override
        long write(Connection c, long oid, InputStream content) throws SQLException, IOException {
            long size = 0;
            byte[] buffer = new byte[Streams.BUFFER];
            try (PreparedStatement put = c.prepareStatement("SELECT lo_put(?::oid, ?, ?)")) {
                int n;
                while ((n = content.readNBytes(buffer, 0, buffer.length)) > 0) {
                    put.setLong(1, oid);
                    put.setLong(2, size);
                    put.setBytes(3, n == buffer.length ? buffer : java.util.Arrays.copyOf(buffer, n));
                    put.execute();
                    size += n;
                }
            }
            return size;
        }

        @Override
        InputStream read(Connection c, long oid, long from, long length) {
            return new BlockInputStream() {
                private long position = from;
                private long left = length;
                private byte[] chunk = new byte[0];
                private int at;

                @Override
                public int read(byte[] b, int off, int len) throws IOException {
                    if (len == 0) {
                        return 0;
                    }
                    if (at == chunk.length) {
                        if (left <= 0) {
                            return -1;
                        }
                        try (PreparedStatement get = c.prepareStatement("SELECT lo_get(?::oid, ?, ?)")) {
                            get.setLong(1, oid);
                            get.setLong(2, position);
                            get.setInt(3, (int) Math.min(Streams.BUFFER, left));
                            try (ResultSet rs = get.executeQuery()) {
                                rs.next();
                                chunk = rs.getBytes(1);
                            }
                        } catch (SQLException e) {
                            throw new IOException(e);
                        }
                        at = 0;
                        if (chunk == null || chunk.length == 0) {
                            left = 0;
                            return -1;
                        }
                        position += chunk.length;
                        left -= chunk.length;
                    }
                    int n = Math.min(len, chunk.length - at);
                    System.arraycopy(chunk, at, b, off, n);
                    at += n;
                    return n;
                }
            };
        }
    }
}
