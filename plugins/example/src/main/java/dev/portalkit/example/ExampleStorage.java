package dev.portalkit.example;

import dev.portalkit.api.PortalException;
import dev.portalkit.api.config.ConfigOption;
import dev.portalkit.api.config.ConfigType;
import dev.portalkit.api.files.FileData;
import dev.portalkit.api.files.FileStat;
import dev.portalkit.api.files.FilesException;
import dev.portalkit.api.files.Location;
import dev.portalkit.api.files.SimpleStorage;
import dev.portalkit.api.files.Storage;
import dev.portalkit.api.files.StorageFactory;
import dev.portalkit.api.files.StorageSettings;
import dev.portalkit.api.files.Upload;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

/**
 * The {@code files:example_gzip} storage adapter in one class: every file is kept gzip-compressed
 * in a folder, as {@code <path>/<location>.gz}. CSV, JSON and text files, a portal's usual
 * datasets, take a fraction of their size on disk, downloads stream them back uncompressed, and any
 * tool reads the folder ({@code zcat}). It extends {@link SimpleStorage}: five methods, and the
 * host emulates copy, move, compose and byte ranges from them.
 *
 * <pre>
 * portal.files.storage.archive.type = files:example_gzip
 * portal.files.storage.archive.path = /var/lib/portal/archive
 * portal.files.storage.archive.compression_level = 9
 * portal.files.storage.archive.initialize = true
 * </pre>
 */
public final class ExampleStorage extends SimpleStorage {
    public static final String TYPE = "files:example_gzip";
    private static final String SUFFIX = ".gz";
    private static final int BUFFER = 64 * 1024;

    private final Path root;
    private final int level;

    private ExampleStorage(StorageSettings settings, Path root, int level) {
        super(settings);
        this.root = root;
        this.level = level;
    }

    /** The adapter: its type, its options, and a storage for each configured one. */
    public static final class Factory implements StorageFactory {
        @Override
        public String type() {
            return TYPE;
        }

        @Override
        public String description() {
            return "Files gzip-compressed in a local folder (example plugin)";
        }

        @Override
        public List<ConfigOption> options() {
            return List.of(ConfigOption.of("path", "The folder of the compressed files.").type(ConfigType.PATH).asRequired(),
                    ConfigOption.of("compression_level", "1 (fastest) to 9 (smallest); 0 stores uncompressed.")
                            .type(ConfigType.INT).defaultValue("6"));
        }

        @Override
        public Storage create(StorageSettings settings) {
            int level = settings.integer("compression_level", 0, 9);
            Path root;
            try {
                root = Path.of(settings.option("path")).toAbsolutePath().normalize();
            } catch (InvalidPathException e) {
                throw PortalException.config(settings.key("path") + ": not a folder name (" + e.getMessage() + ")");
            }
            if (!Files.isDirectory(root)) {
                if (!settings.initialize()) {
                    throw PortalException.config(settings.key("path") + ": folder " + root
                            + " does not exist (set " + settings.key("initialize") + " = true to create it)");
                }
                try {
                    Files.createDirectories(root);
                } catch (IOException e) {
                    throw PortalException.config(settings.key("path") + ": cannot create folder " + root + " (" + e + ")");
                }
            }
            return new ExampleStorage(settings, root, level);
        }
    }

    /** The compressed file of a location; never outside the folder, whatever the location says. */
    private Path file(Location location) {
        try {
            Path file = root.resolve(location.value() + SUFFIX).normalize();
            if (file.startsWith(root) && !file.equals(root)) {
                return file;
            }
        } catch (InvalidPathException e) {
            // refused below
        }
        throw FilesException.badLocation(location.value(), "it is outside the storage's folder");
    }

    /** Compresses into a hidden temporary file beside the target, then renames it into place. */
    @Override
    protected FileData write(Location location, InputStream content, Upload upload) throws IOException {
        Path target = file(location);
        Files.createDirectories(target.getParent());
        Path temp = target.resolveSibling("." + UUID.randomUUID() + ".part");
        try {
            try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(temp, StandardOpenOption.CREATE_NEW), BUFFER) {
                {
                    def.setLevel(level);
                }
            }) {
                content.transferTo(out);
            }
            Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(temp);
        }
        return FileData.of(location);
    }

    @Override
    protected InputStream open(Location location) throws IOException {
        InputStream in = Files.newInputStream(file(location));
        try {
            return new GZIPInputStream(in, BUFFER);
        } catch (IOException | RuntimeException e) {
            in.close();
            throw e;
        }
    }

    @Override
    protected boolean delete(Location location) throws IOException {
        return Files.deleteIfExists(file(location));
    }

    @Override
    protected boolean contains(Location location) {
        return Files.isRegularFile(file(location));
    }

    /** Every {@code .gz} file under the folder, its location without the suffix (temporary files end in {@code .part}). */
    @Override
    protected Stream<Location> locations() throws IOException {
        return Files.walk(root).filter(Files::isRegularFile)
                .map(p -> root.relativize(p).toString().replace(File.separatorChar, '/'))
                .filter(name -> name.endsWith(SUFFIX) && name.length() > SUFFIX.length())
                .map(name -> new Location(name.substring(0, name.length() - SUFFIX.length())));
    }

    /** When the file was written, from the folder, for {@code files verify}; its uncompressed size is unknown without reading. */
    @Override
    public Optional<FileStat> stat(FileData data) {
        try {
            return Optional.of(new FileStat(-1, Files.getLastModifiedTime(file(data.location())).toInstant()));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw failed("cannot read the time of " + data.location(), e);
        }
    }
}
