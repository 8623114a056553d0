package dev.portalkit.runtime.files.tracked;

import dev.portalkit.api.ErrorKind;
import dev.portalkit.api.PortalException;
import dev.portalkit.api.action.ActionContext;
import dev.portalkit.api.files.FilesException;
import dev.portalkit.api.files.ManagedStorage;
import dev.portalkit.api.files.MultipartData;
import dev.portalkit.api.files.MultipartUploads;
import dev.portalkit.api.files.Upload;
import dev.portalkit.runtime.Json;
import dev.portalkit.runtime.action.FieldFailure;
import dev.portalkit.runtime.files.content.BlockInputStream;
import dev.portalkit.runtime.files.content.ContentTypes;
import dev.portalkit.runtime.files.content.Hashing;
import dev.portalkit.runtime.files.content.OverlappedDigest;
import dev.portalkit.runtime.files.content.Streams;
import dev.portalkit.runtime.files.db.ResumableChunks;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;

/**
 * One request's bytes on their way into parts. A whole part that the body is known to hold (by
 * its length) goes straight from the request to the storage; the bytes of a part that starts
 * with bytes kept earlier, or that the body may not complete, are gathered in a local file
 * first, so that what arrived can be kept when the request ends. A line that breaks in the
 * middle of a part sent straight loses that part's bytes only: the offset stays at its start.
 */
final class ResumablePatch {
    /** A request records the parts it stored at least every this many parts, and this many seconds. */
    private static final int PARTS_PER_COMMIT = 8;
    private static final int SECONDS_PER_COMMIT = 2;

    private final ResumableUploads uploads;
    private final FileApi api;
    private final FileStore store;
    private final ActionContext ctx;
    private final ResumableUploads.Start s;
    private final ResumableUploads.Spool spool;
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
    private OverlappedDigest digest;
    private long hashed;

    ResumablePatch(ResumableUploads uploads, ActionContext ctx, ResumableUploads.Start s, ResumableUploads.Spool spool) {
        this.uploads = uploads;
        this.api = uploads.api;
        this.store = uploads.store;
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
        ResumableUploads.Running earlier = uploads.running.remove(s.id());
        if (earlier != null && earlier.offset() == committed) {
            digest = new OverlappedDigest(earlier.digest());
            hashed = committed;
        } else if (committed == 0 && !s.whole()) {
            digest = new OverlappedDigest(
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
        if (hashed == committed && uploads.running.size() < ResumableUploads.MAX_RUNNING) {
            uploads.running.put(s.id(), new ResumableUploads.Running(committed, digest.settle()));
        } else {
            digest.abandon();
        }
    }

    ResumableUploads.State run(InputStream body, long bodyLength) throws IOException {
        if (s.done()) {
            // Complete already: only an empty request at the end is fine.
            if (body.read() >= 0) {
                throw ResumableUploads.pastTheLength(0);
            }
            return uploads.state(ctx, s.id());
        }
        Body in = new Body(body, bodyLength);
        try {
            if (committed > flushed) {
                uploads.onConnection(c -> ResumableChunks.copy(c, s.id(), java.nio.channels.Channels.newOutputStream(channel())));
                inFile = persisted = committed - flushed;
            }
            byte[] buffer = new byte[ResumableUploads.BUFFER];
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
                    throw ResumableUploads.pastTheLength(s.end() - received);
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
                uploads.finish(ctx, s.id(), receivedHash());
            } else {
                if (received > committed || !pendingParts.isEmpty()) {
                    keepTail();
                }
                keepHash();
                if (cut == null) {
                    return new ResumableUploads.State(s.id(), committed, s.lengthKnown() ? s.end() : null, s.metadata(), s.expires(), null);
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
        return uploads.state(ctx, s.id());
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
            uploads.terminate(ctx, s.id());
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
                uploads.terminate(ctx, s.id());
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
                uploads.onConnection(c -> ResumableChunks.delete(c, s.id()));
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
                uploads.onConnection(c -> {
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
