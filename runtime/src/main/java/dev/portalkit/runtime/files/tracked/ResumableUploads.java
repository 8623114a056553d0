package dev.portalkit.runtime.files.tracked;

import dev.portalkit.api.ErrorKind;
import dev.portalkit.api.PortalException;
import dev.portalkit.api.action.ActionContext;
import dev.portalkit.api.action.UserRef;
import dev.portalkit.api.files.FilesException;
import dev.portalkit.api.files.ManagedStorage;
import dev.portalkit.api.files.MultipartData;
import dev.portalkit.api.files.MultipartUploads;
import dev.portalkit.api.files.Upload;
import dev.portalkit.api.validation.Schema;
import dev.portalkit.runtime.Json;
import dev.portalkit.runtime.action.FieldFailure;
import dev.portalkit.runtime.files.content.BlockInputStream;
import dev.portalkit.runtime.files.content.ContentTypes;
import dev.portalkit.runtime.files.content.Hashing;
import dev.portalkit.runtime.files.content.Streams;
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
 * {@link ResumableRecord#partSize}: bytes are gathered in a local file until a whole part arrived,
 * the part goes to the storage, and the upload's offset moves on in the database. Bytes received
 * since the last whole part, when a request ends, are kept in the database
 * ({@link ResumableChunks}), so another node, or this one after a restart, continues where the
 * client stopped. Every offset change is a conditional update: of two requests sent at the same
 * offset, the second to finish a part loses (409) and changes nothing.
 *
 * <p>A storage without multipart uploads gets the whole file in one piece: its bytes wait in the
 * database until the last arrived, and {@code files_file_create} makes the file of them
 * ({@link ResumableRecord#whole}).
 */
public final class ResumableUploads {
    /** The size of the parts a resumable upload hands to its storage, unless the storage or the length needs larger. */
    public static final long PART_SIZE = 8L * 1024 * 1024;
    /**
     * {@code Upload-Metadata} keys the upload itself takes, or that the completing action reads as
     * its own; the others go to it as fields.
     */
    static final Set<String> OWN_KEYS = Set.of("filename", "name", "storage", "content_type", "filetype", "type", "hash", "id", "size",
            "parts", "upload", "direct");
    private static final int BUFFER = 256 * 1024;

    private static final int MAX_RUNNING = 10_000;
    /** A request records the parts it stored at least every this many parts, and this many seconds. */
    private static final int PARTS_PER_COMMIT = 8;
    private static final int SECONDS_PER_COMMIT = 2;

    private final FileApi api;
    private final FileStore store;
    /**
     * The hash so far of uploads whose bytes came through this process, by upload id: a request that
     * continues at that offset goes on with it, so the completion need not read the file back
     * ({@link Hashing#RECEIVED}). Another node, or a restart, simply has none.
     */
    private final Map<String, Running> running = new java.util.concurrent.ConcurrentHashMap<>();

    private record Running(long offset, MessageDigest digest) {
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
     * Creates an upload as {@code ctx}'s user: {@code length} bytes (or, {@code null}, a length
     * given later, at most {@code maxLength} or the storage's {@code max_size}), named and placed by
     * {@code metadata} ({@code filename}, {@code storage}, {@code content_type}, {@code hash}; the
     * other keys are kept for the completing action).
     */
    public State create(ActionContext ctx, Long length, long maxLength, String metadataHeader, Map<String, String> metadata,
                        Spool spool) throws IOException {
        String name = first(metadata, "filename", "name");
        if (name == null) {
            throw FieldFailure.of(ErrorKind.BAD_REQUEST, "filename", "Upload-Metadata needs a filename (the file's name)");
        }
        if (length != null && length > maxLength) {
            throw FieldFailure.of(ErrorKind.TOO_LARGE, "Upload-Length", "Upload-Length " + length + " is over the limit of "
                    + maxLength + " bytes");
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
            if (!whole) {
                @SuppressWarnings("unchecked")
                Map<String, Object> started = (Map<String, Object>) ctx.call("files_multipart_start", start);
                r.multipartId = (String) started.get("id");
            }
            r.id = UUID.randomUUID().toString();
            r.whole = whole;
            r.contentType = type;
            r.storage = storageName;
            r.name = name;
            r.length = length;
            r.lengthLimit = size;
            r.partSize = whole ? Long.MAX_VALUE : partSize(storage, size);
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
            return new Appending(ctx, api.host().inTransaction(() -> begin(ctx, id, 0, null)), spool).run(InputStream.nullInputStream(), 0);
        }
        return state(ctx, id);
    }

    /** Parts of at least {@link #PART_SIZE}, of the storage's smallest part, and few enough for {@link MultipartData#MAX_PARTS}. */
    static long partSize(ManagedStorage storage, long size) {
        long min = storage.uploader().multipart().map(MultipartUploads::minPartSize).orElse(1L);
        long spread = size / MultipartData.MAX_PARTS + (size % MultipartData.MAX_PARTS == 0 ? 0 : 1);
        return Math.max(Math.max(PART_SIZE, min), spread);
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
                return new Appending(ctx, s, spool).run(content, length);
            }
        } finally {
            if (verified != null) {
                Files.deleteIfExists(verified);
            }
        }
    }

    /** The upload as a request found it. */
    private record Start(String id, String multipartId, String storage, String name, String contentType, long received,
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

    private static FieldFailure pastTheLength(long room) {
        return FieldFailure.of(ErrorKind.TOO_LARGE, "Upload-Offset", "The body passes the upload's length: " + room
                + " bytes are left");
    }

    /**
     * One request's bytes on their way into parts. A whole part that the body is known to hold (by
     * its length) goes straight from the request to the storage; the bytes of a part that starts
     * with bytes kept earlier, or that the body may not complete, are gathered in a local file
     * first, so that what arrived can be kept when the request ends. A line that breaks in the
     * middle of a part sent straight loses that part's bytes only: the offset stays at its start.
     */
    private final class Appending {
        private final ActionContext ctx;
        private final Start s;
        private final Spool spool;
        private long committed;
        private long flushed;
        private int nextPart;
        private long received;
        private Path file;
        private java.nio.channels.FileChannel channel;
        /** Bytes of the current part in {@link #file} (from its start), and how many of them are in the database already. */
        private long inFile;
        private long persisted;
        private boolean headChecked;
        private IOException cut;
        /** Whether the database may hold chunks of the upload, and whether a stored part took them (to remove at commit). */
        private boolean chunks;
        private boolean chunksTaken;
        /** Parts stored since the last commit ({@code "<n>": size}) and what their adapter reported. */
        private final Map<String, Object> pendingParts = new TreeMap<>();
        private Map<String, Object> pendingState = Map.of();
        private long lastCommit = System.nanoTime();
        /**
         * The hash of the upload's bytes from its first up to {@link #hashed}, computed on a helper
         * thread, or {@code null} when this process did not see them all.
         */
        private dev.portalkit.runtime.files.content.OverlappedDigest digest;
        private long hashed;

        Appending(ActionContext ctx, Start s, Spool spool) {
            this.ctx = ctx;
            this.s = s;
            this.spool = spool;
            this.committed = s.received();
            // Whole files keep every byte in the database: this request's local file starts where it came in
            // (unless the head is still to be checked, a few KiB that are copied back).
            this.flushed = s.whole() && s.received() >= ContentTypes.SNIFF_BYTES ? s.received() : s.flushed();
            this.nextPart = s.nextPart();
            this.received = s.received();
            this.headChecked = flushed > 0 || committed >= ContentTypes.SNIFF_BYTES;
            this.chunks = s.received() > s.flushed();
            Running earlier = running.remove(s.id());
            if (earlier != null && earlier.offset() == committed) {
                digest = new dev.portalkit.runtime.files.content.OverlappedDigest(earlier.digest());
                hashed = committed;
            } else if (committed == 0 && !s.whole()) {
                digest = new dev.portalkit.runtime.files.content.OverlappedDigest(
                        Hashing.digest(api.storage(s.storage(), "storage").settings().hashingAlgorithm()));
            }
        }

        private void hash(byte[] bytes, int off, int n) {
            if (digest != null) {
                digest.update(bytes, off, n);
                hashed += n;
            }
        }

        /** The hash of every byte, when this process saw them all. */
        private String receivedHash() {
            if (digest == null) {
                return null;
            }
            if (hashed != s.end()) {
                digest.abandon();
                return null;
            }
            return digest.finish();
        }

        /** Keeps the hash so far for the next request, when it covers exactly what the upload holds. */
        private void keepHash() {
            if (digest == null) {
                return;
            }
            if (hashed == committed && running.size() < MAX_RUNNING) {
                running.put(s.id(), new Running(committed, digest.settle()));
            } else {
                digest.abandon();
            }
        }

        State run(InputStream body, long bodyLength) throws IOException {
            if (s.done()) {
                // Complete already: only an empty request at the end is fine.
                if (body.read() >= 0) {
                    throw pastTheLength(0);
                }
                return state(ctx, s.id());
            }
            Body in = new Body(body, bodyLength);
            try {
                if (committed > flushed) {
                    onConnection(c -> ResumableChunks.copy(c, s.id(), java.nio.channels.Channels.newOutputStream(channel())));
                    inFile = persisted = committed - flushed;
                }
                byte[] buffer = new byte[BUFFER];
                while (cut == null) {
                    if (inFile == 0 && pipeable(in)) {
                        pipePart(in);
                        continue;
                    }
                    int n = in.read(buffer, (int) Math.min(buffer.length, s.end() - received + 1));
                    if (n < 0) {
                        break;
                    }
                    if (received + n > s.end()) {
                        throw pastTheLength(s.end() - received);
                    }
                    gather(buffer, n);
                }
                if (cut == null && s.lengthKnown() && received == s.end()) {
                    if (!headChecked) {
                        checkHead();
                    }
                    if (s.whole()) {
                        if (received > committed) {
                            keepTail();
                        }
                    } else {
                        if (inFile > 0 || nextPart == 1) {
                            flushPart(true);
                        }
                        commit(received, 0, 0);
                    }
                    finish(ctx, s.id(), receivedHash());
                } else {
                    if (received > committed || !pendingParts.isEmpty()) {
                        keepTail();
                    }
                    keepHash();
                    if (cut == null) {
                        return new State(s.id(), committed, s.lengthKnown() ? s.end() : null, s.metadata(), s.expires(), null);
                    }
                }
            } catch (IOException | RuntimeException e) {
                if (digest != null) {
                    digest.abandon();
                }
                throw e;
            } finally {
                closeFile();
            }
            if (cut != null) {
                throw cut;
            }
            return state(ctx, s.id());
        }

        /** Whether the next part can go straight to the storage: the body holds all of it, and more when the length is not known yet. */
        private boolean pipeable(Body in) {
            long len = Math.min(s.partSize(), s.end() - received);
            return !s.whole() && len > 0 && in.left >= 0 && (s.lengthKnown() ? in.left >= len : in.left > len);
        }

        /** Adds {@code n} bytes to the part in the local file, handing whole parts on. */
        private void gather(byte[] buffer, int n) throws IOException {
            hash(buffer, 0, n);
            int off = 0;
            while (off < n) {
                if (inFile == s.partSize()) {
                    // Deferred length: a whole part goes once a byte after it shows it is not the last.
                    flushPart(false);
                }
                int k = (int) Math.min(n - off, s.partSize() - inFile);
                java.nio.ByteBuffer bytes = java.nio.ByteBuffer.wrap(buffer, off, k);
                while (bytes.hasRemaining()) {
                    channel().write(bytes, inFile + (k - bytes.remaining()));
                }
                off += k;
                inFile += k;
                received += k;
                if (inFile == s.partSize() && s.lengthKnown() && received < s.end()) {
                    flushPart(false);
                }
            }
            if (!headChecked && (received >= ContentTypes.SNIFF_BYTES || received == s.end())) {
                checkHead();
                headChecked = true;
            }
        }

        private java.nio.channels.FileChannel channel() throws IOException {
            if (channel == null) {
                file = spool.newFile();
                channel = java.nio.channels.FileChannel.open(file, java.nio.file.StandardOpenOption.READ,
                        java.nio.file.StandardOpenOption.WRITE);
            }
            return channel;
        }

        private void closeFile() throws IOException {
            if (channel != null) {
                channel.close();
                channel = null;
            }
            if (file != null) {
                Files.deleteIfExists(file);
                file = null;
            }
        }

        /** The part gathered so far, from the local file (reused part after part: no file is made or removed per part). */
        private InputStream gathered(long from, long count) throws IOException {
            InputStream positioned = new java.io.FilterInputStream(java.nio.channels.Channels.newInputStream(channel().position(from))) {
                @Override
                public void close() {
                    // the channel stays open for the next part
                }
            };
            return Streams.limited(positioned, count);
        }

        /** The head of the file against the storage's {@code supported_types}; a refusal ends the upload. */
        private void checkHead() throws IOException {
            byte[] head;
            try (InputStream in = gathered(0, Math.min(inFile, ContentTypes.SNIFF_BYTES))) {
                head = in.readAllBytes();
            }
            ManagedStorage storage = api.storage(s.storage(), "storage");
            String type = ContentTypes.detect(head, head.length, s.name(), s.contentType());
            if (!ContentTypes.accepted(type, storage.settings().supportedTypes())) {
                terminate(ctx, s.id());
                throw FilesException.wrongType(s.storage(), type, "the storage accepts "
                        + String.join(" ", storage.settings().supportedTypes()) + "; the upload was ended");
            }
        }

        /** Sends the next part straight from the body to the storage. */
        private void pipePart(Body in) {
            long len = Math.min(s.partSize(), s.end() - received);
            boolean first = nextPart == 1;
            try {
                store(nextPart, len, () -> in.exactly(len));
            } catch (RuntimeException e) {
                if (in.failure != null) {
                    // The line broke: this part's bytes are lost, the offset stays at its start.
                    cut = in.failure;
                    return;
                }
                if (first && e instanceof PortalException pe && pe.kind() == ErrorKind.WRONG_TYPE) {
                    terminate(ctx, s.id());
                }
                throw e;
            }
            headChecked = true;
            received += len;
        }

        /** Hands the gathered bytes to the storage as the next part. */
        private void flushPart(boolean last) throws IOException {
            long size = inFile;
            store(nextPart, size, () -> gathered(0, size));
            inFile = 0;
            persisted = 0;
        }

        /**
         * Stores part {@code part} at the storage. The upload's record learns of it at the next
         * {@link #commit}: every {@value #PARTS_PER_COMMIT} parts or {@value #SECONDS_PER_COMMIT}
         * seconds, and when the request ends; a process killed in between loses only what the
         * client was not yet told.
         */
        private void store(int part, long size, Upload.Opener content) {
            // The upload's state as the request found it: what an adapter needs to add a part (its upload id) does
            // not change, and the parts each request adds are merged into the record when they commit.
            MultipartData data = s.multipart();
            ManagedStorage storage = api.storage(s.storage(), "storage");
            MultipartUploads multipart = storage.uploader().multipart()
                    .orElseThrow(() -> FilesException.unsupported(storage.name(), dev.portalkit.api.files.Capability.MULTIPART));
            MultipartData updated = multipart.update(data, part, Upload.of(s.name(), data.contentType(), size, content));
            pendingParts.put(Integer.toString(part), size);
            pendingState = MultipartActions.merge(pendingState, updated.storageData());
            if (chunks) {
                // The kept bytes are in this part now: they go when it is recorded.
                chunksTaken = true;
                chunks = false;
            }
            flushed += size;
            nextPart = part + 1;
            if (pendingParts.size() >= PARTS_PER_COMMIT || System.nanoTime() - lastCommit > SECONDS_PER_COMMIT * 1_000_000_000L) {
                commit(flushed, 0, 0);
            }
        }

        /**
         * Moves the offset to {@code offset} in one transaction with the parts stored since the last
         * commit and, when {@code count > 0}, the {@code count} bytes of the local file from
         * {@link #persisted} on, kept in the database as the chunk that starts at {@code start}.
         */
        private void commit(long offset, long start, long count) {
            api.host().inTransaction(() -> {
                move(offset, flushed, nextPart);
                if (chunksTaken) {
                    onConnection(c -> ResumableChunks.delete(c, s.id()));
                }
                if (!pendingParts.isEmpty()) {
                    MultipartRecord m = store.multipart(s.multipartId());
                    if (m == null) {
                        throw FieldFailure.of(ErrorKind.NOT_FOUND, "id", "Upload not found: " + s.id() + " (aborted meanwhile)");
                    }
                    store.em().refresh(m, jakarta.persistence.LockModeType.PESSIMISTIC_WRITE);
                    m.storageData = Json.write(MultipartActions.merge(FileStore.jsonMap(m.storageData), pendingState));
                    Map<String, Object> parts = new TreeMap<>((a, b) -> Integer.compare(Integer.parseInt(a), Integer.parseInt(b)));
                    parts.putAll(FileStore.jsonMap(m.parts));
                    parts.putAll(pendingParts);
                    m.parts = Json.write(parts);
                    store.flush();
                }
                if (count > 0) {
                    onConnection(c -> {
                        try (InputStream in = gathered(persisted, count)) {
                            return ResumableChunks.append(c, s.id(), start, in);
                        }
                    });
                }
                return null;
            });
            chunksTaken = false;
            pendingParts.clear();
            pendingState = Map.of();
            committed = offset;
            lastCommit = System.nanoTime();
            if (count > 0) {
                chunks = true;
            }
        }

        /** Records what this request stored and kept: the parts, and the bytes after them as a chunk. */
        private void keepTail() throws IOException {
            commit(received, flushed + persisted, inFile - persisted);
        }

        /** The conditional offset change: CONFLICT when another request moved the offset since this one read it. */
        private void move(long offset, long newFlushed, int newNextPart) {
            int rows = store.em().createQuery("UPDATE ResumableRecord r SET r.received = :received, r.flushed = :flushed, "
                            + "r.nextPart = :next, r.mtime = :now WHERE r.id = :id AND r.received = :expected")
                    .setParameter("received", offset).setParameter("flushed", newFlushed).setParameter("next", newNextPart)
                    .setParameter("now", api.now()).setParameter("id", s.id()).setParameter("expected", committed)
                    .executeUpdate();
            if (rows != 1) {
                throw FieldFailure.of(ErrorKind.CONFLICT, "Upload-Offset", "Another request moved the upload's offset meanwhile");
            }
        }

        /** The request's body: what is left of its declared length, and the failure that broke it off. */
        private final class Body {
            private final InputStream in;
            long left;
            IOException failure;

            Body(InputStream in, long length) {
                this.in = in;
                this.left = length;
            }

            /** Up to {@code max} bytes, -1 at the end; a broken line ends the body (its failure kept in {@link #cut}). */
            int read(byte[] buffer, int max) {
                try {
                    int n = in.read(buffer, 0, max);
                    if (n > 0 && left >= 0) {
                        left -= n;
                    }
                    return n;
                } catch (IOException e) {
                    failure = e;
                    cut = e;
                    return -1;
                }
            }

            /** The next {@code count} bytes as a stream that fails if the body ends before them. */
            InputStream exactly(long count) {
                return new BlockInputStream() {
                    private long remaining = count;


                    @Override
                    public int read(byte[] b, int off, int len) throws IOException {
                        if (remaining == 0) {
                            return -1;
                        }
                        int n;
                        try {
                            n = in.read(b, off, (int) Math.min(len, remaining));
                        } catch (IOException e) {
                            failure = e;
                            throw e;
                        }
                        if (n < 0) {
                            failure = new java.io.EOFException("the body ended " + remaining + " bytes before the part did");
                            throw failure;
                        }
                        remaining -= n;
                        left -= n;
                        hash(b, off, n);
                        return n;
                    }
                };
            }
        }
    }

    @FunctionalInterface
    private interface Work<T> {
        T run(java.sql.Connection c) throws SQLException, IOException;
    }

    /** Runs JDBC work on the connection of the current transaction (a new one outside any). */
    private <T> T onConnection(Work<T> work) {
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
    private void finish(ActionContext ctx, String id, String receivedHash) {
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
