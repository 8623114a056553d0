package dev.portalkit.runtime;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.FileVisitResult;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.logging.Logger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The data directory is private to the portal's OS user: created {@code 0700}, and so is every
 * folder the portal makes in it ({@code 0600} files; see {@link PrivateFiles}). At start, one an
 * older version left open to others is tightened: when the directory itself is open to group or
 * others, everything below it loses those permissions (once: the next start finds it closed);
 * otherwise only the folders the portal keeps there ({@code db}, {@code tmp}, {@code run},
 * {@code secrets}, {@code migrations}) and their files are looked at. The folder of a
 * {@code files:public_fs} storage is left as it is: its web server must read it (it belongs outside
 * the data directory, which no other user can enter).
 */
public final class DataDirectory {
    private static final Logger LOG = Logger.getLogger(DataDirectory.class.getName());
    /** The folders below the data directory whose files are looked at every start. */
    /** The folder of a running server's lock and command socket. */
    public static final String RUN_DIRECTORY = "run";
    static final List<String> OWN_FOLDERS = List.of("db", "tmp", RUN_DIRECTORY, "secrets", "migrations");
    private static final Pattern STORAGE_TYPE = Pattern.compile("portal\\.files\\.storage\\.([^.]+)\\.type");

    private DataDirectory() {
    }

    /** {@link #prepare(Path, Set)} leaving nothing open. */
    public static void prepare(Path dataDir) throws IOException {
        prepare(dataDir, Set.of());
    }

    /**
     * Creates {@code dataDir} ({@code 0700}) or tightens what an older version left open (logged).
     *
     * @param leaveOpen folders (with what is below them) not to touch: public storages' folders
     */
    public static void prepare(Path dataDir, Set<Path> leaveOpen) throws IOException {
        if (!Files.exists(dataDir, LinkOption.NOFOLLOW_LINKS)) {
            PrivateFiles.createDirectories(dataDir);
            return;
        }
        List<Path> tightened = new ArrayList<>();
        Set<Path> kept = new HashSet<>();
        for (Path p : leaveOpen) {
            kept.add(p.toAbsolutePath().normalize());
        }
        Path root = dataDir.toAbsolutePath().normalize();
        for (Path folder : kept) {
            if (folder.startsWith(root)) {
                LOG.warning("the files:public_fs folder " + folder + " is inside the data directory " + root + ", which no other "
                        + "user may enter (0700): a web server running as another user cannot read it; give the storage a path "
                        + "outside the data directory");
            }
        }
        if (tighten(root, tightened)) {
            // Open to others: made by an older version (or by hand). Close everything once.
            Files.walkFileTree(root, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
                    if (kept.contains(dir)) {
                        return FileVisitResult.SKIP_SUBTREE;
                    }
                    tighten(dir, tightened);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                    tighten(file, tightened);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFileFailed(Path file, IOException e) {
                    return FileVisitResult.CONTINUE;
                }
            });
        } else {
            for (String name : OWN_FOLDERS) {
                Path folder = root.resolve(name);
                if (!Files.isDirectory(folder, LinkOption.NOFOLLOW_LINKS) || kept.contains(folder)) {
                    continue;
                }
                tighten(folder, tightened);
                try (Stream<Path> files = Files.list(folder)) {
                    for (Path file : (Iterable<Path>) files::iterator) {
                        tighten(file, tightened);
                    }
                }
            }
        }
        if (!tightened.isEmpty()) {
            LOG.warning("the data directory " + dataDir + " was open to other users (made by an older version?): took group and "
                    + "others permissions from " + tightened.size() + " path(s), e.g. " + tightened.get(0));
        }
    }

    /** The folders of the {@code files:public_fs} storages configured in {@code config} (raw values). */
    public static Set<Path> publicStorageFolders(Map<String, String> config) {
        Set<Path> folders = new HashSet<>();
        config.forEach((key, value) -> {
            Matcher m = STORAGE_TYPE.matcher(key);
            String path = config.get("portal.files.storage." + (m.matches() ? m.group(1) : "") + ".path");
            if (m.matches() && "files:public_fs".equals(value.trim()) && path != null && !path.isBlank()) {
                try {
                    folders.add(Path.of(path.trim()).toAbsolutePath().normalize());
                } catch (java.nio.file.InvalidPathException e) {
                    // the storage reports its bad path when it opens
                }
            }
        });
        return folders;
    }

    private static boolean tighten(Path path, List<Path> tightened) {
        try {
            if (PrivateFiles.tighten(path)) {
                tightened.add(path);
                return true;
            }
        } catch (IOException e) {
            LOG.warning("cannot make " + path + " private to its owner (chmod go-rwx): " + e.getMessage());
        }
        return false;
    }
}
