package dev.portalkit.runtime.files.tracked;

import dev.portalkit.api.ErrorKind;
import dev.portalkit.api.PortalException;
import dev.portalkit.api.ValidationException;
import dev.portalkit.api.action.ActionContext;
import dev.portalkit.api.action.UserRef;
import dev.portalkit.api.files.FileData;
import dev.portalkit.api.event.EntityEvent.Entity;
import dev.portalkit.api.event.EntityEvent.Operation;
import dev.portalkit.api.files.Location;
import dev.portalkit.runtime.Json;
import dev.portalkit.runtime.action.FieldFailure;
import dev.portalkit.runtime.db.DatabaseFailures;
import jakarta.persistence.EntityManager;
import jakarta.persistence.EntityNotFoundException;
import jakarta.persistence.LockModeType;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * The File API's tables in the current action's transaction: files, owners, transfers, the
 * storage-data index and multipart uploads; and the dicts clients see.
 */
final class FileStore {
    /** The seed's timestamps: UTC with microseconds and an explicit offset. */
    private static final DateTimeFormatter TIMESTAMP = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSSxxx")
            .withZone(ZoneOffset.UTC);
    static final int MAX_INDEXED_VALUE = 512;
    static final int MAX_INDEXED_PATH = 500;

    private final FileApi.Host host;

    FileStore(FileApi.Host host) {
        this.host = host;
    }

    EntityManager em() {
        return host.em();
    }

    /** Runs {@code work} in the current transaction, or in a short one (validators called outside an action). */
    <T> T read(java.util.function.Supplier<T> work) {
        return host.inTransaction(work);
    }

    static Instant now() {
        return Instant.now().truncatedTo(ChronoUnit.MICROS);
    }

    static String timestamp(Instant instant) {
        return instant == null ? null : TIMESTAMP.format(instant);
    }

    /** Writes pending changes now, so that a lost race (a unique index, a row changed meanwhile) is a CONFLICT, not an internal error. */
    void flush() {
        DatabaseFailures.flush(em());
    }

    // ---- files -----------------------------------------------------------------------------------

    FileRecord file(String id) {
        return id == null || id.isBlank() ? null : em().find(FileRecord.class, id.strip());
    }

    /** The columns of {@code files_file} a download needs ({@link FileApi#downloadable}). */
    private static final String FILE_TO_READ = "SELECT id, name, location, storage, size, content_type, hash, hash_algorithm,"
            + " storage_data, mtime FROM files_file WHERE id = ?";

    /**
     * The file {@code id} to read from (a download), or null: the entity when this transaction's
     * entity manager is open (it may hold the file, or a change of it, already); else, in a deferred
     * transaction that has not opened it, the row read by plain JDBC into a detached record (only
     * the columns a download needs): committed data, kept between downloads while the row does not
     * change ({@link dev.portalkit.runtime.db.Transactions#cached}).
     */
    FileRecord fileToRead(String id) {
        dev.portalkit.runtime.db.Transactions plain = host.transactions();
        if (plain == null || plain.entityManagerOpen() || id == null || id.isBlank()) {
            return file(id);
        }
        FileRow row = plain.cached(downloadRows(plain), id.strip(), (c, key) -> {
            try (java.sql.PreparedStatement q = c.prepareStatement(FILE_TO_READ)) {
                q.setString(1, key);
                try (java.sql.ResultSet r = q.executeQuery()) {
                    if (!r.next()) {
                        return null;
                    }
                    java.time.OffsetDateTime mtime = r.getObject(10, java.time.OffsetDateTime.class);
                    return new FileRow(r.getString(1), r.getString(2), r.getString(3), r.getString(4), r.getLong(5),
                            r.getString(6), r.getString(7), r.getString(8), r.getString(9), mtime == null ? null : mtime.toInstant());
                }
            }
        });
        return row == null ? null : row.record();
    }

    /** The columns of a file's row a download reads, as kept between downloads (a record is mutable). */
    private record FileRow(String id, String name, String location, String storage, long size, String contentType,
                           String hash, String hashAlgorithm, String storageData, Instant mtime) {
        FileRecord record() {
            FileRecord f = new FileRecord();
            f.id = id;
            f.name = name;
            f.location = location;
            f.storage = storage;
            f.size = size;
            f.contentType = contentType;
            f.hash = hash;
            f.hashAlgorithm = hashAlgorithm;
            f.storageData = storageData;
            f.mtime = mtime;
            return f;
        }
    }

