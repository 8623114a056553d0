package dev.portalkit.runtime.files.managed;

import dev.portalkit.runtime.files.content.BlockInputStream;
import dev.portalkit.runtime.files.content.ContentTypes;
import dev.portalkit.runtime.files.content.HelperThreads;
import dev.portalkit.api.ErrorKind;
import dev.portalkit.api.files.FileData;
import dev.portalkit.api.files.FilesException;
import dev.portalkit.api.files.Location;
import dev.portalkit.api.files.Upload;
import dev.portalkit.api.files.Uploader;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BiConsumer;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Runtime-internal: a request's file part piped into a streaming storage while it is still being
 * spooled, so receiving the request and sending the file to the backend overlap instead of
 * following each other. A helper thread hands the adapter one upload of the part's predicted size
 * whose stream reads the growing spool file, at a location that belongs to this upload alone (the
 * storage's location transformers make a new uuid). The managed storage, asked to store the
 * spooled upload at exactly that storage and location, checks size, type and hash from the
 * spooling's measurements and keeps the piped file ({@link ManagedStorageImpl}); in every other
 * case, the piped file is removed ({@link #abort()}), and the spool is stored as without a pipe.
 *
 * <p>The stream gives the adapter exactly the predicted number of bytes and ends only when the
 * spool is complete with that many: a part that ends early or runs longer fails the adapter's
 * upload, and the spool is stored instead. Memory: the stream reads the spool file, nothing is
 * buffered here.
 */
public final class UploadPipe {
    private static final Logger LOG = Logger.getLogger(UploadPipe.class.getName());
    private static final ExecutorService FEEDERS = HelperThreads.pool("portalkit-upload-pipe");
    /** How long the feeder waits for the spool to grow before it gives up (a stalled client). */
    private static final long STALL_NANOS = TimeUnit.MINUTES.toNanos(5);

    private final ManagedStorageImpl storage;
    private final Uploader backend;
    private final BiConsumer<FileData, Throwable> remover;
    private final String name;
    private final Location location;
    private final String filename;
    private final String declaredType;
    private final Path file;
    private final long expected;
    private final MeasuredUpload.TypeCheck typeCheck;

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition grown = lock.newCondition();
    /** Guarded by {@link #lock}: bytes in the spool so far, whether it is complete, whether the pipe was stopped. */
    private long spooled;
    private boolean ended;
    private boolean cancelled;
    private final Future<FileData> feeder;

    /** Guarded by {@code this}: the piped file was kept or removed; the pipe was claimed by an upload. */
    private boolean closed;
    private boolean claimed;
    /** Guarded by {@code this}: what the adapter stored, once the feeder ended. */
    private FileData stored;

    /**
     * @param remover  removes a file the adapter stored, adding its own failure to the given cause
     * @param expected the part's predicted size in bytes
     */
    UploadPipe(ManagedStorageImpl storage, Uploader backend, BiConsumer<FileData, Throwable> remover, String name, Location location,
               String filename, String declaredType, Path file, long expected, MeasuredUpload.TypeCheck typeCheck) {
        this.storage = storage;
        this.backend = backend;
        this.remover = remover;
        this.name = name;
        this.location = location;
        this.filename = filename;
        this.declaredType = declaredType;
        this.file = file;
        this.expected = expected;
        this.typeCheck = typeCheck;
        this.feeder = FEEDERS.submit(this::feed);
    }

    /** Where the part is being piped (storage name and location), for messages and tests. */
    @Override
    public String toString() {
        return "pipe of " + filename + " into " + storage + " at " + location;
    }

    /** The spool now holds {@code total} bytes (called by the spooling thread as it writes). */
    public void grew(long total) {
        signal(() -> spooled = total);
    }

    /** The spool is complete with {@code total} bytes. */
    public void ended(long total) {
        signal(() -> {
            spooled = total;
            ended = true;
        });
    }

    /** Changes the feeder's state under its lock and wakes it. */
    private void signal(Runnable change) {
        lock.lock();
        try {
            change.run();
            grown.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Stops the pipe: fails the upload in flight, waits for the feeder, and removes the piped file
     * if it was stored, so nothing of it is left at the backend. Does nothing once it was kept or
     * removed.
     */
    public synchronized void abort() {
        if (closed) {
            return;
        }
        signal(() -> cancelled = true);
        awaitFeeder();
        removeStored(null);
    }

    /**
     * The name the part was piped under when it was piped into the storage named {@code storageName}:
     * an action that makes its own names (a resource upload's random prefix) stores the part under
     * it to keep the pipe.
     */
    public synchronized Optional<String> nameIn(String storageName) {
        return !closed && !claimed && storage.settings().name().equals(storageName) ? Optional.of(name) : Optional.empty();
    }

    /**
     * The location the pipe goes to when {@code target} is its storage and {@code untrusted} the name
     * it was predicted from: the location transformers ran once, for the pipe, and the action gets
     * their result.
     */
    synchronized Optional<Location> locationFor(ManagedStorageImpl target, String untrusted) {
        return !closed && !claimed && target == storage && name.equals(untrusted) ? Optional.of(location) : Optional.empty();
    }

    /** Takes the pipe for an upload of the spooled part into {@code target} at {@code at}: false when it does not lead there. */
    synchronized boolean claim(ManagedStorageImpl target, Location at) {
        if (claimed || closed || target != storage || !location.equals(at)) {
            return false;
        }
        claimed = true;
        return true;
    }

    /**
     * Waits for the adapter's upload and returns what it stored when that is the whole spool of
     * {@code size} bytes; empty when the pipe failed or the part was not the predicted size (then
     * anything stored was removed, and the reason logged): the caller stores the spool instead.
     */
    synchronized Optional<FileData> finish(long size) {
        awaitFeeder();
        if (stored == null) {
            closed = true;
            return Optional.empty();
        }
        if (size != expected || stored.size() != expected) {
            LOG.log(Level.INFO, this + ": the part has " + size + " bytes, not the predicted " + expected + "; storing the spool instead");
            removeStored(null);
            return Optional.empty();
        }
        return Optional.of(stored);
    }

    /** The piped file became the stored file: nothing is to be removed any more. */
    synchronized void kept() {
        closed = true;
    }

    /** Removes the piped file (the action refused it after all), adding a failure to remove it to {@code cause}. */
    synchronized void discard(Throwable cause) {
        removeStored(cause);
    }

    private void awaitFeeder() {
        if (stored != null) {
            return;
        }
        try {
            stored = feeder.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            signal(() -> cancelled = true);
            throw new FilesException(ErrorKind.INTERNAL, "interrupted while waiting for " + this);
        } catch (ExecutionException e) {
            // feed() keeps its failures; nothing else can end up here
            LOG.log(Level.WARNING, this + " failed: " + e.getCause(), e.getCause());
        }
    }

    private void removeStored(Throwable cause) {
        if (closed) {
            return;
        }
        closed = true;
        if (stored != null) {
            Throwable reason = cause != null ? cause : new FilesException(ErrorKind.INTERNAL, this + " was not kept");
            remover.accept(stored, reason);
            if (cause == null && reason.getSuppressed().length > 0) {
                LOG.log(Level.WARNING, "cannot remove the piped file of " + this + ": " + reason.getSuppressed()[0].getMessage());
            }
        }
    }

    /** The feeder: the adapter's upload of the predicted size, read from the growing spool. Null when it failed. */
    private FileData feed() {
        try {
            String type = typeFromHead();
            if (type == null || typeCheck.refusal(type, declaredType) != null) {
                return null; // a type the storage refuses is never sent; the action reports it
            }
            return backend.upload(location, Upload.of(filename, type, expected, Following::new), false);
        } catch (RuntimeException e) {
            LOG.log(Level.FINE, this + " stopped: " + e.getMessage(), e);
            return null;
        }
    }

    /** The type detected from the spool's head as the managed storage does, once the head arrived; null when stopped. */
    private String typeFromHead() {
        int want = (int) Math.min(ContentTypes.SNIFF_BYTES, expected);
        try {
            if (!awaitSpool(want)) {
                return null;
            }
            byte[] head = new byte[want];
            try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
                ByteBuffer buffer = ByteBuffer.wrap(head);
                while (buffer.hasRemaining() && channel.read(buffer, buffer.position()) >= 0) {
                    // read on
                }
            }
            return ContentTypes.detect(head, head.length, filename, declaredType);
        } catch (IOException e) {
            return null;
        }
    }

    /** Waits until the spool holds more than {@code position} bytes or ended: false when stopped or it ended first. */
    private boolean awaitSpool(long position) throws IOException {
        lock.lock();
        try {
            long deadline = System.nanoTime() + STALL_NANOS;
            while (!cancelled && !ended && spooled <= position) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new IOException("the request stalled");
                }
                grown.awaitNanos(left);
            }
            if (cancelled) {
                throw new IOException("the pipe was stopped");
            }
            return spooled > position;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        } finally {
            lock.unlock();
        }
    }

    /**
     * The spool read as it grows: exactly {@code expected} bytes, then the end once the spool ended
     * with that many. Fails when it ends early, runs longer, or the pipe is stopped.
     */
    private final class Following extends BlockInputStream {
        private final FileChannel channel;
        private long position;

        Following() throws IOException {
            channel = FileChannel.open(file, StandardOpenOption.READ);
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (len == 0) {
                return 0;
            }
            boolean more = awaitSpool(position);
            long available;
            lock.lock();
            try {
                available = spooled;
            } finally {
                lock.unlock();
            }
            if (position >= expected) {
                if (more) {
                    throw new IOException("the part runs longer than the predicted " + expected + " bytes");
                }
                return -1;
            }
            if (!more) {
                throw new IOException("the part ended after " + available + " bytes, not the predicted " + expected);
            }
            int n = (int) Math.min(len, Math.min(available, expected) - position);
            int read = channel.read(ByteBuffer.wrap(b, off, n), position);
            if (read < 0) {
                throw new IOException("the spool file is shorter than written");
            }
            position += read;
            return read;
        }

        @Override
        public void close() throws IOException {
            channel.close();
        }
    }
}
