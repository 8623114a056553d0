package dev.portalkit.runtime.files.tracked;

import dev.portalkit.api.ErrorKind;
import dev.portalkit.api.PortalException;
import dev.portalkit.api.action.ActionContext;
import dev.portalkit.api.action.UserRef;
import dev.portalkit.api.files.ManagedStorage;
import dev.portalkit.api.files.MultipartData;
import dev.portalkit.api.files.MultipartUploads;
import dev.portalkit.api.files.Upload;
import dev.portalkit.api.validation.Schema;
import dev.portalkit.runtime.Json;
import dev.portalkit.runtime.action.FieldFailure;
import dev.portalkit.runtime.files.content.Hashing;
import dev.portalkit.runtime.files.db.ResumableChunks;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import org.hibernate.Session;

/**
 * Resumable uploads (the state behind tus, docs/resumable-uploads.md): a file whose bytes arrive
 * over several requests, in order, at an offset the client asks for. Each upload is a multipart
 * upload of the File API ({@code files_multipart_start} at creation, {@code files_multipart_complete}
 * on the last byte, so the same permissions, limits and checks apply), fed in parts of
 * {@link ResumableRecord#partSize} by each request ({@link ResumablePatch}), the upload's offset
 * moving on in the database. Bytes received since the last whole part, when a request ends, are
 * kept in the database ({@link ResumableChunks}), so another node, or this one after a restart,
 * continues where the client stopped. Every offset change is a conditional update: of two
 * requests sent at the same offset, the second to record its parts loses (409) and changes nothing.
 *
 * <p>A storage without multipart uploads gets the whole file in one piece: its bytes wait in the
 * database until the last arrived, and {@code files_file_create} makes the file of them
 * ({@link ResumableRecord#whole}).
 */
public final class ResumableUploads {
    /**
     * {@code Upload-Metadata} keys the upload itself takes, or that the completing action reads as
     * its own; the others go to it as fields.
     */
    static final Set<String> OWN_KEYS = Set.of("filename", "name", "storage", "content_type", "filetype", "type", "hash", "id", "size",
            "parts", "upload", "direct");
    static final int BUFFER = 256 * 1024;
    /** The key of the multipart upload's state that names the resumable upload it belongs to (its parts come only through it). */
    static final String STATE_KEY = "portal_resumable";

    static final int MAX_RUNNING = 10_000;

    final FileApi api;
    final FileStore store;
    /**
     * The hash so far of uploads whose bytes came through this process, by upload id: a request that
     * continues at that offset goes on with it, so the completion need not read the file back
     * ({@link Hashing#RECEIVED}). Another node, or a restart, simply has none.
     */
    final Map<String, Running> running = new java.util.concurrent.ConcurrentHashMap<>();

    record Running(long offset, MessageDigest digest) {
    }

    ResumableUploads(FileApi api, FileStore store) {
        this.api = api;
        this.store = store;
    }

    /** What a client learns of an upload. */
    public record State(String id, long offset, Long length, String metadata, Instant expires, String fileId) {
    }

    /** A request's {@code Upload-Checksum}: the algorithm's Java name and the digest expected. */
    public record Checksum(String algorithm, byte[] expected) {
    }

    /** New local files for the bytes of a part while it is gathered. */
    @FunctionalInterface
    public interface Spool {
        Path newFile() throws IOException;
    }

    /** A request's body did not have the checksum it was sent with: nothing of it was kept. */
    public static final class ChecksumMismatch extends PortalException {
        ChecksumMismatch(String message) {
            super(ErrorKind.BAD_REQUEST, message);
        }
    }

