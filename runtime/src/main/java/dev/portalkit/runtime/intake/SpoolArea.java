package dev.portalkit.runtime.intake;

import dev.portalkit.runtime.PrivateFiles;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Where one process spools request bodies: a directory {@code <data-dir>/tmp/spool-<random>} of
 * its own, holding a {@code lock} file that the process keeps locked for as long as it lives. The
 * operating system drops the lock when the process dies, however it dies ({@code kill -9}
 * included), so a directory whose lock can be taken belongs to a dead process: {@link #sweep}
 * removes every such directory at once, and never one of a running process (several
 * {@code serve} processes may share a data directory on PostgreSQL).
 *
 * <p>The directory is made under a temporary name and renamed into place only once its lock is
 * held, so a sweep never sees a spool directory without a held lock. Within one JVM, a lock file
 * held here is never opened a second time (closing any channel of a file drops every lock the
 * process holds on it): the directories this JVM holds are known and skipped.
 */
public final class SpoolArea implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(SpoolArea.class.getName());
    static final String PREFIX = "spool-";
    private static final String UNFINISHED = ".new-spool-";
    static final String LOCK = "lock";
    /** Spool files, in the directory of the process and, from releases before it had one, directly in tmp. */
    public static final String FILE_PREFIX = "upload-";
    public static final String FILE_SUFFIX = ".part";
    /** How long a directory made by a process that died before it locked it may stay (it is empty). */
    private static final Duration UNFINISHED_GRACE = Duration.ofMinutes(1);
    /** Flat spool files of releases before spool directories: their process is unknown, so only old ones go. */
    private static final Duration FLAT_SPOOL_AGE = Duration.ofDays(1);


    /** The spool directories the processes' areas in this JVM hold. */
    private static final Set<Path> HELD = ConcurrentHashMap.newKeySet();

    private final Path tmp;
    private Path dir;
    private FileChannel lockChannel;
    private FileLock lock;
    private boolean closed;

    /** @param tmp {@code <data-dir>/tmp}; nothing is made in it before the first spool file */
    public SpoolArea(Path tmp) {
        this.tmp = tmp.toAbsolutePath().normalize();
    }

    /** A new empty spool file ({@code upload-*.part}, only the owner may read it) in this process's directory. */
    public synchronized Path newFile() throws IOException {
        if (closed) {
            throw new IOException("the spool area of " + tmp + " is closed");
        }
        if (dir == null || !Files.isDirectory(dir)) {
            open();
        }
        return Files.createTempFile(dir, FILE_PREFIX, FILE_SUFFIX);
    }

    /** This process's spool directory, or {@code null} before the first spool file. */
    public synchronized Path directory() {
        return dir;
    }

    private void open() throws IOException {
        release();
        PrivateFiles.createDirectories(tmp);
        String id = UUID.randomUUID().toString();
        Path unfinished = tmp.resolve(UNFINISHED + id);
        Path placed = tmp.resolve(PREFIX + id);
        // Known as held before its lock file exists: a sweep of this JVM must never open it (see the class comment).
        HELD.add(unfinished);
        HELD.add(placed);
        FileChannel channel = null;
        try {
            PrivateFiles.createDirectories(unfinished);
            channel = FileChannel.open(unfinished.resolve(LOCK), Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE),
                    PrivateFiles.fileAttributes(unfinished));
            FileLock held = channel.tryLock();
            if (held == null) {
                throw new IOException("cannot lock the new spool directory " + unfinished);
            }
            Files.move(unfinished, placed, StandardCopyOption.ATOMIC_MOVE);
            lock = held;
        } catch (IOException | RuntimeException e) {
            if (channel != null) {
                channel.close();
            }
            deleteTree(unfinished);
            HELD.remove(placed);
            if (e instanceof AtomicMoveNotSupportedException) {
                throw new IOException("cannot rename " + unfinished + " in place: " + e.getMessage(), e);
            }
            throw e;
        } finally {
            HELD.remove(unfinished);
        }
        dir = placed;
        lockChannel = channel;
    }

    /** Removes this process's directory and everything in it, and lets go of its lock. */
    @Override
    public synchronized void close() {
        closed = true;
        release();
    }

    private void release() {
        if (dir == null) {
            return;
        }
        try {
            deleteTree(dir);
        } catch (IOException e) {
            LOG.log(Level.WARNING, "cannot remove the spool directory " + dir + ": " + e.getMessage());
        }
        try {
            lock.release();
            lockChannel.close();
        } catch (IOException e) {
            LOG.log(Level.FINE, "cannot release the lock of " + dir, e);
        }
        HELD.remove(dir);
        dir = null;
    }

    /** What a sweep removed. */
    public record Swept(int directories, int files, long bytes) {
    }

    /**
     * Removes every spool directory of a process that is gone (its lock is free), and spool files
     * left directly in {@code tmp} by releases before spool directories once they are a day old.
     * Directories of running processes, in this JVM or another, stay.
     */
    public static Swept sweep(Path tmp) {
        int dirs = 0;
        int[] files = {0};
        long[] bytes = {0};
        for (Path dead : stale(tmp)) {
            if (removeIfDead(dead, files, bytes)) {
                dirs++;
            }
        }
        Instant cutoff = Instant.now().minus(FLAT_SPOOL_AGE);
        for (Path flat : list(tmp)) {
            String name = flat.getFileName().toString();
            if (name.startsWith(FILE_PREFIX) && name.endsWith(FILE_SUFFIX) && Files.isRegularFile(flat)) {
                try {
                    if (Files.getLastModifiedTime(flat).toInstant().isBefore(cutoff)) {
                        long size = Files.size(flat);
                        if (Files.deleteIfExists(flat)) {
                            files[0]++;
                            bytes[0] += size;
                        }
                    }
                } catch (IOException e) {
                    LOG.log(Level.FINE, "cannot remove the stale spool " + flat, e);
                }
            }
        }
        Swept swept = new Swept(dirs, files[0], bytes[0]);
        if (dirs > 0 || files[0] > 0) {
            LOG.info("removed " + files[0] + " spool file(s) (" + bytes[0] + " bytes) in " + dirs
                    + " spool director(y/ies) of processes that are gone from " + tmp);
        }
        return swept;
    }

    /**
     * The spool directories in {@code tmp} whose process is gone (for reports such as
     * {@code files verify}); looking does not remove anything.
     */
    public static List<Path> stale(Path tmp) {
        List<Path> out = new ArrayList<>();
        for (Path entry : list(tmp)) {
            String name = entry.getFileName().toString();
            if (!(name.startsWith(PREFIX) || name.startsWith(UNFINISHED)) || !Files.isDirectory(entry)
                    || HELD.contains(entry.toAbsolutePath().normalize())) {
                continue;
            }
            if (isDead(entry)) {
                out.add(entry);
            }
        }
        return out;
    }

    private static boolean isDead(Path dir) {
        Path lockFile = dir.resolve(LOCK);
        if (!Files.exists(lockFile)) {
            // Made by a process that died before it locked it (or being made right now): empty, so harmless until old.
            return olderThan(dir, UNFINISHED_GRACE);
        }
        try (FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.WRITE)) {
            FileLock probe = channel.tryLock();
            if (probe == null) {
                return false;
            }
            probe.release();
            return true;
        } catch (OverlappingFileLockException e) {
            return false; // held in this JVM
        } catch (NoSuchFileException e) {
            return false; // removed meanwhile
        } catch (IOException e) {
            LOG.log(Level.FINE, "cannot probe the lock of " + dir, e);
            return false;
        }
    }

    /** Removes {@code dir} while holding its lock (so no other sweeper removes it at the same time). */
    private static boolean removeIfDead(Path dir, int[] files, long[] bytes) {
        Path lockFile = dir.resolve(LOCK);
        if (!Files.exists(lockFile)) {
            return olderThan(dir, UNFINISHED_GRACE) && deleteQuietly(dir, files, bytes);
        }
        try (FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.WRITE)) {
            FileLock held = channel.tryLock();
            if (held == null) {
                return false; // alive after all
            }
            try {
                return deleteQuietly(dir, files, bytes);
            } finally {
                held.release();
            }
        } catch (OverlappingFileLockException | NoSuchFileException e) {
            return false;
        } catch (IOException e) {
            LOG.log(Level.WARNING, "cannot remove the stale spool directory " + dir + ": " + e.getMessage());
            return false;
        }
    }

    private static boolean deleteQuietly(Path dir, int[] files, long[] bytes) {
        try {
            try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
                for (Path f : entries) {
                    if (!f.getFileName().toString().equals(LOCK) && Files.isRegularFile(f)) {
                        bytes[0] += Files.size(f);
                        files[0]++;
                    }
                }
            }
            deleteTree(dir);
            return true;
        } catch (IOException e) {
            LOG.log(Level.WARNING, "cannot remove the stale spool directory " + dir + ": " + e.getMessage());
            return false;
        }
    }

    private static boolean olderThan(Path path, Duration age) {
        try {
            return Files.getLastModifiedTime(path).toInstant().isBefore(Instant.now().minus(age));
        } catch (IOException e) {
            return false;
        }
    }

    private static List<Path> list(Path tmp) {
        if (!Files.isDirectory(tmp)) {
            return List.of();
        }
        List<Path> out = new ArrayList<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(tmp)) {
            entries.forEach(out::add);
        } catch (IOException e) {
            LOG.log(Level.WARNING, "cannot list " + tmp + ": " + e.getMessage());
        }
        return out;
    }

    private static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        Files.walkFileTree(root, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.deleteIfExists(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path file, IOException e) throws IOException {
                if (e instanceof NoSuchFileException) {
                    return FileVisitResult.CONTINUE;
                }
                throw e;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path dir, IOException e) throws IOException {
                if (e != null && !(e instanceof NoSuchFileException)) {
                    throw e;
                }
                Files.deleteIfExists(dir);
                return FileVisitResult.CONTINUE;
            }
        });
    }
}