    /** Files' rows for downloads by id, while they do not change, and the transactions they were read in. */
    private volatile DownloadRows downloadRows;

    private record DownloadRows(dev.portalkit.runtime.db.Transactions transactions,
                                dev.portalkit.runtime.db.RowCache<FileRow> rows) {
    }

    private dev.portalkit.runtime.db.RowCache<FileRow> downloadRows(dev.portalkit.runtime.db.Transactions transactions) {
        DownloadRows kept = downloadRows;
        if (kept == null || kept.transactions() != transactions) {
            kept = new DownloadRows(transactions, transactions.cache("files_file"));
            downloadRows = kept;
        }
        return kept.rows();
    }

    /** The file whose id is {@code data.get(key)}: a validation error when missing, NOT_FOUND when unknown. */
    FileRecord requireFile(Map<String, Object> data, String key) {
        String id = requireString(data, key);
        FileRecord f = file(id);
        if (f == null) {
            throw new FieldFailure(ErrorKind.NOT_FOUND, key, "File not found: " + id, null);
        }
        return f;
    }

    /**
     * The file whose id is {@code data.get(key)}, its row locked until the transaction ends and
     * re-read, with its owner: every action that changes a file takes this lock first (and the auth
     * functions of those actions, so that they decide on the current owner), so competing changes of
     * one file run one after the other and a loser finds the file gone (NOT_FOUND) or changed,
     * instead of failing on a row that vanished under it.
     */
    FileRecord lockFile(Map<String, Object> data, String key) {
        String id = requireString(data, key);
        FileRecord f = lockedFile(id);
        if (f == null) {
            throw new FieldFailure(ErrorKind.NOT_FOUND, key, "File not found: " + id, null);
        }
        return f;
    }

    /** {@link #lockFile} by id: the locked, re-read file, or {@code null} when there is none (any more). */
    FileRecord lockedFile(String id) {
        EntityManager em = em();
        flush(); // a refresh must not drop this transaction's own pending changes
        FileRecord f = em.find(FileRecord.class, id);
        if (f != null) {
            try {
                em.refresh(f, LockModeType.PESSIMISTIC_WRITE);
            } catch (EntityNotFoundException e) {
                em.detach(f);
                f = null;
            }
        }
        if (f == null) {
            return null;
        }
        // The owner row changes only under this lock: read it again now that competitors are done.
        FileOwnerRecord o = em.find(FileOwnerRecord.class, id);
        if (o != null) {
            try {
                em.refresh(o);
            } catch (EntityNotFoundException e) {
                em.detach(o);
            }
        }
        return f;
    }

    FileOwnerRecord owner(String fileId) {
        return em().find(FileOwnerRecord.class, fileId);
    }

    /** The file tracked at {@code location} of {@code storage}, or {@code null}. */
    FileRecord tracked(String storage, String location) {
        List<FileRecord> rows = em().createQuery("SELECT f FROM FileRecord f WHERE f.storage = :s AND f.location = :l", FileRecord.class)
                .setParameter("s", storage).setParameter("l", location).setMaxResults(1).getResultList();
        return rows.isEmpty() ? null : rows.get(0);
    }

    /** Which of {@code locations} are tracked in {@code storage}. */
    Set<String> trackedAmong(String storage, Collection<String> locations) {
        if (locations.isEmpty()) {
            return Set.of();
        }
        return new LinkedHashSet<>(em().createQuery("SELECT f.location FROM FileRecord f WHERE f.storage = :s AND f.location IN :l",
                String.class).setParameter("s", storage).setParameter("l", locations).getResultList());
    }