    /**
     * Creates an upload as {@code ctx}'s user: {@code length} bytes (the caller checked it against
     * its own limit, {@code maxLength}) or, {@code null}, a length given later, at most
     * {@code maxLength} or the storage's {@code max_size}; named and placed by
     * {@code metadata} ({@code filename}, {@code storage}, {@code content_type}, {@code hash}; the
     * other keys are kept for the completing action).
     */
    public State create(ActionContext ctx, Long length, long maxLength, String metadataHeader, Map<String, String> metadata,
                        Spool spool) throws IOException {
        String name = first(metadata, "filename", "name");
        if (name == null) {
            throw FieldFailure.of(ErrorKind.BAD_REQUEST, "filename", "Upload-Metadata needs a filename (the file's name)");
        }
        Map<String, Object> start = new LinkedHashMap<>();
        start.put("name", name);
        String storageName = FileActions.storageName(ctx, metadata.get("storage") == null ? Map.of() : Map.of("storage", metadata.get("storage")));
        start.put("storage", storageName);
        ManagedStorage storage = api.storage(storageName, "storage");
        long limit = storage.settings().maxSize() > 0 ? Math.min(maxLength, storage.settings().maxSize()) : maxLength;
        long size = length != null ? length : limit;
        start.put("size", size);
        String type = first(metadata, "content_type", "filetype", "type");
        if (type != null) {
            start.put("content_type", type);
        }
        String hash = first(metadata, "hash");
        if (hash != null) {
            start.put("hash", hash);
        }
        boolean whole = !storage.supports(dev.portalkit.api.files.Capability.MULTIPART);
        if (whole) {
            // No multipart upload to start: the checks files_file_create makes before the bytes, made now.
            api.host().storages().requireUploads("upload");
            ctx.validate(Schema.empty().with("name", "not_empty", "unicode_safe", "strip_value", "files_file_name"), Map.of("name", name));
            var allowed = ctx.checkAccess("files_file_create", Map.of("storage", storageName, "name", name));
            if (!allowed.allowed()) {
                throw PortalException.denied(allowed.message());
            }
            if (storage.settings().maxSize() > 0 && size > storage.settings().maxSize()) {
                throw FieldFailure.of(ErrorKind.TOO_LARGE, "Upload-Length", "Upload-Length " + size + " is over the max_size of storage "
                        + storageName + " (" + storage.settings().maxSize() + " bytes)");
            }
        }
        Map<String, Object> fields = new TreeMap<>();
        metadata.forEach((k, v) -> {
            if (!OWN_KEYS.contains(k)) {
                fields.put(k, v == null ? "" : v);
            }
        });
        String id = api.host().inTransaction(() -> {
            ResumableRecord r = new ResumableRecord();
            r.id = UUID.randomUUID().toString();
            if (!whole) {
                @SuppressWarnings("unchecked")
                Map<String, Object> started = (Map<String, Object>) ctx.call("files_multipart_start", start);
                r.multipartId = (String) started.get("id");
                MultipartRecord m = store.multipart(r.multipartId);
                m.storageData = Json.write(MultipartActions.merge(FileStore.jsonMap(m.storageData), Map.of(STATE_KEY, r.id)));
            }
            r.whole = whole;
            r.contentType = type;
            r.storage = storageName;
            r.name = name;
            r.length = length;
            r.lengthLimit = size;
            r.partSize = whole ? Long.MAX_VALUE
                    : DirectUploads.partSize(size, storage.uploader().multipart().map(MultipartUploads::minPartSize).orElse(1L));
            r.nextPart = 1;
            r.metadata = metadataHeader;
            r.fields = Json.write(fields);
            r.initiatorId = ctx.user().map(UserRef::id).orElse(null);
            r.ctime = api.now();
            r.mtime = r.ctime;
            store.em().persist(r);
            store.flush();
            return r.id;
        });
        if (length != null && length == 0) {
            // Complete as created: one empty part.
            return new ResumablePatch(this, ctx, api.host().inTransaction(() -> begin(ctx, id, 0, null)), spool).run(InputStream.nullInputStream(), 0);
        }
        return state(ctx, id);
    }

    /** The upload as its initiator sees it; NOT_FOUND for an unknown, someone else's, aborted or expired upload. */
    public State state(ActionContext ctx, String id) {
        return api.host().inTransaction(() -> state(owned(ctx, id)));
    }

    private State state(ResumableRecord r) {
        return new State(r.id, r.received, r.length, r.metadata, expires(r), r.fileId);
    }

    private Instant expires(ResumableRecord r) {
        return r.ctime.plus(Duration.ofDays(api.host().systemContext().config().integer(FileApiConfig.MAX_MULTIPART_LIFETIME)));
    }

    private ResumableRecord owned(ActionContext ctx, String id) {
        ResumableRecord r = id == null || id.isBlank() ? null : store.em().find(ResumableRecord.class, id);
        String caller = ctx.user().map(UserRef::id).orElse(null);
        boolean gone = r == null || (r.initiatorId != null && !r.initiatorId.equals(caller))
                || (r.fileId == null && !r.whole && (r.multipartId == null || store.multipart(r.multipartId) == null))
                || api.now().isAfter(expires(r));
        if (gone) {
            throw FieldFailure.of(ErrorKind.NOT_FOUND, "id", "Upload not found: " + id);
        }
        return r;
    }

