package dev.portalkit.runtime.files.db;

import static dev.portalkit.runtime.files.db.DbRows.FILES;
import static dev.portalkit.runtime.files.db.DbRows.FILE_KEY;

import dev.portalkit.api.files.Capability;
import dev.portalkit.api.files.FileData;
import dev.portalkit.api.files.FileStat;
import dev.portalkit.api.files.FilesException;
import dev.portalkit.api.files.Location;
import dev.portalkit.api.files.Manager;
import dev.portalkit.runtime.files.content.ContentTypes;
import dev.portalkit.runtime.files.content.Hashing;
import dev.portalkit.runtime.files.content.LocationRules;
import dev.portalkit.runtime.files.content.Streams;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.EnumSet;
import java.util.Iterator;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

/**
 * Manages the files of a {@link DbStorage}: remove, exists, stat, copy (inside the database where
 * it can), move, scan, analyze.
 */
final class DbManager implements Manager {
    private final DbRows db;
    private final boolean copiesInside;

    DbManager(DbRows db, boolean copiesInside) {
        this.db = db;
        this.copiesInside = copiesInside;
    }

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
        Object[] key = db.file(data.location());
        return db.inTransaction("cannot remove " + data.location(), c -> db.column().delete(c, FILES, FILE_KEY, key)) > 0;
    }

    @Override
    public boolean exists(FileData data) {
        return db.storedSize(data.location()) >= 0;
    }

    /** The content row's size and the time it was written ({@code created_at}; a move sets it). */
    @Override
    public Optional<FileStat> stat(FileData data) {
        Object[] key = db.file(data.location());
        return db.inTransaction("cannot read " + data.location(), c -> {
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
        Object[] from = db.file(source.location());
        Object[] to = db.file(target);
        long size = db.inTransaction("cannot copy to " + target, c -> {
            long sourceSize = DbRows.size(c, FILES, FILE_KEY, from);
            if (sourceSize < 0) {
                throw FilesException.missingFile(db.name(), source.location());
            }
            if (overwrite) {
                db.column().delete(c, FILES, FILE_KEY, to);
            } else if (DbRows.size(c, FILES, FILE_KEY, to) >= 0) {
                throw FilesException.existingFile(db.name(), target);
            }
            db.column().copyInside(c, FILES, FILE_KEY, from, to);
            return sourceSize;
        });
        return new FileData(target, size, source.contentType(), source.hash(), source.hashAlgorithm(), Map.of());
    }

    @Override
    public FileData move(Location target, FileData source, boolean overwrite) {
        Object[] from = db.file(source.location());
        Object[] to = db.file(target);
        long size = db.inTransaction("cannot move to " + target, c -> {
            long sourceSize = DbRows.size(c, FILES, FILE_KEY, from);
            if (sourceSize < 0) {
                throw FilesException.missingFile(db.name(), source.location());
            }
            if (overwrite) {
                db.column().delete(c, FILES, FILE_KEY, to);
            } else if (DbRows.size(c, FILES, FILE_KEY, to) >= 0) {
                throw FilesException.existingFile(db.name(), target);
            }
            try (PreparedStatement ps = c.prepareStatement("UPDATE " + FILES + " SET location = ?, created_at = CURRENT_TIMESTAMP WHERE storage = ? AND location = ?")) {
                ps.setString(1, target.value());
                ps.setString(2, db.name());
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
            c = db.dataSource().getConnection();
            c.setAutoCommit(false);
            PreparedStatement ps = c.prepareStatement("SELECT location FROM " + FILES + " WHERE storage = ? ORDER BY location");
            ps.setFetchSize(500);
            ps.setString(1, db.name());
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
                            throw FilesException.backend(db.name(), "cannot list: " + e.getMessage(), e);
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
                        throw FilesException.backend(db.name(), "cannot list: " + e.getMessage(), e);
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
                            throw FilesException.backend(db.name(), "cannot close a listing: " + e.getMessage(), e);
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
            throw FilesException.backend(db.name(), "cannot list: " + e.getMessage(), e);
        }
    }

    @Override
    public FileData analyze(Location location) {
        InputStream in = db.openContent(FILES, FILE_KEY, db.file(location), 0, Long.MAX_VALUE);
        if (in == null) {
            throw FilesException.missingFile(db.name(), location);
        }
        MessageDigest digest = Hashing.digest(db.settings().hashingAlgorithm());
        try (in) {
            byte[] head = in.readNBytes(ContentTypes.SNIFF_BYTES);
            digest.update(head);
            long size = head.length + Streams.copy(in, OutputStream.nullOutputStream(), digest);
            String type = ContentTypes.detect(head, head.length, LocationRules.fileName(location.value()), null);
            return new FileData(location, size, type, Hashing.hex(digest), db.settings().hashingAlgorithm(), Map.of());
        } catch (IOException e) {
            throw FilesException.backend(db.name(), "cannot analyze " + location, e);
        }
    }
}
