package dev.portalkit.integration.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;

/** What a portal's uploads have spooled and not yet deleted, for tests that check nothing is left behind. */
public final class Spools {

    private Spools() {
    }

    /**
     * The spool files ({@code *.part}) below {@code <dataDir>/tmp}, at any depth; none when the folder does not exist.
     * Uploads may run while this lists, so a spool or its folder may vanish between being seen and being read: such an
     * entry is no longer there and is skipped, not an error.
     */
    public static List<Path> in(Path dataDir) {
        Path tmp = dataDir.resolve("tmp");
        List<Path> found = new ArrayList<>();
        try {
            Files.walkFileTree(tmp, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) {
                    if (attributes.isRegularFile() && file.getFileName().toString().endsWith(".part")) {
                        found.add(file);
                    }
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFileFailed(Path file, IOException e) throws IOException {
                    return skipGone(e);
                }

                @Override
                public FileVisitResult postVisitDirectory(Path dir, IOException e) throws IOException {
                    return e == null ? FileVisitResult.CONTINUE : skipGone(e);
                }
            });
        } catch (NoSuchFileException gone) {
            return List.of();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + tmp, e);
        }
        return found;
    }

    /** Goes on past an entry that vanished while listed; any other failure stands. */
    private static FileVisitResult skipGone(IOException e) throws IOException {
        if (e instanceof NoSuchFileException) {
            return FileVisitResult.CONTINUE;
        }
        throw e;
    }
}