    /**
     * Appends {@code body} at {@code offset} (which must be the upload's offset), declaring the
     * length first where it was deferred; on the last byte the upload becomes a tracked file. With
     * a {@code checksum}, the body is kept aside and checked before any of it counts. When the
     * body breaks off, what arrived is kept and the break rethrown. A body whose declared length
     * ({@code bodyLength}, -1 when unknown) passes the upload's length is refused before it is read.
     */
    public State append(ActionContext ctx, String id, long offset, Long declareLength, long bodyLength, InputStream body,
                        Checksum checksum, Spool spool) throws IOException {
        Start s = api.host().inTransaction(() -> begin(ctx, id, offset, declareLength));
        if (bodyLength > s.end() - s.received()) {
            throw pastTheLength(s.end() - s.received());
        }
        Path verified = null;
        try {
            InputStream in = body;
            if (checksum != null) {
                verified = spool.newFile();
                in = verified(body, checksum, verified, s.end() - s.received());
            }
            long length = checksum != null ? Files.size(verified) : bodyLength;
            try (InputStream content = in) {
                return new ResumablePatch(this, ctx, s, spool).run(content, length);
            }
        } finally {
            if (verified != null) {
                Files.deleteIfExists(verified);
            }
        }
    }

    /** The upload as a request found it. */
    record Start(String id, String multipartId, String storage, String name, String contentType, long received,
                         long flushed, int nextPart, long partSize, long end, boolean lengthKnown, boolean whole, boolean done,
                         String metadata, Instant expires, MultipartData multipart) {
    }

    private Start begin(ActionContext ctx, String id, long offset, Long declareLength) {
        ResumableRecord r = owned(ctx, id);
        if (offset != r.received) {
            throw FieldFailure.of(ErrorKind.CONFLICT, "Upload-Offset", "Upload-Offset " + offset + " is not the upload's offset "
                    + r.received);
        }
        if (declareLength != null) {
            if (r.length != null && !r.length.equals(declareLength)) {
                throw FieldFailure.of(ErrorKind.BAD_REQUEST, "Upload-Length", "The upload's length is " + r.length
                        + " already; it cannot become " + declareLength);
            }
            if (r.length == null) {
                if (declareLength < r.received || declareLength > r.lengthLimit) {
                    throw FieldFailure.of(declareLength > r.lengthLimit ? ErrorKind.TOO_LARGE : ErrorKind.BAD_REQUEST, "Upload-Length",
                            "Upload-Length " + declareLength + " must be between the bytes received (" + r.received
                                    + ") and the limit of " + r.lengthLimit + " bytes");
                }
                r.length = declareLength;
                if (!r.whole) {
                    store.multipart(r.multipartId).size = declareLength;
                }
                store.flush();
            }
        }
        long end = r.length != null ? r.length : r.lengthLimit;
        MultipartRecord m = r.multipartId == null || r.fileId != null ? null : store.multipart(r.multipartId);
        return new Start(r.id, r.multipartId, r.storage, r.name, r.contentType, r.received, r.flushed, r.nextPart,
                r.partSize, end, r.length != null, r.whole, r.fileId != null, r.metadata, expires(r),
                m == null ? null : MultipartActions.data(m));
    }

    /** Copies the body aside, at most {@code room} bytes, and opens it once its digest matched. */
    private static InputStream verified(InputStream body, Checksum checksum, Path file, long room) throws IOException {
        MessageDigest digest;
        try {
            digest = MessageDigest.getInstance(checksum.algorithm());
        } catch (NoSuchAlgorithmException e) {
            throw FieldFailure.of(ErrorKind.BAD_REQUEST, "Upload-Checksum", "Unsupported checksum algorithm " + checksum.algorithm());
        }
        byte[] buffer = new byte[BUFFER];
        long total = 0;
        try (OutputStream out = Files.newOutputStream(file)) {
            int n;
            while ((n = body.read(buffer)) >= 0) {
                total += n;
                if (total > room) {
                    throw pastTheLength(room);
                }
                digest.update(buffer, 0, n);
                out.write(buffer, 0, n);
            }
        }
        if (!MessageDigest.isEqual(digest.digest(), checksum.expected())) {
            throw new ChecksumMismatch("The body does not have the Upload-Checksum it was sent with; none of it was kept");
        }
        return Files.newInputStream(file);
    }

    static FieldFailure pastTheLength(long room) {
        return FieldFailure.of(ErrorKind.TOO_LARGE, "Upload-Offset", "The body passes the upload's length: " + room
                + " bytes are left");
    }

    @FunctionalInterface
    interface Work<T> {
        T run(java.sql.Connection c) throws SQLException, IOException;
    }

