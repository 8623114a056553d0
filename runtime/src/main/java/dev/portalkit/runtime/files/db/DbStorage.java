package dev.portalkit.runtime.files.db;

import dev.portalkit.api.ErrorKind;
import dev.portalkit.api.files.Capability;
import dev.portalkit.api.files.FileData;
import dev.portalkit.api.files.FileStat;
import dev.portalkit.api.files.FilesException;
import dev.portalkit.api.files.Location;
import dev.portalkit.api.files.Manager;
import dev.portalkit.api.files.MultipartData;
import dev.portalkit.api.files.StorageReader;
import dev.portalkit.api.files.Storage;
import dev.portalkit.api.files.StorageSettings;
import dev.portalkit.api.files.Upload;
import dev.portalkit.api.files.Uploader;
import dev.portalkit.runtime.files.ContentTypes;
import dev.portalkit.runtime.files.Hashing;
import dev.portalkit.runtime.files.LocationRules;
import dev.portalkit.runtime.files.Streams;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.SequenceInputStream;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.EnumSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.TreeMap;
import java.util.UUID;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;
import javax.sql.DataSource;

/**
 * {@code files:db}: file content in the portal database, in the files plugin's
 * {@code files_content} table, keyed by storage name and location. Content streams through JDBC
 * both ways, never loaded whole (see {@link ContentColumn}: BLOB on H2, large objects on
 * PostgreSQL).
 *
 * <p>Every operation takes its own pooled connection and commits its own transaction: storage
 * writes happen outside (and before) an action's transaction, like writes to any other backend. A
 * stream returned by {@code stream} / {@code range} / {@code scan} holds its connection until it
 * is closed.
 */
public final class DbStorage implements Storage {
    static final String FILES = "files_content";
    static final String UPLOADS = "files_content_upload";
    static final String PARTS = "files_content_part";
    private static final String[] FILE_KEY = {"storage", "location"};
    private static final String[] UPLOAD_KEY = {"storage", "upload_id"};
    private static final String[] PART_KEY = {"storage", "upload_id", "part"};

    private final StorageSettings settings;
    private final DataSource dataSource;
    private final ContentColumn column;
    private final boolean copiesInside;
    private final Uploader uploader = new DbUploader();
    private final StorageReader reader = new DbReader();
    private final Manager manager = new DbManager();

    DbStorage(StorageSettings settings, DataSource dataSource) {
        this.settings = settings;
        this.dataSource = dataSource;
        try (Connection c = dataSource.getConnection()) {
            this.column = ContentColumn.forConnection(c);
        } catch (SQLException e) {
            throw FilesException.backend(settings.name(), "cannot reach the portal database", e);
        }
        this.copiesInside = column instanceof ContentColumn.Blobs;
    }

    @Override
    public StorageSettings settings() {
        return settings;
    }

    @Override
    public Uploader uploader() {
        return uploader;
    }

    @Override
    public StorageReader reader() {
        return reader;
    }

    @Override
    public Manager manager() {
        return manager;
    }

    private String name() {
        return settings.name();
    }

    private Object[] file(Location location) {
        return new Object[] {settings.name(), LocationRules.check(location.value())};
    }

    // ---- transactions ---------------------------------------------------------------------------

    @FunctionalInterface
    private interface Work<T> {
        T run(Connection c) throws SQLException, IOException;
    }

