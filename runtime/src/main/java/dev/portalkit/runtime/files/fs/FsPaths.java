package dev.portalkit.runtime.files.fs;

import dev.portalkit.api.ErrorKind;
import dev.portalkit.api.files.FilesException;
import dev.portalkit.api.files.Location;
import dev.portalkit.api.files.StorageSettings;
import dev.portalkit.api.files.Upload;
import dev.portalkit.runtime.PrivateFiles;
import dev.portalkit.runtime.files.content.LocationRules;
import dev.portalkit.runtime.files.content.Streams;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.Comparator;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The folder of an {@link FsStorage}: resolves locations inside it and publishes written files there
 * (a temporary file under {@code .portalkit/tmp}, then an atomic rename or a hard link), with the
 * modes, fsync and error messages that go with it.
 */
final class FsPaths {
    static final Set<PosixFilePermission> OWNER_ONLY_FOLDER = PosixFilePermissions.fromString("rwx------");

    private final StorageSettings settings;
    private final Path root;
    private final Path realRoot;
    private final boolean recursive;
    private final boolean fsync;
    /** Modes of what the storage creates: readable by a web server for files:public_fs, the owner's alone otherwise. */
    private final Set<PosixFilePermission> fileMode;
    private final Set<PosixFilePermission> folderMode;

    FsPaths(StorageSettings settings, Path root, Path realRoot, boolean recursive, boolean fsync,
            Set<PosixFilePermission> fileMode, Set<PosixFilePermission> folderMode) {
        this.settings = settings;
        this.root = root;
        this.realRoot = realRoot;
        this.recursive = recursive;
        this.fsync = fsync;
        this.fileMode = fileMode;
        this.folderMode = folderMode;
    }

    StorageSettings settings() {
        return settings;
    }

    Path root() {
        return root;
    }

    boolean recursive() {
        return recursive;
    }

    boolean fsync() {
        return fsync;
    }

    Set<PosixFilePermission> fileMode() {
        return fileMode;
    }

    Set<PosixFilePermission> folderMode() {
        return folderMode;
    }

    String name() {
        return settings.name();
    }

    /** The checks behind {@link FsStorage#resolve}. */
    Path resolve(Location location) {
        String value = location.value();
        LocationRules.check(value);
        if (!recursive && value.contains("/")) {
            throw FilesException.badLocation(value, "storage " + name() + " is not recursive, so a location cannot contain '/' ("
                    + settings.key("recursive") + ")");
        }
        if (value.equals(FsStorage.RESERVED) || value.startsWith(FsStorage.RESERVED + "/")) {
            throw FilesException.badLocation(value, "'" + FsStorage.RESERVED + "' is reserved for the storage's own use");
        }
        Path target;
        try {
            target = root.resolve(value).normalize();
        } catch (InvalidPathException e) {
            throw FilesException.badLocation(value, "it cannot be a file name here: " + e.getReason());
        }
        if (!FsStorage.contains(root, target) || target.equals(root)) {
            throw FilesException.badLocation(value, "it leaves the storage's folder");
        }
        Path link = deepestLink(target);
        try {
            if (link != null && !FsStorage.contains(realRoot, link.toRealPath())) {
                throw FilesException.badLocation(value, "it leads out of the storage's folder through a symbolic link");
            }
        } catch (IOException e) {
            throw FilesException.badLocation(value, "it cannot be resolved: " + e.getMessage());
        }
        return target;
    }

