package dev.portalkit.runtime;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.EnumSet;
import java.util.Set;

/**
 * Files and folders only the portal's operating-system user may use: folders {@code 0700}, files
 * {@code 0600}, set when they are created (not left to the process's umask). What the portal keeps
 * in its data directory (the database, secrets, spooled uploads, stored files, change logs, the
 * command socket) is made through these methods. On a file system without POSIX permissions
 * (Windows) they create the same things with its defaults.
 */
public final class PrivateFiles {
    /** {@code rw-------}. */
    public static final Set<PosixFilePermission> FILE = PosixFilePermissions.fromString("rw-------");
    /** {@code rwx------}. */
    public static final Set<PosixFilePermission> FOLDER = PosixFilePermissions.fromString("rwx------");
    private static final Set<PosixFilePermission> GROUP_AND_OTHERS = EnumSet.of(
            PosixFilePermission.GROUP_READ, PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_EXECUTE,
            PosixFilePermission.OTHERS_READ, PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_EXECUTE);

    private PrivateFiles() {
    }

    /** Whether {@code path}'s file system has POSIX permissions. */
    public static boolean posix(Path path) {
        return path.getFileSystem().supportedFileAttributeViews().contains("posix");
    }

    /** The attribute that creates a file {@code 0600} (none on a non-POSIX file system). */
    public static FileAttribute<?>[] fileAttributes(Path path) {
        return posix(path) ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(FILE)} : new FileAttribute<?>[0];
    }

    /**
     * Like {@link Files#createDirectories} (a {@link FileAlreadyExistsException} when a file is in
     * the way), but every folder it creates is {@code 0700}; folders that exist already are left
     * as they are.
     *
     * @return {@code dir}
     */
    public static Path createDirectories(Path dir) throws IOException {
        Path absolute = dir.toAbsolutePath();
        if (Files.isDirectory(absolute)) {
            return dir;
        }
        Path parent = absolute.getParent();
        if (parent != null && !Files.exists(parent)) {
            createDirectories(parent);
        } else if (parent != null && !Files.isDirectory(parent)) {
            throw new FileAlreadyExistsException(parent.toString(), null, "a file where a folder should be");
        }
        try {
            if (posix(absolute)) {
                Files.createDirectory(absolute, PosixFilePermissions.asFileAttribute(FOLDER));
                // The umask may have taken owner bits away: set them exactly.
                Files.setPosixFilePermissions(absolute, FOLDER);
            } else {
                Files.createDirectory(absolute);
            }
        } catch (FileAlreadyExistsException e) {
            if (!Files.isDirectory(absolute)) {
                throw e;
            }
        }
        return dir;
    }

    /** Creates {@code file} ({@code 0600}) unless it exists; true when it was created. */
    public static boolean createFile(Path file) throws IOException {
        try {
            Files.createFile(file, fileAttributes(file));
            return true;
        } catch (FileAlreadyExistsException e) {
            return false;
        }
    }

    /** Sets {@code file} to exactly {@code 0600} (after a copy that carried its source's permissions, say). */
    public static void makePrivateFile(Path file) throws IOException {
        if (posix(file)) {
            Files.setPosixFilePermissions(file, FILE);
        }
    }

    /**
     * Takes every group and others permission from {@code path} (a file or folder; a symbolic link
     * is left alone), keeping the owner's.
     *
     * @return true when it changed anything
     */
    public static boolean tighten(Path path) throws IOException {
        if (!posix(path) || !Files.exists(path, LinkOption.NOFOLLOW_LINKS) || Files.isSymbolicLink(path)) {
            return false;
        }
        Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(path, LinkOption.NOFOLLOW_LINKS);
        if (permissions.stream().noneMatch(GROUP_AND_OTHERS::contains)) {
            return false;
        }
        Set<PosixFilePermission> owner = EnumSet.noneOf(PosixFilePermission.class);
        for (PosixFilePermission p : permissions) {
            if (!GROUP_AND_OTHERS.contains(p)) {
                owner.add(p);
            }
        }
        Files.setPosixFilePermissions(path, owner);
        return true;
    }
}
