package dev.portalkit.runtime.files.content;

import dev.portalkit.api.ErrorKind;
import dev.portalkit.api.files.FilesException;
import java.security.MessageDigest;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A content hash computed on a helper thread, so hashing overlaps the adapter's I/O instead of
 * adding to it (MD5 runs at about the speed of a disk write; in sequence they would halve an
 * upload's rate). Bytes are copied into a few pooled {@value #BUFFER}-byte buffers and hashed in
 * order; when all buffers wait to be hashed, the uploading thread waits too. Content shorter than
 * one buffer is hashed inline, without a helper. Used by the managed storage's uploads and by the
 * web layer while it spools a request's file part.
 */
public final class OverlappedDigest {
    static final int BUFFER = 1 << 20;
    private static final int BUFFERS = 4;
    private static final ExecutorService HELPERS = HelperThreads.pool("portalkit-hashing");

    /** A buffer to hash ({@code length} bytes), or the end ({@code data == null}). */
    private record Chunk(byte[] data, int length) {
    }

    private static final Chunk END = new Chunk(null, 0);
    private static final Chunk ABANDON = new Chunk(null, -1);

    private final MessageDigest digest;
    private final BlockingQueue<byte[]> free = new ArrayBlockingQueue<>(BUFFERS);
    private final BlockingQueue<Chunk> pending = new LinkedBlockingQueue<>();
    private int allocated;
    private byte[] current;
    private int filled;
    private Future<?> helper;

    public OverlappedDigest(MessageDigest digest) {
        this.digest = digest;
    }

    /** Adds bytes (copied: the caller may reuse {@code b} at once). */
    public void update(byte[] b, int off, int len) {
        while (len > 0) {
            if (current == null) {
                current = nextBuffer();
            }
            int n = Math.min(len, BUFFER - filled);
            System.arraycopy(b, off, current, filled, n);
            filled += n;
            off += n;
            len -= n;
            if (filled == BUFFER) {
                handOff();
            }
        }
    }

    /** The hash of everything given; waits for the helper. */
    public String finish() {
        return Hashing.hex(settle());
    }

    /**
     * Waits until every byte given is hashed and hands the digest back unfinished, so that more
     * bytes may be added to it later (a resumable upload's next request); this object is done.
     */
    public MessageDigest settle() {
        if (helper == null) {
            if (current != null) {
                digest.update(current, 0, filled);
                current = null;
                filled = 0;
            }
            return digest;
        }
        if (filled > 0) {
            handOff();
        }
        pending.add(END);
        try {
            helper.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new FilesException(ErrorKind.INTERNAL, "interrupted while hashing");
        } catch (ExecutionException e) {
            throw new FilesException(ErrorKind.INTERNAL, "hashing failed: " + e.getCause(), e.getCause());
        }
        return digest;
    }

    /** Stops the helper without a result (the upload failed). */
    public void abandon() {
        if (helper != null) {
            pending.add(ABANDON);
        }
    }

    private byte[] nextBuffer() {
        if (allocated < BUFFERS) {
            allocated++;
            return new byte[BUFFER];
        }
        try {
            return free.take();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new FilesException(ErrorKind.INTERNAL, "interrupted while hashing");
        }
    }

    private void handOff() {
        if (helper == null) {
            helper = HELPERS.submit(this::work);
        }
        pending.add(new Chunk(current, filled));
        current = null;
        filled = 0;
    }

    private void work() {
        try {
            while (true) {
                // An upload whose adapter stops reading and never closes must not keep a helper forever.
                Chunk chunk = pending.poll(10, TimeUnit.MINUTES);
                if (chunk == null || chunk.data() == null) {
                    return;
                }
                digest.update(chunk.data(), 0, chunk.length());
                free.add(chunk.data());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