    /**
     * Tracks stored content as a new file, owned by {@code owner} (type, id) or by nobody; the first
     * owner is the first entry of the file's transfer history.
     */
    FileRecord insert(String storage, String name, FileData data, Owner owner, ActionContext ctx) {
        if (tracked(storage, data.location().value()) != null) {
            throw ValidationException.of("location", "Location " + data.location() + " of storage " + storage
                    + " is tracked already");
        }
        host.entityHooks().before(ctx, Entity.FILE, Operation.CREATE, () -> {
            Map<String, Object> planned = new LinkedHashMap<>();
            planned.put("storage", storage);
            planned.put("name", name);
            planned.put("location", data.location().value());
            planned.put("size", data.size());
            planned.put("content_type", data.contentType());
            planned.put("hash", data.hash());
            planned.put("owner_type", owner == null ? null : owner.type());
            planned.put("owner_id", owner == null ? null : owner.id());
            return planned;
        });
        FileRecord f = new FileRecord();
        f.id = UUID.randomUUID().toString();
        f.name = name;
        f.location = data.location().value();
        f.storage = storage;
        f.size = data.size();
        f.contentType = data.contentType();
        f.hash = data.hash() == null ? "" : data.hash();
        f.hashAlgorithm = data.hashAlgorithm() == null ? "" : data.hashAlgorithm();
        f.storageData = Json.write(data.storageData());
        f.ctime = now();
        em().persist(f);
        flush();
        index(f.id, data.storageData());
        if (owner != null) {
            setOwner(f, owner, false, ctx);
        }
        flush();
        host.entityHooks().after(ctx, Entity.FILE, Operation.CREATE, () -> dict(f));
        return f;
    }

    /** Removes the file's record, owner, transfer history and storage-data index (not its bytes). */
    void delete(FileRecord f) {
        for (String entity : List.of("StorageDataRecord", "FileTransferRecord")) {
            em().createQuery("DELETE FROM " + entity + " x WHERE x.fileId = :id").setParameter("id", f.id).executeUpdate();
        }
        FileOwnerRecord o = owner(f.id);
        if (o != null) {
            em().remove(o);
        }
        em().remove(f);
        flush();
    }

    /** Changes the owner (recording the transfer) and the pin. */
    void setOwner(FileRecord f, Owner next, boolean pinned, ActionContext ctx) {
        FileOwnerRecord o = owner(f.id);
        Owner previous = o == null ? null : new Owner(o.ownerType, o.ownerId);
        if (next == null) {
            if (o != null) {
                em().remove(o);
            }
        } else if (o == null) {
            o = new FileOwnerRecord();
            o.fileId = f.id;
            o.ownerType = next.type();
            o.ownerId = next.id();
            o.pinned = pinned;
            em().persist(o);
        } else {
            o.ownerType = next.type();
            o.ownerId = next.id();
            o.pinned = pinned;
        }
        if (!java.util.Objects.equals(previous, next)) {
            FileTransferRecord t = new FileTransferRecord();
            t.id = UUID.randomUUID().toString();
            t.fileId = f.id;
            t.actorId = ctx.user().map(UserRef::id).orElse(null);
            t.actorName = ctx.user().map(UserRef::name).orElse(null);
            t.fromType = previous == null ? null : previous.type();
            t.fromId = previous == null ? null : previous.id();
            t.toType = next == null ? null : next.type();
            t.toId = next == null ? null : next.id();
            t.transferredAt = now();
            em().persist(t);
        }
        flush();
    }

    /** The transfer history of a file, oldest first. */
    List<FileTransferRecord> transfers(String fileId) {
        return em().createQuery("SELECT t FROM FileTransferRecord t WHERE t.fileId = :f ORDER BY t.transferredAt, t.id", FileTransferRecord.class)
                .setParameter("f", fileId).getResultList();
    }

    // ---- verification (files verify, the orphan sweep) ---------------------------------------------

    /** Up to {@code limit} files of {@code storage} with ids after {@code afterId} (null: from the first), by id. */
    List<FileRecord> filesAfter(String storage, String afterId, int limit) {
        var query = em().createQuery("SELECT f FROM FileRecord f WHERE f.storage = :s" + (afterId == null ? "" : " AND f.id > :a")
                + " ORDER BY f.id", FileRecord.class).setParameter("s", storage).setMaxResults(limit);
        if (afterId != null) {
            query.setParameter("a", afterId);
        }
        return query.getResultList();
    }

    /** Sets (or with null clears) why a file is broken; false when the file is gone. */
    boolean markBroken(String fileId, String reason) {
        return em().createQuery("UPDATE FileRecord f SET f.broken = :b WHERE f.id = :id").setParameter("b", reason)
                .setParameter("id", fileId).executeUpdate() == 1;
    }

