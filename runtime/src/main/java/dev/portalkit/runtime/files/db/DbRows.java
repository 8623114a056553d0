package dev.portalkit.runtime.files.db;

import dev.portalkit.api.ErrorKind;
import dev.portalkit.api.files.FilesException;
import dev.portalkit.api.files.Location;
import dev.portalkit.api.files.StorageSettings;
import dev.portalkit.runtime.files.content.LocationRules;
import java.io.IOException;
import java.io.InputStream;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import javax.sql.DataSource;

/**
 * The rows of a {@link DbStorage}: its tables and keys, and the transactions and content streams
 * its services run on, each on a pooled connection of its own.
 */
final class DbRows {
    static final String FILES = "files_content";
    static final String UPLOADS = "files_content_upload";
    static final String PARTS = "files_content_part";
    static final String[] FILE_KEY = {"storage", "location"};
    static final String[] UPLOAD_KEY = {"storage", "upload_id"};
    static final String[] PART_KEY = {"storage", "upload_id", "part"};

    private final StorageSettings settings;
    private final DataSource dataSource;
    private final ContentColumn column;

    DbRows(StorageSettings settings, DataSource dataSource, ContentColumn column) {
        this.settings = settings;
        this.dataSource = dataSource;
        this.column = column;
    }

    StorageSettings settings() {
        return settings;
    }

    DataSource dataSource() {
        return dataSource;
    }

    ContentColumn column() {
        return column;
    }

    String name() {
        return settings.name();
    }

    Object[] file(Location location) {
        return new Object[] {settings.name(), LocationRules.check(location.value())};
    }

    // ---- transactions ---------------------------------------------------------------------------

    @FunctionalInterface
    interface Work<T> {
        T run(Connection c) throws SQLException, IOException;
    }

    /** Runs {@code work} in a transaction of its own, on its own connection. */
    <T> T inTransaction(String what, Work<T> work) {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try {
                T result = work.run(c);
                c.commit();
                return result;
            } catch (SQLException | IOException | RuntimeException | Error e) {
                try {
                    c.rollback();
                } catch (SQLException r) {
                    e.addSuppressed(r);
                }
                throw e;
            }
        } catch (SQLException e) {
            if ("23505".equals(e.getSQLState())) {
                throw new FilesException(ErrorKind.ALREADY_EXISTS, what + ": a file is at that location in storage " + name());
            }
            throw FilesException.backend(name(), what + ": " + e.getMessage(), e);
        } catch (IOException e) {
            throw FilesException.backend(name(), what + ": " + e.getMessage(), e);
        }
    }

    /**
     * A stream over a row's content that holds a connection (and its read transaction) until
     * closed; {@code null} when there is no such row.
     */
    InputStream openContent(String table, String[] keys, Object[] values, long start, long end) {
        Connection c = null;
        try {
            c = dataSource.getConnection();
            c.setAutoCommit(false);
            InputStream in = column.open(c, table, keys, values, start, end);
            if (in == null) {
                c.rollback();
                c.close();
                return null;
            }
            Connection held = c;
            return new InputStream() {
                private boolean closed;

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
                    if (closed) {
                        return;
                    }
                    closed = true;
                    try {
                        in.close();
                    } finally {
                        try {
                            held.commit();
                            held.close();
                        } catch (SQLException e) {
                            throw new IOException(e);
                        }
                    }
                }
            };
        } catch (SQLException | RuntimeException e) {
            if (c != null) {
                try {
                    c.rollback();
                    c.close();
                } catch (SQLException r) {
                    e.addSuppressed(r);
                }
            }
            throw e instanceof RuntimeException re ? re : FilesException.backend(name(), "cannot read: " + e.getMessage(), e);
        }
    }

    static long size(Connection c, String table, String[] keys, Object[] values) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT size FROM " + table + " WHERE " + ContentColumn.where(keys))) {
            ContentColumn.bind(ps, 1, values);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getLong(1) : -1;
            }
        }
    }

    long storedSize(Location location) {
        return inTransaction("cannot read " + location, c -> size(c, FILES, FILE_KEY, file(location)));
    }
}
