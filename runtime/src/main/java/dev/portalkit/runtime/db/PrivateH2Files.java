package dev.portalkit.runtime.db;

import dev.portalkit.runtime.PrivateFiles;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import org.h2.store.fs.FilePath;
import org.h2.store.fs.FilePathWrapper;

/**
 * H2's own file system with private permissions: the default database URL names its files with
 * the prefix {@code portalkit:} ({@code jdbc:h2:portalkit:/data/db/portal}), and every file H2
 * then creates (the database, its trace file, temporary files) is created {@code 0600} and every
 * folder {@code 0700}, whatever the process's umask. Everything else is H2's plain disk file system.
 */
public final class PrivateH2Files extends FilePathWrapper {
    /** The prefix of database file names in an H2 URL. */
    public static final String SCHEME = "portalkit";

    private static final PrivateH2Files PROVIDER = new PrivateH2Files();

    static {
        FilePath.register(PROVIDER);
    }

    /** Makes the {@code portalkit:} prefix known to H2 (idempotent; before the first connection). */
    public static void register() {
        FilePath.register(PROVIDER);
    }

    @Override
    public String getScheme() {
        return SCHEME;
    }

    private Path file() {
        return Path.of(getBase().toString());
    }

    @Override
    public FileChannel open(String mode) throws IOException {
        if (mode.contains("w")) {
            PrivateFiles.createFile(file());
        }
        return super.open(mode);
    }

    @Override
    public OutputStream newOutputStream(boolean append) throws IOException {
        PrivateFiles.createFile(file());
        return super.newOutputStream(append);
    }

    @Override
    public boolean createFile() {
        try {
            return PrivateFiles.createFile(file());
        } catch (IOException e) {
            return false;
        }
    }

    @Override
    public void createDirectory() {
        Path dir = file();
        if (Files.isDirectory(dir)) {
            return;
        }
        try {
            PrivateFiles.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create folder " + dir, e);
        }
    }
}
