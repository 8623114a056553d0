package dev.portalkit.runtime.files.db;

import static dev.portalkit.runtime.files.db.DbRows.FILES;
import static dev.portalkit.runtime.files.db.DbRows.FILE_KEY;
import static dev.portalkit.runtime.files.db.DbRows.PARTS;
import static dev.portalkit.runtime.files.db.DbRows.PART_KEY;
import static dev.portalkit.runtime.files.db.DbRows.UPLOADS;
import static dev.portalkit.runtime.files.db.DbRows.UPLOAD_KEY;

import dev.portalkit.api.ErrorKind;
import dev.portalkit.api.files.Capability;
import dev.portalkit.api.files.FileData;
import dev.portalkit.api.files.FilesException;
import dev.portalkit.api.files.Location;
import dev.portalkit.api.files.MultipartData;
import dev.portalkit.api.files.MultipartUploads;
import dev.portalkit.api.files.Upload;
import dev.portalkit.api.files.Uploader;
import dev.portalkit.runtime.files.content.Hashing;
import java.io.InputStream;
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
import java.util.TreeMap;
import java.util.UUID;

/**
 * Writes files of a {@link DbStorage}: whole uploads and multipart uploads (parts in their own
 * table, joined into one row at completion).
 */
final class DbUploader implements Uploader, MultipartUploads {
    private final DbRows db;

    DbUploader(DbRows db) {
        this.db = db;
    }

    @Override
    public Set<Capability> capabilities() {
        return EnumSet.of(Capability.CREATE, Capability.MULTIPART);
    }

    @Override
    public FileData upload(Location location, Upload upload, boolean overwrite) {
        Object[] key = db.file(location);
        long size = db.inTransaction("cannot store " + location, c -> {
            if (overwrite) {
                db.column().delete(c, FILES, FILE_KEY, key);
            } else if (DbRows.size(c, FILES, FILE_KEY, key) >= 0) {
                throw FilesException.existingFile(db.name(), location);
            }
            try (InputStream in = upload.open()) {
                return db.column().insert(c, FILES, FILE_KEY, key, in);
            }
        });
        return new FileData(location, size, upload.contentType(), "", "", Map.of());
    }

    /** The multipart uploads are this class's own. */
    @Override
    public Optional<MultipartUploads> multipart() {
        return Optional.of(this);
    }

    @Override
    public MultipartData start(MultipartData data) {
        String id = UUID.randomUUID().toString();
        Object[] key = db.file(data.location());
        db.inTransaction("cannot start a multipart upload of " + data.location(), c -> {
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + UPLOADS + " (storage, upload_id, location) VALUES (?, ?, ?)")) {
                ps.setString(1, db.name());
                ps.setString(2, id);
                ps.setString(3, (String) key[1]);
                return ps.executeUpdate();
            }
        });
        return data.withStorageData(Map.of("upload_id", id, "parts", Map.of()));
    }

    @Override
    public MultipartData update(MultipartData data, int part, Upload content) {
        String id = uploadId(data);
        db.inTransaction("cannot store part " + part + " of " + data.location(), c -> {
            requireUpload(c, data, id);
            Object[] key = {db.name(), id, part};
            db.column().delete(c, PARTS, PART_KEY, key);
            try (InputStream in = content.open()) {
                return db.column().insert(c, PARTS, PART_KEY, key, in);
            }
        });
        return refresh(data);
    }

    @Override
    public MultipartData refresh(MultipartData data) {
        String id = uploadId(data);
        Map<Integer, Long> parts = db.inTransaction("cannot read the parts of " + data.location(), c -> {
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
    public FileData complete(MultipartData data) {
        String id = uploadId(data);
        Object[] target = db.file(data.location());
        MessageDigest digest = Hashing.digest(db.settings().hashingAlgorithm());
        long size = db.inTransaction("cannot assemble " + data.location(), c -> {
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
            if (db.settings().overwriteExisting()) {
                db.column().delete(c, FILES, FILE_KEY, target);
            } else if (DbRows.size(c, FILES, FILE_KEY, target) >= 0) {
                throw FilesException.existingFile(db.name(), data.location());
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
                        return db.column().open(c, PARTS, PART_KEY, new Object[] {db.name(), id, numbers.next()}, 0, Long.MAX_VALUE);
                    } catch (SQLException e) {
                        throw FilesException.backend(db.name(), "cannot read a part: " + e.getMessage(), e);
                    }
                }
            };
            long written;
            try (InputStream in = new DigestInputStream(new SequenceInputStream(streams), digest)) {
                written = db.column().insert(c, FILES, FILE_KEY, target, in);
            }
            db.column().delete(c, PARTS, UPLOAD_KEY, new Object[] {db.name(), id});
            deleteUpload(c, id);
            return written;
        });
        return new FileData(data.location(), size, data.contentType(), Hashing.hex(digest), db.settings().hashingAlgorithm(), Map.of());
    }

    @Override
    public void abort(MultipartData data) {
        String id = uploadId(data);
        db.inTransaction("cannot abort the multipart upload of " + data.location(), c -> {
            db.column().delete(c, PARTS, UPLOAD_KEY, new Object[] {db.name(), id});
            return deleteUpload(c, id);
        });
    }

    private int deleteUpload(Connection c, String id) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("DELETE FROM " + UPLOADS + " WHERE storage = ? AND upload_id = ?")) {
            ps.setString(1, db.name());
            ps.setString(2, id);
            return ps.executeUpdate();
        }
    }

    private String uploadId(MultipartData data) {
        db.file(data.location());
        Object id = data.storageData().get("upload_id");
        if (id == null) {
            throw new FilesException(ErrorKind.BAD_REQUEST, "not a multipart upload of storage " + db.name() + ": no upload_id");
        }
        return id.toString();
    }

    private void requireUpload(Connection c, MultipartData data, String id) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT location FROM " + UPLOADS + " WHERE storage = ? AND upload_id = ?")) {
            ps.setString(1, db.name());
            ps.setString(2, id);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next() || !rs.getString(1).equals(data.location().value())) {
                    throw new FilesException(ErrorKind.NOT_FOUND, "multipart upload " + id + " of " + data.location()
                            + " does not exist in storage " + db.name() + " (completed or aborted)");
                }
            }
        }
    }

    private Map<Integer, Long> parts(Connection c, String id) throws SQLException {
        Map<Integer, Long> parts = new TreeMap<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT part, size FROM " + PARTS + " WHERE storage = ? AND upload_id = ? ORDER BY part")) {
            ps.setString(1, db.name());
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