    /** Unfinished multipart uploads of {@code storages} started before {@code cutoff}, oldest first. */
    List<MultipartRecord> multipartsBefore(java.time.Instant cutoff, Collection<String> storages) {
        return em().createQuery("SELECT m FROM MultipartRecord m WHERE m.ctime < :c AND m.storage IN :s ORDER BY m.ctime, m.id",
                MultipartRecord.class).setParameter("c", cutoff).setParameter("s", storages).getResultList();
    }

    /** Whether an unfinished multipart upload goes to {@code location} of {@code storage}. */
    boolean multipartAt(String storage, String location) {
        return !em().createQuery("SELECT m.id FROM MultipartRecord m WHERE m.storage = :s AND m.location = :l", String.class)
                .setParameter("s", storage).setParameter("l", location).setMaxResults(1).getResultList().isEmpty();
    }

    // ---- storage data index ----------------------------------------------------------------------

    /** Replaces the storage-data index of a file whose storage data changed. */
    void reindex(String fileId, Map<String, Object> storageData) {
        em().createQuery("DELETE FROM StorageDataRecord x WHERE x.fileId = :id").setParameter("id", fileId).executeUpdate();
        index(fileId, storageData);
    }

    private void index(String fileId, Map<String, Object> storageData) {
        Map<String, List<String>> flat = new LinkedHashMap<>();
        flatten("", storageData, flat);
        flat.forEach((path, values) -> {
            for (String value : new LinkedHashSet<>(values)) {
                StorageDataRecord r = new StorageDataRecord();
                r.id = UUID.randomUUID().toString();
                r.fileId = fileId;
                r.dataKey = path;
                r.dataValue = value;
                em().persist(r);
            }
        });
    }

    /**
     * Scalars of JSON-friendly {@code value} by dotted path ({@code {"a": {"b": 1}}} gives
     * {@code a.b -> ["1"]}); list items share their list's path; long paths and values are left out.
     */
    static void flatten(String path, Object value, Map<String, List<String>> out) {
        if (value instanceof Map<?, ?> map) {
            map.forEach((k, v) -> flatten(path.isEmpty() ? String.valueOf(k) : path + "." + k, v, out));
        } else if (value instanceof Collection<?> list) {
            list.forEach(v -> flatten(path, v, out));
        } else if (value != null && !path.isEmpty() && path.length() <= MAX_INDEXED_PATH) {
            String text = scalarText(value);
            if (text.length() <= MAX_INDEXED_VALUE) {
                out.computeIfAbsent(path, k -> new ArrayList<>()).add(text);
            }
        }
    }

    /** The text a scalar is indexed and searched by: numbers canonical ({@code 5}, {@code 5.0} alike), booleans {@code true/false}. */
    static String scalarText(Object value) {
        if (value instanceof Number n) {
            try {
                BigDecimal d = new BigDecimal(n.toString()).stripTrailingZeros();
                return d.scale() < 0 ? d.setScale(0).toPlainString() : d.toPlainString();
            } catch (NumberFormatException e) {
                return n.toString();
            }
        }
        return String.valueOf(value);
    }

    // ---- multipart -------------------------------------------------------------------------------

    MultipartRecord multipart(String id) {
        return id == null || id.isBlank() ? null : em().find(MultipartRecord.class, id.strip());
    }

    MultipartRecord requireMultipart(Map<String, Object> data, String key) {
        String id = requireString(data, key);
        MultipartRecord m = multipart(id);
        if (m == null) {
            throw new FieldFailure(ErrorKind.NOT_FOUND, key, "Multipart upload not found: " + id, null);
        }
        return m;
    }

    /**
     * Unfinished multipart uploads, oldest first: of {@code storage} ({@code null}: every storage),
     * started before {@code startedBefore} ({@code null}: any time). For operators ({@code
     * files_multipart_list}, {@code files scan -u}) and maintenance ({@code files verify}).
     */
    List<MultipartRecord> multipartUploads(String storage, Instant startedBefore, int first, int max) {
        var query = em().createQuery("SELECT m FROM MultipartRecord m WHERE 1 = 1" + multipartFilter(storage, startedBefore)
                + " ORDER BY m.ctime, m.id", MultipartRecord.class).setFirstResult(first).setMaxResults(max);
        if (storage != null) {
            query.setParameter("s", storage);
        }
        if (startedBefore != null) {
            query.setParameter("before", startedBefore);
        }
        return query.getResultList();
    }

