package dev.portalkit.runtime.files.fs;

import dev.portalkit.api.PortalException;
import dev.portalkit.api.files.FileData;
import dev.portalkit.api.files.FilesException;
import dev.portalkit.api.files.Location;
import dev.portalkit.api.files.Manager;
import dev.portalkit.api.files.StorageReader;
import dev.portalkit.api.files.Storage;
import dev.portalkit.api.files.StorageSettings;
import dev.portalkit.api.files.Uploader;
import dev.portalkit.runtime.files.managed.LocalFileAdopter;
import java.io.IOException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

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

    private final StorageSettings settings;
    private final Path root;
    private final FsPaths paths;
    private final Uploader uploader;
    private final StorageReader reader;
    private final Manager manager;

    /**
     * Opens the folder of {@code settings}' {@code path}, creating it when {@code create_path}
     * or {@code initialize} is set.
     *
     * @param publicRoot the URL of the folder for public links, or {@code null}
     * @throws PortalException CONFIG_INVALID naming the key when the folder is not usable
     */
    public FsStorage(StorageSettings settings, String publicRoot) {
        this(settings, publicRoot, false);
    }

    /**
     * Opens the folder of {@code settings}' {@code path}, creating it when {@code create_path}
     * or {@code initialize} is set.
     *
     * @param publicRoot      the URL of the folder for public links, or {@code null}
     * @param alwaysRecursive locations may have sub-folders whatever {@code recursive} says (files:ckan_resource_fs)
     * @throws PortalException CONFIG_INVALID naming the key when the folder is not usable
     */
    public FsStorage(StorageSettings settings, String publicRoot, boolean alwaysRecursive) {
        this.settings = settings;
        boolean recursive = alwaysRecursive || settings.flag("recursive");
        boolean fsync = settings.flag("fsync");
        String linkRoot = publicRoot == null ? null : publicRoot.replaceAll("/+$", "");
        Set<PosixFilePermission> fileMode = PosixFilePermissions.fromString(publicRoot == null ? "rw-------" : "rw-r--r--");
        Set<PosixFilePermission> folderMode = PosixFilePermissions.fromString(publicRoot == null ? "rwx------" : "rwxr-xr-x");
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
                FsPaths.makeFolders(folder, folderMode);
            } catch (IOException e) {
                throw PortalException.config(settings.key("path") + ": cannot create folder " + folder + ": " + e);
            }
        }
        if (!Files.isDirectory(folder)) {
            throw PortalException.config(settings.key("path") + ": " + folder + " is not a folder");
        }
        this.root = folder;
        Path realRoot;
        try {
            realRoot = folder.toRealPath();
        } catch (IOException e) {
            throw PortalException.config(settings.key("path") + ": cannot resolve " + folder + ": " + e);
        }
        this.paths = new FsPaths(settings, folder, realRoot, recursive, fsync, fileMode, folderMode);
        this.uploader = new FsUploader(paths, new FsMultipart(paths));
        this.reader = new FsReader(paths, linkRoot);
        this.manager = new FsManager(paths);
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

    // ---- locations ------------------------------------------------------------------------------

    /**
     * The file of a location, refused (BAD_REQUEST) when it would leave the folder, directly or
     * through a symbolic link, or name the reserved folder.
     */
    public Path resolve(Location location) {
        return paths.resolve(location);
    }

    /**
     * Whether {@code candidate} is {@code folder} or inside it, compared by path segments after
     * normalisation: {@code /data/files-secret} is not inside {@code /data/files}, whatever a
     * string prefix says.
     */
    public static boolean contains(Path folder, Path candidate) {
        return candidate.toAbsolutePath().normalize().startsWith(folder.toAbsolutePath().normalize());
    }

    /**
     * Links {@code file} into the storage's temporary folder and publishes it at {@code location}:
     * no byte is copied. Empty when no hard link can be made (another file system, or none
     * supported): then nothing was stored.
     */
    @Override
    public Optional<FileData> adopt(Location location, Path file, boolean overwrite) {
        Path target = paths.resolve(location);
        if (!overwrite && Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
            throw FilesException.existingFile(paths.name(), location);
        }
        try {
            Path temp = paths.ownFolder("tmp").resolve("adopt-" + UUID.randomUUID() + ".part");
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
                FsPaths.deleteQuietly(temp, e);
                throw e;
            }
            paths.publish(temp, target, location, overwrite);
            return Optional.of(new FileData(location, size, "", "", "", Map.of()));
        } catch (IOException e) {
            throw paths.failure("cannot write", location, e);
        }
    }
}