    /**
     * The deepest symbolic link among the parts of {@code target} below the root, or {@code null}
     * when there is none. {@code target} is inside the root by its name, so only a link below the
     * root can lead it out: each existing part is looked at without following links (one
     * {@code lstat} each, from the file up), and only a path with a link is resolved whole. Resolving
     * every path whole cost a {@code readlink} for each folder from {@code /} down, on every read (ten
     * system calls of a small download's 27).
     */
    private Path deepestLink(Path target) {
        for (Path part = target; part != null && !part.equals(root); part = part.getParent()) {
            BasicFileAttributes attributes;
            try {
                attributes = Files.readAttributes(part, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            } catch (IOException e) {
                continue; // not there (yet), or below a file: its folder decides (what comes next fails on it)
            }
            if (attributes.isSymbolicLink()) {
                return part;
            }
        }
        return null;
    }

    Path existingFile(Location location) {
        Path file = resolve(location);
        if (!Files.isRegularFile(file)) {
            throw FilesException.missingFile(name(), location);
        }
        return file;
    }

    /** A folder of the storage's own below {@code .portalkit}: the owner's alone, also in a public storage (parts, temporary files). */
    Path ownFolder(String sub) throws IOException {
        return makeFolders(root.resolve(FsStorage.RESERVED).resolve(sub), OWNER_ONLY_FOLDER);
    }

    /**
     * Creates {@code folder} and its missing parents with {@code mode} (set explicitly: the umask
     * does not narrow or widen it); folders that exist keep theirs.
     */
    static Path makeFolders(Path folder, Set<PosixFilePermission> mode) throws IOException {
        Path existing = folder;
        java.util.ArrayDeque<Path> missing = new java.util.ArrayDeque<>();
        while (existing != null && !Files.exists(existing, LinkOption.NOFOLLOW_LINKS)) {
            missing.push(existing);
            existing = existing.getParent();
        }
        for (Path dir : missing) {
            try {
                Files.createDirectory(dir);
            } catch (FileAlreadyExistsException raced) {
                if (!Files.isDirectory(dir)) {
                    throw raced;
                }
                continue; // made meanwhile by another upload: its mode is set by whoever made it
            }
            setMode(dir, mode);
        }
        if (!Files.isDirectory(folder)) {
            throw new FileAlreadyExistsException(folder.toString(), null, "not a folder");
        }
        return folder;
    }

    static void setMode(Path path, Set<PosixFilePermission> mode) throws IOException {
        if (path.getFileSystem().supportedFileAttributeViews().contains("posix")) {
            Files.setPosixFilePermissions(path, mode);
        }
    }

    /**
     * Sets a moved file's mtime to now: a rename keeps the old one, and maintenance tells bytes
     * whose record is still being committed from forgotten ones by it (see {@code stat}).
     */
    static void markWritten(Path file) {
        try {
            Files.setLastModifiedTime(file, FileTime.from(Instant.now()));
        } catch (IOException e) {
            // Best effort: the file is moved either way.
        }
    }

    Path tempFile() throws IOException {
        return Files.createTempFile(ownFolder("tmp"), "upload-", ".part");
    }

    /**
     * Makes {@code temp} the file at {@code target}: an atomic rename when replacing, a hard link
     * (which fails if the target exists) otherwise. {@code temp} is gone afterwards either way.
     */
    void publish(Path temp, Path target, Location location, boolean replace) throws IOException {
        try {
            Path existing = fsync ? existingAncestor(target.getParent()) : null;
            // The mode the published file has (a hard-linked spool keeps the spool's 0600 otherwise).
            setMode(temp, fileMode);
            try {
                makeFolders(target.getParent(), folderMode);
            } catch (FileAlreadyExistsException e) {
                throw new FilesException(ErrorKind.CONFLICT, "cannot store " + location + " in storage " + name()
                        + ": a part of its path is a file");
            }
            resolve(location); // the folders may have changed meanwhile: check containment again
            if (Files.isDirectory(target, LinkOption.NOFOLLOW_LINKS)) {
                throw new FilesException(ErrorKind.CONFLICT, "cannot store " + location + " in storage " + name()
                        + ": it is a folder");
            }
            if (fsync) {
                forceContent(temp);
            }
            if (replace) {
                try {
                    Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                } catch (AtomicMoveNotSupportedException e) {
                    Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
                }
            } else {
                try {
                    Files.createLink(target, temp);
                } catch (FileAlreadyExistsException e) {
                    throw FilesException.existingFile(name(), location);
                } catch (UnsupportedOperationException | IOException e) {
                    // No hard links on this file system: a plain rename, which refuses an existing target.
                    try {
                        Files.move(temp, target);
                    } catch (FileAlreadyExistsException exists) {
                        throw FilesException.existingFile(name(), location);
                    }
                }
            }
            if (fsync) {
                forceFolders(target.getParent(), existing);
            }
        } finally {
            Files.deleteIfExists(temp);
        }
    }

    /** The deepest folder of {@code dir}'s path that exists (before folders are created below it). */
    private static Path existingAncestor(Path dir) {
        Path p = dir;
        while (p != null && !Files.isDirectory(p)) {
            p = p.getParent();
        }
        return p;
    }

    /** With {@code fsync}: the file's bytes are on the disk, not only in the OS's cache. */
    private static void forceContent(Path file) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
            channel.force(true);
        }
    }

    /**
     * With {@code fsync}: the entries of {@code dir} and of every folder above it up to {@code existing}
     * (the folders just created) are on the disk, so that the file is found after a power loss.
     */
    static void forceFolders(Path dir, Path existing) throws IOException {
        for (Path d = dir; d != null; d = d.getParent()) {
            try (FileChannel channel = FileChannel.open(d, StandardOpenOption.READ)) {
                channel.force(true);
            } catch (IOException e) {
                if (PrivateFiles.posix(d)) {
                    throw e;
                }
                return; // Windows cannot open a folder as a channel; NTFS journals its entries
            }
            if (d.equals(existing)) {
                return;
            }
        }
    }

    FilesException failure(String what, Location location, IOException e) {
        if (e instanceof NoSuchFileException) {
            return FilesException.missingFile(name(), location);
        }
        return FilesException.backend(name(), what + " " + location + ": " + reason(e), e);
    }

    /** What went wrong, for messages that reach API clients: the system's reason, never a class or a server path. */
    private static String reason(IOException e) {
        if (e instanceof java.nio.file.AccessDeniedException) {
            return "permission denied";
        }
        if (e instanceof java.nio.file.FileSystemException fse && fse.getReason() != null) {
            return fse.getReason();
        }
        return "input/output error";
    }

    static void deleteQuietly(Path path, Throwable cause) {
        if (path == null) {
            return;
        }
        try {
            Files.deleteIfExists(path);
        } catch (IOException e) {
            cause.addSuppressed(e);
        }
    }

    static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (Stream<Path> all = Files.walk(dir)) {
            for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    /** Writes {@code upload} to a new temporary file; returns it. */
    Path writeTemp(Upload upload) throws IOException {
        Path temp = tempFile();
        try (InputStream in = upload.open(); OutputStream out = Files.newOutputStream(temp)) {
            Streams.copy(in, out, null);
            return temp;
        } catch (IOException | RuntimeException e) {
            deleteQuietly(temp, e);
            throw e;
        }
    }

    String hashingAlgorithm() {
        return settings.hashingAlgorithm();
    }
}
