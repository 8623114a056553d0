package dev.portalkit.runtime.files.fs;

import dev.portalkit.api.ErrorKind;
import dev.portalkit.api.PortalException;
import dev.portalkit.api.files.Capability;
import dev.portalkit.api.files.FileData;
import dev.portalkit.api.files.FileStat;
import dev.portalkit.api.files.FilesException;
import dev.portalkit.api.files.Location;
import dev.portalkit.api.files.Manager;
import dev.portalkit.api.files.MultipartData;
import dev.portalkit.api.files.StorageReader;
import dev.portalkit.api.files.Storage;
import dev.portalkit.api.files.StorageSettings;
import dev.portalkit.api.files.Upload;
import dev.portalkit.api.files.Uploader;
import dev.portalkit.runtime.PrivateFiles;
import dev.portalkit.runtime.files.ContentTypes;
import dev.portalkit.runtime.files.Hashing;
import dev.portalkit.runtime.files.LocalFileAdopter;
import dev.portalkit.runtime.files.LocationRules;
import dev.portalkit.runtime.files.Streams;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryNotEmptyException;
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
import java.security.MessageDigest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * A storage in a local folder ({@code files:fs}, and {@code files:public_fs} with a
 * {@code public_root}). A location is a path relative to the folder; without {@code recursive},
 * a plain file name.
 *
 * <p>Containment: a location is resolved and normalised, then compared with the folder by path
 * segments (so {@code /data/files} never reaches {@code /data/files-secret}), and the deepest
 * existing part of it must resolve, symbolic links followed, inside the folder's real path.
 *
 * <p>Writes go to a temporary file under {@code <path>/.portalkit/tmp} and are published by an
 * atomic rename (replacing) or a hard link (not replacing: fails if a file appeared meanwhile), so
 * readers never see a partial file and a failed upload leaves nothing behind. A complete local file
 * on the same file system (a spooled request upload) is {@link #adopt adopted}: hard-linked into
 * that temporary folder and published the same way, without copying a byte. Multipart parts are
 * files in {@code <path>/.portalkit/multipart/<upload id>/}, concatenated at completion. The
 * {@code .portalkit} folder is reserved: no location may start with it and scans skip it.
 */
public class FsStorage implements Storage, LocalFileAdopter {
    /** The storage's own folder inside its root. */
    public static final String RESERVED = ".portalkit";

    private static final Set<Capability> WRITES = EnumSet.of(Capability.CREATE, Capability.MULTIPART);
    private static final Set<PosixFilePermission> OWNER_ONLY_FOLDER = PosixFilePermissions.fromString("rwx------");
    private static final Set<Capability> READS = EnumSet.of(Capability.STREAM, Capability.RANGE);
    private static final Set<Capability> MANAGES = EnumSet.of(Capability.REMOVE, Capability.EXISTS, Capability.SCAN,
            Capability.ANALYZE, Capability.COPY, Capability.MOVE, Capability.APPEND, Capability.COMPOSE);

    private final StorageSettings settings;
    private final Path root;
    private final Path realRoot;
    private final boolean recursive;
    private final boolean fsync;
    private final String publicRoot;
    /** Modes of what the storage creates: readable by a web server for files:public_fs, the owner's alone otherwise. */
    private final Set<PosixFilePermission> fileMode;
    private final Set<PosixFilePermission> folderMode;
    private final Uploader uploader = new FsUploader();
    private final StorageReader reader = new FsReader();
    private final Manager manager = new FsManager();

    /**
     * Opens the folder of {@code settings}' {@code path}, creating it when {@code create_path}
     * or {@code initialize} is set.
     *
     * @param publicRoot the URL of the folder for public links, or {@code null}
     * @throws PortalException CONFIG_INVALID naming the key when the folder is not usable
     */
    public FsStorage(StorageSettings settings, String publicRoot) {
        this.settings = settings;
        this.recursive = settings.flag("recursive");
        this.fsync = settings.flag("fsync");
        this.publicRoot = publicRoot == null ? null : publicRoot.replaceAll("/+$", "");
        this.fileMode = PosixFilePermissions.fromString(publicRoot == null ? "rw-------" : "rw-r--r--");
        this.folderMode = PosixFilePermissions.fromString(publicRoot == null ? "rwx------" : "rwxr-xr-x");
        String path = settings.option("path");
        if (path == null || path.isBlank()) {
            throw PortalException.config(settings.key("path") + ": missing value");
        }
        Path folder;
        try {
            folder = Path.of(path).toAbsolutePath().normalize();
        } catch (InvalidPathException e) {
            throw PortalException.config(settings.key("path") + ": not a path: " + e.getReason());
        }
        if (!Files.exists(folder)) {
            if (!settings.flag("create_path") && !settings.initialize()) {
                throw PortalException.config(settings.key("path") + ": folder " + folder
                        + " does not exist (set create_path = true to create it)");
            }
            try {
                makeFolders(folder, folderMode);
            } catch (IOException e) {
                throw PortalException.config(settings.key("path") + ": cannot create folder " + folder + ": " + e);
            }
        }
        if (!Files.isDirectory(folder)) {
            throw PortalException.config(settings.key("path") + ": " + folder + " is not a folder");
        }
        this.root = folder;
        try {
            this.realRoot = folder.toRealPath();
        } catch (IOException e) {
            throw PortalException.config(settings.key("path") + ": cannot resolve " + folder + ": " + e);
        }
    }

    @Override
    public StorageSettings settings() {
        return settings;
    }

    @Override
    public Uploader uploader() {
        return uploader;
    }

    @Override
    public StorageReader reader() {
        return reader;
    }

    @Override
    public Manager manager() {
        return manager;
    }

    /** The storage's folder. */
    public Path root() {
        return root;
    }

    private String name() {
        return settings.name();
    }

    // ---- locations ------------------------------------------------------------------------------

    /**
     * The file of a location, refused (BAD_REQUEST) when it would leave the folder, directly or
     * through a symbolic link, or name the reserved folder.
     */
    public Path resolve(Location location) {
        String value = location.value();
        LocationRules.check(value);
        if (!recursive && value.contains("/")) {
            throw FilesException.badLocation(value, "storage " + name() + " is not recursive, so a location cannot contain '/' ("
                    + settings.key("recursive") + ")");
        }
        if (value.equals(RESERVED) || value.startsWith(RESERVED + "/")) {
            throw FilesException.badLocation(value, "'" + RESERVED + "' is reserved for the storage's own use");
        }
        Path target;
        try {
            target = root.resolve(value).normalize();
        } catch (InvalidPathException e) {
            throw FilesException.badLocation(value, "it cannot be a file name here: " + e.getReason());
        }
        if (!contains(root, target) || target.equals(root)) {
            throw FilesException.badLocation(value, "it leaves the storage's folder");
        }
        Path existing = target;
        while (existing != null && !Files.exists(existing, LinkOption.NOFOLLOW_LINKS)) {
            existing = existing.getParent();
        }
        try {
            if (existing == null || !contains(realRoot, existing.toRealPath())) {
                throw FilesException.badLocation(value, "it leads out of the storage's folder through a symbolic link");
            }
        } catch (IOException e) {
            throw FilesException.badLocation(value, "it cannot be resolved: " + e.getMessage());
        }
        return target;
    }

    /**
     * Whether {@code candidate} is {@code folder} or inside it, compared by path segments after
     * normalisation: {@code /data/files-secret} is not inside {@code /data/files}, whatever a
     * string prefix says.
     */
    public static boolean contains(Path folder, Path candidate) {
        return candidate.toAbsolutePath().normalize().startsWith(folder.toAbsolutePath().normalize());
    }

    private Path existingFile(Location location) {
        Path file = resolve(location);
        if (!Files.isRegularFile(file)) {
            throw FilesException.missingFile(name(), location);
        }
        return file;
    }

    /** A folder of the storage's own below {@code .portalkit}: the owner's alone, also in a public storage (parts, temporary files). */
    private Path ownFolder(String sub) throws IOException {
        return makeFolders(root.resolve(RESERVED).resolve(sub), OWNER_ONLY_FOLDER);
    }

    /**
     * Creates {@code folder} and its missing parents with {@code mode} (set explicitly: the umask
     * does not narrow or widen it); folders that exist keep theirs.
     */
    private static Path makeFolders(Path folder, Set<PosixFilePermission> mode) throws IOException {
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

    private static void setMode(Path path, Set<PosixFilePermission> mode) throws IOException {
        if (path.getFileSystem().supportedFileAttributeViews().contains("posix")) {
            Files.setPosixFilePermissions(path, mode);
        }
    }

    /**
     * Sets a moved file's mtime to now: a rename keeps the old one, and maintenance tells bytes
     * whose record is still being committed from forgotten ones by it (see {@code stat}).
     */
    private static void markWritten(Path file) {
        try {
            Files.setLastModifiedTime(file, FileTime.from(Instant.now()));
        } catch (IOException e) {
            // Best effort: the file is moved either way.
        }
    }

    private Path tempFile() throws IOException {
        return Files.createTempFile(ownFolder("tmp"), "upload-", ".part");
    }

    /**
     * Makes {@code temp} the file at {@code target}: an atomic rename when replacing, a hard link
     * (which fails if the target exists) otherwise. {@code temp} is gone afterwards either way.
     */
    private void publish(Path temp, Path target, Location location, boolean replace) throws IOException {
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
    private static void forceFolders(Path dir, Path existing) throws IOException {
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

    /**
     * Links {@code file} into the storage's temporary folder and publishes it at {@code location}:
     * no byte is copied. Empty when no hard link can be made (another file system, or none
     * supported): then nothing was stored.
     */
    @Override
    public Optional<FileData> adopt(Location location, Path file, boolean overwrite) {
        Path target = resolve(location);
        if (!overwrite && Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
            throw FilesException.existingFile(name(), location);
        }
        try {
            Path temp = ownFolder("tmp").resolve("adopt-" + UUID.randomUUID() + ".part");
            try {
                Files.createLink(temp, file);
            } catch (UnsupportedOperationException | FileSystemException e) {
                // EXDEV (another file system), EPERM (no hard links there), ...: the caller copies instead.
                return Optional.empty();
            }
            long size;
            try {
                size = Files.size(temp);
            } catch (IOException | RuntimeException e) {
                deleteQuietly(temp, e);
                throw e;
            }
            publish(temp, target, location, overwrite);
            return Optional.of(new FileData(location, size, "", "", "", Map.of()));
        } catch (IOException e) {
            throw failure("cannot write", location, e);
        }
    }

    private FilesException failure(String what, Location location, IOException e) {
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

    private static void deleteQuietly(Path path, Throwable cause) {
        if (path == null) {
            return;
        }
        try {
            Files.deleteIfExists(path);
        } catch (IOException e) {
            cause.addSuppressed(e);
        }
    }

    private static void deleteTree(Path dir) throws IOException {
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
    private Path writeTemp(Upload upload) throws IOException {
        Path temp = tempFile();
        try (InputStream in = upload.open(); OutputStream out = Files.newOutputStream(temp)) {
            Streams.copy(in, out, null);
            return temp;
        } catch (IOException | RuntimeException e) {
            deleteQuietly(temp, e);
            throw e;
        }
    }

    private String hashingAlgorithm() {
        return settings.hashingAlgorithm();
    }

    // ---- services -------------------------------------------------------------------------------

    private final class FsUploader implements Uploader {
        @Override
        public Set<Capability> capabilities() {
            return WRITES;
        }

        @Override
        public FileData upload(Location location, Upload upload, boolean overwrite) {
            Path target = resolve(location);
            if (!overwrite && Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
                throw FilesException.existingFile(name(), location);
            }
            try {
                Path temp = writeTemp(upload);
                long size = Files.size(temp);
                publish(temp, target, location, overwrite);
                return new FileData(location, size, upload.contentType(), "", "", Map.of());
            } catch (IOException e) {
                throw failure("cannot write", location, e);
            }
        }

        @Override
        public MultipartData multipartStart(MultipartData data) {
            resolve(data.location());
            String id = UUID.randomUUID().toString();
            try {
                makeFolders(ownFolder("multipart").resolve(id), OWNER_ONLY_FOLDER);
            } catch (IOException e) {
                throw failure("cannot start a multipart upload of", data.location(), e);
            }
            return data.withStorageData(Map.of("upload_id", id, "parts", Map.of()));
        }

        @Override
        public MultipartData multipartUpdate(MultipartData data, int part, Upload content) {
            Path dir = partsFolder(data);
            Path temp = null;
            try {
                temp = Files.createTempFile(dir, "part-" + part + "-", ".tmp");
                try (InputStream in = content.open(); OutputStream out = Files.newOutputStream(temp)) {
                    Streams.copy(in, out, null);
                }
                Files.move(temp, dir.resolve(Integer.toString(part)), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                return multipartRefresh(data);
            } catch (IOException e) {
                deleteQuietly(temp, e);
                throw failure("cannot store part " + part + " of", data.location(), e);
            } catch (RuntimeException e) {
                deleteQuietly(temp, e);
                throw e;
            }
        }

        @Override
        public MultipartData multipartRefresh(MultipartData data) {
            Map<String, Object> parts = new LinkedHashMap<>();
            parts(partsFolder(data)).forEach((n, p) -> {
                try {
                    parts.put(Integer.toString(n), Files.size(p));
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
            Map<String, Object> state = new LinkedHashMap<>(data.storageData());
            state.put("parts", parts);
            return data.withStorageData(state);
        }

        @Override
        public FileData multipartComplete(MultipartData data) {
            Path dir = partsFolder(data);
            Map<Integer, Path> parts = parts(dir);
            if (parts.isEmpty()) {
                throw new FilesException(ErrorKind.BAD_REQUEST, "multipart upload of " + data.location() + " has no parts");
            }
            for (int n = 1; n <= parts.size(); n++) {
                if (!parts.containsKey(n)) {
                    throw new FilesException(ErrorKind.BAD_REQUEST, "multipart upload of " + data.location() + ": part " + n
                            + " is missing");
                }
            }
            Path target = resolve(data.location());
            boolean replace = settings.overwriteExisting();
            if (!replace && Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
                throw FilesException.existingFile(name(), data.location());
            }
            Path temp = null;
            try {
                temp = tempFile();
                MessageDigest digest = Hashing.digest(hashingAlgorithm());
                long size = 0;
                try (OutputStream out = Files.newOutputStream(temp)) {
                    for (Path part : parts.values()) {
                        try (InputStream in = Files.newInputStream(part)) {
                            size += Streams.copy(in, out, digest);
                        }
                    }
                }
                publish(temp, target, data.location(), replace);
                deleteTree(dir);
                return new FileData(data.location(), size, data.contentType(), Hashing.hex(digest), hashingAlgorithm(), Map.of());
            } catch (IOException e) {
                deleteQuietly(temp, e);
                throw failure("cannot assemble", data.location(), e);
            } catch (RuntimeException e) {
                deleteQuietly(temp, e);
                throw e;
            }
        }

        @Override
        public void multipartAbort(MultipartData data) {
            try {
                deleteTree(partsFolder(data));
            } catch (IOException e) {
                throw failure("cannot abort the multipart upload of", data.location(), e);
            }
        }

        private Path partsFolder(MultipartData data) {
            resolve(data.location());
            Object id = data.storageData().get("upload_id");
            String text = id == null ? "" : id.toString();
            try {
                if (!UUID.fromString(text).toString().equals(text)) {
                    throw new IllegalArgumentException(text);
                }
            } catch (IllegalArgumentException e) {
                throw new FilesException(ErrorKind.BAD_REQUEST, "not a multipart upload of storage " + name() + ": upload_id '"
                        + text + "'");
            }
            Path dir = root.resolve(RESERVED).resolve("multipart").resolve(text);
            if (!Files.isDirectory(dir)) {
                throw new FilesException(ErrorKind.NOT_FOUND, "multipart upload " + text + " of " + data.location()
                        + " does not exist in storage " + name() + " (completed or aborted)");
            }
            return dir;
        }

        private Map<Integer, Path> parts(Path dir) {
            Map<Integer, Path> parts = new TreeMap<>();
            try (Stream<Path> files = Files.list(dir)) {
                files.forEach(p -> {
                    String n = p.getFileName().toString();
                    if (n.matches("[1-9][0-9]{0,5}")) {
                        parts.put(Integer.parseInt(n), p);
                    }
                });
            } catch (IOException e) {
                throw FilesException.backend(name(), "cannot list parts in " + dir.getFileName(), e);
            }
            return parts;
        }
    }

    private final class FsReader implements StorageReader {
        @Override
        public Set<Capability> capabilities() {
            EnumSet<Capability> caps = EnumSet.copyOf(READS);
            if (publicRoot != null) {
                caps.add(Capability.PUBLIC_LINK);
            }
            return caps;
        }

        @Override
        public InputStream stream(FileData data) {
            Path file = existingFile(data.location());
            try {
                return Files.newInputStream(file);
            } catch (IOException e) {
                throw failure("cannot read", data.location(), e);
            }
        }

        @Override
        public InputStream range(FileData data, long start, long end) {
            Path file = existingFile(data.location());
            try {
                FileChannel channel = FileChannel.open(file, StandardOpenOption.READ);
                channel.position(start);
                return Streams.limited(Channels.newInputStream(channel), end - start);
            } catch (IOException e) {
                throw failure("cannot read", data.location(), e);
            }
        }

        @Override
        public Optional<Path> localFile(FileData data) {
            Path file = resolve(data.location());
            return Files.isRegularFile(file) ? Optional.of(file) : Optional.empty();
        }

        @Override
        public URI publicLink(FileData data) {
            if (publicRoot == null) {
                return StorageReader.super.publicLink(data);
            }
            resolve(data.location());
            return URI.create(publicRoot + "/" + encodePath(data.location().value()));
        }
    }

    /** Percent-encodes every byte of each segment except unreserved characters. */
    static String encodePath(String location) {
        StringBuilder out = new StringBuilder();
        for (byte b : location.getBytes(StandardCharsets.UTF_8)) {
            char c = (char) (b & 0xff);
            if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || "-._~/".indexOf(c) >= 0) {
                out.append(c);
            } else {
                out.append('%').append(String.format("%02X", b & 0xff));
            }
        }
        return out.toString();
    }

    private final class FsManager implements Manager {
        @Override
        public Set<Capability> capabilities() {
            return MANAGES;
        }

        @Override
        public boolean remove(FileData data) {
            Path file = resolve(data.location());
            if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
                return false;
            }
            try {
                return Files.deleteIfExists(file);
            } catch (IOException e) {
                throw failure("cannot remove", data.location(), e);
            }
        }

        @Override
        public boolean exists(FileData data) {
            return Files.isRegularFile(resolve(data.location()));
        }

        /** Size and mtime of the file (a move sets the mtime, so it is when the bytes came to this location). */
        @Override
        public Optional<FileStat> stat(FileData data) {
            Path file = resolve(data.location());
            try {
                BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
                return attributes.isRegularFile()
                        ? Optional.of(new FileStat(attributes.size(), attributes.lastModifiedTime().toInstant())) : Optional.empty();
            } catch (NoSuchFileException | java.nio.file.NotDirectoryException e) {
                return Optional.empty();
            } catch (IOException e) {
                throw failure("cannot read the attributes of", data.location(), e);
            }
        }

        @Override
        public FileData copy(Location target, FileData source, boolean overwrite) {
            Path from = existingFile(source.location());
            Path to = resolve(target);
            if (!overwrite && Files.exists(to, LinkOption.NOFOLLOW_LINKS)) {
                throw FilesException.existingFile(name(), target);
            }
            try {
                Path temp = tempFile();
                try {
                    Files.copy(from, temp, StandardCopyOption.REPLACE_EXISTING);
                } catch (IOException | RuntimeException e) {
                    deleteQuietly(temp, e);
                    throw e;
                }
                long size = Files.size(temp);
                publish(temp, to, target, overwrite);
                return new FileData(target, size, source.contentType(), sameAlgorithm(source) ? source.hash() : "",
                        sameAlgorithm(source) ? source.hashAlgorithm() : "", Map.of());
            } catch (IOException e) {
                throw failure("cannot copy to", target, e);
            }
        }

        @Override
        public FileData move(Location target, FileData source, boolean overwrite) {
            Path from = existingFile(source.location());
            Path to = resolve(target);
            try {
                try {
                    makeFolders(to.getParent(), folderMode);
                } catch (FileAlreadyExistsException e) {
                    throw new FilesException(ErrorKind.CONFLICT, "cannot move to " + target + ": a part of its path is a file");
                }
                setMode(from, fileMode);
                long size = Files.size(from);
                if (overwrite) {
                    try {
                        Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                    } catch (AtomicMoveNotSupportedException e) {
                        Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
                    } catch (DirectoryNotEmptyException e) {
                        throw new FilesException(ErrorKind.CONFLICT, "cannot move to " + target + ": it is a folder");
                    }
                } else {
                    // A hard link fails if the target exists: no window in which it could be replaced.
                    boolean linked;
                    try {
                        Files.createLink(to, from);
                        linked = true;
                    } catch (FileAlreadyExistsException e) {
                        throw FilesException.existingFile(name(), target);
                    } catch (UnsupportedOperationException | IOException e) {
                        linked = false;
                    }
                    if (linked) {
                        if (fsync) {
                            forceFolders(to.getParent(), to.getParent());
                        }
                        Files.delete(from);
                    } else {
                        try {
                            Files.move(from, to);
                        } catch (FileAlreadyExistsException exists) {
                            throw FilesException.existingFile(name(), target);
                        }
                    }
                }
                markWritten(to);
                return new FileData(target, size, source.contentType(), source.hash(), source.hashAlgorithm(), Map.of());
            } catch (IOException e) {
                throw failure("cannot move to", target, e);
            }
        }

        @Override
        public Stream<Location> scan() {
            Path reserved = root.resolve(RESERVED);
            try {
                Stream<Path> files = Files.walk(root, recursive ? Integer.MAX_VALUE : 1);
                return files.filter(p -> !p.startsWith(reserved) && Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS))
                        .map(p -> new Location(relative(p)));
            } catch (IOException e) {
                throw FilesException.backend(name(), "cannot list " + root, e);
            }
        }

        private String relative(Path file) {
            List<String> parts = new ArrayList<>();
            for (Path p : root.relativize(file)) {
                parts.add(p.toString());
            }
            return String.join("/", parts);
        }

        @Override
        public FileData append(FileData data, Upload content) {
            Path file = existingFile(data.location());
            long before;
            try {
                before = Files.size(file);
            } catch (IOException e) {
                throw failure("cannot append to", data.location(), e);
            }
            try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE, StandardOpenOption.APPEND)) {
                try (InputStream in = content.open()) {
                    Streams.copy(in, Channels.newOutputStream(channel), null);
                    return new FileData(data.location(), channel.size(), data.contentType(), "", "", data.storageData());
                } catch (IOException | RuntimeException e) {
                    try {
                        channel.truncate(before);
                    } catch (IOException t) {
                        e.addSuppressed(t);
                    }
                    throw e;
                }
            } catch (IOException e) {
                throw failure("cannot append to", data.location(), e);
            }
        }

        @Override
        public FileData compose(Location target, List<FileData> sources, boolean overwrite) {
            List<Path> from = sources.stream().map(s -> existingFile(s.location())).toList();
            Path to = resolve(target);
            if (!overwrite && Files.exists(to, LinkOption.NOFOLLOW_LINKS)) {
                throw FilesException.existingFile(name(), target);
            }
            Path temp = null;
            try {
                temp = tempFile();
                MessageDigest digest = Hashing.digest(hashingAlgorithm());
                long size = 0;
                try (OutputStream out = Files.newOutputStream(temp)) {
                    for (Path p : from) {
                        try (InputStream in = Files.newInputStream(p)) {
                            size += Streams.copy(in, out, digest);
                        }
                    }
                }
                publish(temp, to, target, overwrite);
                return new FileData(target, size, sources.get(0).contentType(), Hashing.hex(digest), hashingAlgorithm(), Map.of());
            } catch (IOException e) {
                deleteQuietly(temp, e);
                throw failure("cannot compose", target, e);
            } catch (RuntimeException e) {
                deleteQuietly(temp, e);
                throw e;
            }
        }

        @Override
        public FileData analyze(Location location) {
            Path file = existingFile(location);
            MessageDigest digest = Hashing.digest(hashingAlgorithm());
            try (InputStream in = Files.newInputStream(file)) {
                byte[] head = in.readNBytes(ContentTypes.SNIFF_BYTES);
                digest.update(head);
                long size = head.length + Streams.copy(in, OutputStream.nullOutputStream(), digest);
                String type = ContentTypes.detect(head, head.length, LocationRules.fileName(location.value()), null);
                return new FileData(location, size, type, Hashing.hex(digest), hashingAlgorithm(), Map.of());
            } catch (IOException e) {
                throw failure("cannot analyze", location, e);
            }
        }

        private boolean sameAlgorithm(FileData source) {
            return !source.hash().isEmpty() && hashingAlgorithm().equalsIgnoreCase(source.hashAlgorithm());
        }
    }
}