    /** How many {@link #multipartUploads} there are. */
    long countMultipartUploads(String storage, Instant startedBefore) {
        var query = em().createQuery("SELECT COUNT(m) FROM MultipartRecord m WHERE 1 = 1" + multipartFilter(storage, startedBefore), Long.class);
        if (storage != null) {
            query.setParameter("s", storage);
        }
        if (startedBefore != null) {
            query.setParameter("before", startedBefore);
        }
        return query.getSingleResult();
    }

    private static String multipartFilter(String storage, Instant startedBefore) {
        return (storage == null ? "" : " AND m.storage = :s") + (startedBefore == null ? "" : " AND m.ctime < :before");
    }

    /** The multipart dict with what arrived so far: {@code received} bytes in {@code parts_received} parts. */
    static Map<String, Object> multipartProgress(MultipartRecord m) {
        Map<String, Object> d = multipartDict(m);
        long received = 0;
        int count = 0;
        for (Object size : jsonMap(m.parts).values()) {
            if (size instanceof Number n) {
                received += n.longValue();
                count++;
            }
        }
        d.put("received", received);
        d.put("parts_received", count);
        return d;
    }

    // ---- dicts -----------------------------------------------------------------------------------

    /** The file as clients see it (the seed's file dict, with its owner). */
    Map<String, Object> dict(FileRecord f) {
        return dict(f, owner(f.id));
    }

    static Map<String, Object> dict(FileRecord f, FileOwnerRecord o) {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("id", f.id);
        d.put("name", f.name);
        d.put("location", f.location);
        d.put("storage", f.storage);
        d.put("size", f.size);
        d.put("content_type", f.contentType);
        d.put("hash", f.hash);
        d.put("hash_algorithm", f.hashAlgorithm);
        d.put("storage_data", jsonMap(f.storageData));
        d.put("ctime", timestamp(f.ctime));
        d.put("mtime", timestamp(f.mtime));
        d.put("atime", timestamp(f.atime));
        d.put("owner_type", o == null ? null : o.ownerType);
        d.put("owner_id", o == null ? null : o.ownerId);
        d.put("pinned", o != null && o.pinned);
        d.put("broken", f.broken);
        return d;
    }

    /** The content description a storage needs to read the file. */
    static FileData fileData(FileRecord f) {
        return new FileData(new Location(f.location), f.size, f.contentType, f.hash, f.hashAlgorithm, jsonMap(f.storageData));
    }

    static Map<String, Object> multipartDict(MultipartRecord m) {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("id", m.id);
        d.put("name", m.name);
        d.put("location", m.location);
        d.put("storage", m.storage);
        d.put("size", m.size);
        d.put("content_type", m.contentType);
        d.put("hash", m.hash);
        d.put("parts", jsonMap(m.parts));
        d.put("storage_data", jsonMap(m.storageData));
        d.put("ctime", timestamp(m.ctime));
        d.put("initiator_id", m.initiatorId);
        d.put("initiator_name", m.initiatorName);
        d.put("multipart", true);
        return d;
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> jsonMap(String json) {
        if (json == null || json.isEmpty() || json.equals("{}")) {
            return new LinkedHashMap<>(); // most files' storage data: no parser needed (a download reads it each time)
        }
        Object parsed = Json.read(json);
        return parsed instanceof Map<?, ?> m ? (Map<String, Object>) m : new LinkedHashMap<>();
    }

    // ---- helpers ---------------------------------------------------------------------------------

    /** An owner: a type (package, user, ...) and an id. */
    record Owner(String type, String id) {
        static Optional<Owner> of(FileOwnerRecord o) {
            return o == null ? Optional.empty() : Optional.of(new Owner(o.ownerType, o.ownerId));
        }
    }

    /** A required id-like parameter: a non-empty string (numbers are accepted as text). */
    static String requireString(Map<String, Object> data, String key) {
        Object value = data == null ? null : data.get(key);
        if (value instanceof Number || value instanceof Boolean) {
            value = String.valueOf(value);
        }
        if (value == null || (value instanceof String s && s.isBlank())) {
            throw ValidationException.of(key, "Missing value");
        }
        if (!(value instanceof String s)) {
            throw ValidationException.of(key, "Must be a string");
        }
        return s.strip();
    }
}