    /** Runs {@code work} in a transaction of its own, on its own connection. */
    private <T> T inTransaction(String what, Work<T> work) {
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
    private InputStream openContent(String table, String[] keys, Object[] values, long start, long end) {
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

    private static long size(Connection c, String table, String[] keys, Object[] values) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT size FROM " + table + " WHERE " + ContentColumn.where(keys))) {
            ContentColumn.bind(ps, 1, values);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getLong(1) : -1;
            }
        }
    }

    private long storedSize(Location location) {
        return inTransaction("cannot read " + location, c -> size(c, FILES, FILE_KEY, file(location)));
    }

    // ---- services -------------------------------------------------------------------------------

    private final class DbUploader implements Uploader {
        @Override
        public Set<Capability> capabilities() {
            return EnumSet.of(Capability.CREATE, Capability.MULTIPART);
        }

        @Override
        public FileData upload(Location location, Upload upload, boolean overwrite) {
            Object[] key = file(location);
            long size = inTransaction("cannot store " + location, c -> {
                if (overwrite) {
                    column.delete(c, FILES, FILE_KEY, key);
                } else if (size(c, FILES, FILE_KEY, key) >= 0) {
                    throw FilesException.existingFile(name(), location);
                }
                try (InputStream in = upload.open()) {
                    return column.insert(c, FILES, FILE_KEY, key, in);
                }
            });
            return new FileData(location, size, upload.contentType(), "", "", Map.of());
        }

        @Override
        public MultipartData multipartStart(MultipartData data) {
            String id = UUID.randomUUID().toString();
            Object[] key = file(data.location());
            inTransaction("cannot start a multipart upload of " + data.location(), c -> {
                try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + UPLOADS + " (storage, upload_id, location) VALUES (?, ?, ?)")) {
                    ps.setString(1, name());
                    ps.setString(2, id);
                    ps.setString(3, (String) key[1]);
                    return ps.executeUpdate();
                }
            });
            return data.withStorageData(Map.of("upload_id", id, "parts", Map.of()));
        }

        @Override
        public MultipartData multipartUpdate(MultipartData data, int part, Upload content) {
            String id = uploadId(data);
            inTransaction("cannot store part " + part + " of " + data.location(), c -> {
                requireUpload(c, data, id);
                Object[] key = {name(), id, part};
                column.delete(c, PARTS, PART_KEY, key);
                try (InputStream in = content.open()) {
                    return column.insert(c, PARTS, PART_KEY, key, in);
                }
            });
            return multipartRefresh(data);
        }

        @Override
        public MultipartData multipartRefresh(MultipartData data) {
            String id = uploadId(data);
            Map<Integer, Long> parts = inTransaction("cannot read the parts of " + data.location(), c -> {
                requireUpload(c, data, id);
                return parts(c, id);
            });
            Map<String, Object> shown = new LinkedHashMap<>();
            parts.forEach((n, size) -> shown.put(Integer.toString(n), size));
            Map<String, Object> state = new LinkedHashMap<>(data.storageData());
            state.put("parts", shown);
            return data.withStorageData(state);
        }

        @Override
        public FileData multipartComplete(MultipartData data) {
            String id = uploadId(data);
            Object[] target = file(data.location());
            MessageDigest digest = Hashing.digest(settings.hashingAlgorithm());
            long size = inTransaction("cannot assemble " + data.location(), c -> {
                requireUpload(c, data, id);
                Map<Integer, Long> parts = parts(c, id);
                if (parts.isEmpty()) {
                    throw new FilesException(ErrorKind.BAD_REQUEST, "multipart upload of " + data.location() + " has no parts");
                }
                for (int n = 1; n <= parts.size(); n++) {
                    if (!parts.containsKey(n)) {
                        throw new FilesException(ErrorKind.BAD_REQUEST, "multipart upload of " + data.location() + ": part " + n
                                + " is missing");
                    }
                }
                if (settings.overwriteExisting()) {
                    column.delete(c, FILES, FILE_KEY, target);
                } else if (size(c, FILES, FILE_KEY, target) >= 0) {
                    throw FilesException.existingFile(name(), data.location());
                }
                // The parts, opened one after the other on this connection, straight into the new row.
                Iterator<Integer> numbers = parts.keySet().iterator();
                java.util.Enumeration<InputStream> streams = new java.util.Enumeration<>() {
                    @Override
                    public boolean hasMoreElements() {
                        return numbers.hasNext();
                    }

                    @Override
                    public InputStream nextElement() {
                        try {
                            return column.open(c, PARTS, PART_KEY, new Object[] {name(), id, numbers.next()}, 0, Long.MAX_VALUE);
                        } catch (SQLException e) {
                            throw FilesException.backend(name(), "cannot read a part: " + e.getMessage(), e);
                        }
                    }
                };
                long written;
                try (InputStream in = new DigestInputStream(new SequenceInputStream(streams), digest)) {
                    written = column.insert(c, FILES, FILE_KEY, target, in);
                }
                column.delete(c, PARTS, UPLOAD_KEY, new Object[] {name(), id});
                deleteUpload(c, id);
                return written;
            });
            return new FileData(data.location(), size, data.contentType(), Hashing.hex(digest), settings.hashingAlgorithm(), Map.of());
        }

        @Override
        public void multipartAbort(MultipartData data) {
            String id = uploadId(data);
            inTransaction("cannot abort the multipart upload of " + data.location(), c -> {
                column.delete(c, PARTS, UPLOAD_KEY, new Object[] {name(), id});
                return deleteUpload(c, id);
            });
        }

        private int deleteUpload(Connection c, String id) throws SQLException {
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM " + UPLOADS + " WHERE storage = ? AND upload_id = ?")) {
                ps.setString(1, name());
                ps.setString(2, id);
                return ps.executeUpdate();
            }
        }

        private String uploadId(MultipartData data) {
            file(data.location());
            Object id = data.storageData().get("upload_id");
            if (id == null) {
                throw new FilesException(ErrorKind.BAD_REQUEST, "not a multipart upload of storage " + name() + ": no upload_id");
            }
            return id.toString();
        }

        private void requireUpload(Connection c, MultipartData data, String id) throws SQLException {
            try (PreparedStatement ps = c.prepareStatement("SELECT location FROM " + UPLOADS + " WHERE storage = ? AND upload_id = ?")) {
                ps.setString(1, name());
                ps.setString(2, id);
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next() || !rs.getString(1).equals(data.location().value())) {
                        throw new FilesException(ErrorKind.NOT_FOUND, "multipart upload " + id + " of " + data.location()
                                + " does not exist in storage " + name() + " (completed or aborted)");
                    }
                }
            }
        }

        private Map<Integer, Long> parts(Connection c, String id) throws SQLException {
            Map<Integer, Long> parts = new TreeMap<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT part, size FROM " + PARTS + " WHERE storage = ? AND upload_id = ? ORDER BY part")) {
                ps.setString(1, name());
                ps.setString(2, id);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        parts.put(rs.getInt(1), rs.getLong(2));
                    }
                }
            }
            return parts;
        }
    }

    private final class DbReader implements StorageReader {
        @Override
        public Set<Capability> capabilities() {
            return EnumSet.of(Capability.STREAM, Capability.RANGE);
        }

        @Override
        public InputStream stream(FileData data) {
            return range(data, 0, Long.MAX_VALUE);
        }

        @Override
        public InputStream range(FileData data, long start, long end) {
            InputStream in = openContent(FILES, FILE_KEY, file(data.location()), start, end);
            if (in == null) {
                throw FilesException.missingFile(name(), data.location());
            }
            return in;
        }
    }

    private final class DbManager implements Manager {
        @Override
        public Set<Capability> capabilities() {
            EnumSet<Capability> caps = EnumSet.of(Capability.REMOVE, Capability.EXISTS, Capability.SCAN, Capability.ANALYZE,
                    Capability.MOVE);
            if (copiesInside) {
                caps.add(Capability.COPY);
            }
            return caps;
        }

        @Override
        public boolean remove(FileData data) {
            Object[] key = file(data.location());
            return inTransaction("cannot remove " + data.location(), c -> column.delete(c, FILES, FILE_KEY, key)) > 0;
        }

        @Override
        public boolean exists(FileData data) {
            return storedSize(data.location()) >= 0;
        }

        /** The content row's size and the time it was written ({@code created_at}; a move sets it). */
        @Override
        public Optional<FileStat> stat(FileData data) {
            Object[] key = file(data.location());
            return inTransaction("cannot read " + data.location(), c -> {
                try (PreparedStatement ps = c.prepareStatement("SELECT size, created_at FROM " + FILES + " WHERE "
                        + ContentColumn.where(FILE_KEY))) {
                    ContentColumn.bind(ps, 1, key);
                    try (ResultSet rs = ps.executeQuery()) {
                        if (!rs.next()) {
                            return Optional.<FileStat>empty();
                        }
                        java.time.OffsetDateTime created = rs.getObject(2, java.time.OffsetDateTime.class);
                        return Optional.of(new FileStat(rs.getLong(1), created == null ? null : created.toInstant()));
                    }
                }
            });
        }

        @Override
        public FileData copy(Location target, FileData source, boolean overwrite) {
            if (!copiesInside) {
                return Manager.super.copy(target, source, overwrite);
            }
            Object[] from = file(source.location());
            Object[] to = file(target);
            long size = inTransaction("cannot copy to " + target, c -> {
                long sourceSize = size(c, FILES, FILE_KEY, from);
                if (sourceSize < 0) {
                    throw FilesException.missingFile(name(), source.location());
                }
                if (overwrite) {
                    column.delete(c, FILES, FILE_KEY, to);
                } else if (size(c, FILES, FILE_KEY, to) >= 0) {
                    throw FilesException.existingFile(name(), target);
                }
                column.copyInside(c, FILES, FILE_KEY, from, to);
                return sourceSize;
            });
            return new FileData(target, size, source.contentType(), source.hash(), source.hashAlgorithm(), Map.of());
        }

        @Override
        public FileData move(Location target, FileData source, boolean overwrite) {
            Object[] from = file(source.location());
            Object[] to = file(target);
            long size = inTransaction("cannot move to " + target, c -> {
                long sourceSize = size(c, FILES, FILE_KEY, from);
                if (sourceSize < 0) {
                    throw FilesException.missingFile(name(), source.location());
                }
                if (overwrite) {
                    column.delete(c, FILES, FILE_KEY, to);
                } else if (size(c, FILES, FILE_KEY, to) >= 0) {
                    throw FilesException.existingFile(name(), target);
                }
                try (PreparedStatement ps = c.prepareStatement("UPDATE " + FILES + " SET location = ?, created_at = CURRENT_TIMESTAMP WHERE storage = ? AND location = ?")) {
                    ps.setString(1, target.value());
                    ps.setString(2, name());
                    ps.setString(3, source.location().value());
                    ps.executeUpdate();
                }
                return sourceSize;
            });
            return new FileData(target, size, source.contentType(), source.hash(), source.hashAlgorithm(), Map.of());
        }

        @Override
        public Stream<Location> scan() {
            Connection c = null;
            try {
                c = dataSource.getConnection();
                c.setAutoCommit(false);
                PreparedStatement ps = c.prepareStatement("SELECT location FROM " + FILES + " WHERE storage = ? ORDER BY location");
                ps.setFetchSize(500);
                ps.setString(1, name());
                ResultSet rs = ps.executeQuery();
                Connection held = c;
                Iterator<Location> rows = new Iterator<>() {
                    private Boolean ahead;

                    @Override
                    public boolean hasNext() {
                        if (ahead == null) {
                            try {
                                ahead = rs.next();
                            } catch (SQLException e) {
                                throw FilesException.backend(name(), "cannot list: " + e.getMessage(), e);
                            }
                        }
                        return ahead;
                    }

                    @Override
                    public Location next() {
                        if (!hasNext()) {
                            throw new java.util.NoSuchElementException();
                        }
                        ahead = null;
                        try {
                            return new Location(rs.getString(1));
                        } catch (SQLException e) {
                            throw FilesException.backend(name(), "cannot list: " + e.getMessage(), e);
                        }
                    }
                };
                return StreamSupport.stream(Spliterators.spliteratorUnknownSize(rows, Spliterator.ORDERED | Spliterator.NONNULL), false)
                        .onClose(() -> {
                            try {
                                ps.close();
                                held.rollback();
                                held.close();
                            } catch (SQLException e) {
                                throw FilesException.backend(name(), "cannot close a listing: " + e.getMessage(), e);
                            }
                        });
            } catch (SQLException e) {
                if (c != null) {
                    try {
                        c.close();
                    } catch (SQLException r) {
                        e.addSuppressed(r);
                    }
                }
                throw FilesException.backend(name(), "cannot list: " + e.getMessage(), e);
            }
        }

        @Override
        public FileData analyze(Location location) {
            InputStream in = openContent(FILES, FILE_KEY, file(location), 0, Long.MAX_VALUE);
            if (in == null) {
                throw FilesException.missingFile(name(), location);
            }
            MessageDigest digest = Hashing.digest(settings.hashingAlgorithm());
            try (in) {
                byte[] head = in.readNBytes(ContentTypes.SNIFF_BYTES);
                digest.update(head);
                long size = head.length + Streams.copy(in, OutputStream.nullOutputStream(), digest);
                String type = ContentTypes.detect(head, head.length, LocationRules.fileName(location.value()), null);
                return new FileData(location, size, type, Hashing.hex(digest), settings.hashingAlgorithm(), Map.of());
            } catch (IOException e) {
                throw FilesException.backend(name(), "cannot analyze " + location, e);
            }
        }
    }
}