    /** Runs JDBC work on the connection of the current transaction (a new one outside any). */
    <T> T onConnection(Work<T> work) {
        return api.host().inTransaction(() -> store.em().unwrap(Session.class).doReturningWork(c -> {
            try {
                return work.run(c);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }));
    }

    /**
     * Turns the complete upload into a tracked file through {@code files_multipart_complete} (with
     * the metadata's other keys as fields). A refusal ends the upload: nothing of it stays.
     */
    void finish(ActionContext ctx, String id, String receivedHash) {
        try {
            api.host().inTransaction(() -> {
                ResumableRecord r = owned(ctx, id);
                store.em().refresh(r, jakarta.persistence.LockModeType.PESSIMISTIC_WRITE);
                if (r.fileId != null) {
                    return null;
                }
                Map<String, Object> data = new LinkedHashMap<>(FileStore.jsonMap(r.fields));
                Map<String, Object> file;
                if (r.whole) {
                    // Made of the chunks, read through this transaction's connection while the action stores them.
                    data.put("storage", r.storage);
                    data.put("name", r.name);
                    data.put("upload", Upload.of(r.name, r.contentType, r.received, () -> onConnection(c -> ResumableChunks.open(c, id))));
                    @SuppressWarnings("unchecked")
                    Map<String, Object> created = (Map<String, Object>) ctx.call("files_file_create", data);
                    file = created;
                    onConnection(c -> ResumableChunks.delete(c, id));
                } else {
                    if (receivedHash != null) {
                        MultipartRecord m = store.multipart(r.multipartId);
                        m.storageData = Json.write(MultipartActions.merge(FileStore.jsonMap(m.storageData), Map.of(Hashing.RECEIVED,
                                Map.of("algorithm", api.storage(r.storage, "storage").settings().hashingAlgorithm(), "hash", receivedHash,
                                        "size", r.received))));
                        store.flush();
                    }
                    data.put("id", r.multipartId);
                    @SuppressWarnings("unchecked")
                    Map<String, Object> completed = (Map<String, Object>) ctx.call("files_multipart_complete", data);
                    file = completed;
                }
                r.fileId = (String) file.get("id");
                r.multipartId = null;
                r.mtime = api.now();
                store.flush();
                return null;
            });
        } catch (PortalException e) {
            if (e.kind() != ErrorKind.TRANSIENT && e.kind() != ErrorKind.INTERNAL && e.kind() != ErrorKind.NOT_FOUND) {
                try {
                    terminate(ctx, id);
                } catch (RuntimeException cleanup) {
                    e.addSuppressed(cleanup);
                }
            }
            throw e;
        }
    }

    /** Ends an upload: its multipart upload is aborted (at the backend too) and its chunks go; a completed file stays. */
    public void terminate(ActionContext ctx, String id) {
        running.remove(id);
        api.host().inTransaction(() -> {
            ResumableRecord r = owned(ctx, id);
            if (r.fileId == null && r.multipartId != null && store.multipart(r.multipartId) != null) {
                ctx.call("files_multipart_abort", Map.of("id", r.multipartId));
            }
            onConnection(c -> ResumableChunks.delete(c, id));
            store.em().remove(r);
            store.flush();
            return null;
        });
    }

    /**
     * For the multipart cleanup: forgets the uploads whose multipart upload {@code multipartIds}
     * removed, and completed ones created before {@code cutoff}; returns how many went.
     */
    int forget(List<String> multipartIds, Instant cutoff) {
        List<ResumableRecord> gone = new java.util.ArrayList<>(store.em().createQuery(
                "SELECT r FROM ResumableRecord r WHERE r.ctime < :cutoff AND (r.fileId IS NOT NULL OR r.multipartId IS NULL)",
                ResumableRecord.class).setParameter("cutoff", cutoff).getResultList());
        if (!multipartIds.isEmpty()) {
            gone.addAll(store.em().createQuery("SELECT r FROM ResumableRecord r WHERE r.multipartId IN :ids", ResumableRecord.class)
                    .setParameter("ids", multipartIds).getResultList());
        }
        for (ResumableRecord r : gone) {
            onConnection(c -> ResumableChunks.delete(c, r.id));
            store.em().remove(r);
        }
        store.flush();
        return gone.size();
    }

    private static String first(Map<String, String> metadata, String... keys) {
        for (String k : keys) {
            String v = metadata.get(k);
            if (v != null && !v.isBlank()) {
                return v.strip();
            }
        }
        return null;
    }
}
