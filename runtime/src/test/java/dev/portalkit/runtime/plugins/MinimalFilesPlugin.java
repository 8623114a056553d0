package dev.portalkit.runtime.plugins;

import dev.portalkit.api.ErrorKind;
import dev.portalkit.api.config.ConfigOption;
import dev.portalkit.api.files.Capability;
import dev.portalkit.api.files.FileData;
import dev.portalkit.api.files.FilesException;
import dev.portalkit.api.files.IFiles;
import dev.portalkit.api.files.Location;
import dev.portalkit.api.files.LocationTransformer;
import dev.portalkit.api.files.Manager;
import dev.portalkit.api.files.MultipartData;
import dev.portalkit.api.files.MultipartUploads;
import dev.portalkit.api.files.StorageReader;
import dev.portalkit.api.files.Storage;
import dev.portalkit.api.files.StorageFactory;
import dev.portalkit.api.files.StorageSettings;
import dev.portalkit.api.files.Upload;
import dev.portalkit.api.files.Uploader;
import dev.portalkit.api.plugin.PortalPlugin;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * Test plugin: a storage adapter that can only create, stream, remove, check and list, plus
 * multipart uploads whose completion reports no hash ({@code test:minimal}: COPY, MOVE, COMPOSE and
 * RANGE are emulated by the host, and it verifies multipart uploads by reading them back), with a
 * secret option, and two location transformers ({@code upper}, and {@code escape}, which tries to
 * leave the storage).
 */
@ApplicationScoped
public class MinimalFilesPlugin implements PortalPlugin, IFiles {
    public static final String TYPE = "test:minimal";

    @Override
    public String name() {
        return "minimal-files";
    }

    @Override
    public List<StorageFactory> storageFactories() {
        return List.of(new StorageFactory() {
            @Override
            public String type() {
                return TYPE;
            }

            @Override
            public String description() {
                return "A file per location in a temporary folder; creates, streams, removes, checks, lists, multipart.";
            }

            @Override
            public List<ConfigOption> options() {
                return List.of(ConfigOption.of("token", "A secret the adapter would need.").asSecret(),
                        ConfigOption.of("region", "A plain option.").defaultValue("local"));
            }

            @Override
            public Storage create(StorageSettings settings) {
                return new MinimalStorage(settings);
            }
        });
    }

    @Override
    public Map<String, LocationTransformer> locationTransformers() {
        return Map.of("upper", (location, sample, settings) -> location.toUpperCase(Locale.ROOT),
                "escape", (location, sample, settings) -> "../" + location);
    }

    /** The minimal storage: one file per location in a temporary folder, streamed in and out. */
    static final class MinimalStorage implements Storage, Uploader, StorageReader, Manager, MultipartUploads {
        private final StorageSettings settings;
        private final Path folder;

        MinimalStorage(StorageSettings settings) {
            this.settings = settings;
            try {
                this.folder = Files.createTempDirectory("minimal-storage-");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        private Path file(Location location) {
            return folder.resolve(URLEncoder.encode(location.value(), StandardCharsets.UTF_8));
        }

        @Override
        public StorageSettings settings() {
            return settings;
        }

        @Override
        public Uploader uploader() {
            return this;
        }

        @Override
        public Optional<MultipartUploads> multipart() {
            return Optional.of(this);
        }

        @Override
        public StorageReader reader() {
            return this;
        }

        @Override
        public Manager manager() {
            return this;
        }

        @Override
        public Set<Capability> capabilities() {
            return EnumSet.of(Capability.CREATE, Capability.STREAM, Capability.REMOVE, Capability.EXISTS, Capability.SCAN,
                    Capability.MULTIPART);
        }

        private Path parts(MultipartData data) {
            Path parts = folder.resolve(".parts-" + data.storageData().get("upload_id"));
            if (!Files.isDirectory(parts)) {
                throw new FilesException(ErrorKind.NOT_FOUND, "no such multipart upload");
            }
            return parts;
        }

        @Override
        public MultipartData start(MultipartData data) {
            String id = UUID.randomUUID().toString();
            try {
                Files.createDirectories(folder.resolve(".parts-" + id));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return data.withStorageData(Map.of("upload_id", id));
        }

        @Override
        public MultipartData update(MultipartData data, int part, Upload content) {
            try (InputStream in = content.open()) {
                Files.copy(in, parts(data).resolve(Integer.toString(part)), StandardCopyOption.REPLACE_EXISTING);
                return data;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        /** Concatenates the parts and reports no hash: the host reads the file back to verify it. */
        @Override
        public FileData complete(MultipartData data) {
            Path parts = parts(data);
            try (Stream<Path> list = Files.list(parts)) {
                List<Path> sorted = list.sorted(java.util.Comparator.comparingInt(p -> Integer.parseInt(p.getFileName().toString()))).toList();
                for (int n = 1; n <= sorted.size(); n++) {
                    if (!sorted.get(n - 1).getFileName().toString().equals(Integer.toString(n))) {
                        throw new FilesException(ErrorKind.BAD_REQUEST, "part " + n + " is missing");
                    }
                }
                Path target = file(data.location());
                try (var out = Files.newOutputStream(target)) {
                    for (Path p : sorted) {
                        Files.copy(p, out);
                    }
                }
                abort(data);
                return new FileData(data.location(), Files.size(target), data.contentType(), "", "", Map.of());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        @Override
        public void abort(MultipartData data) {
            try (Stream<Path> list = Files.list(parts(data))) {
                for (Path p : list.toList()) {
                    Files.delete(p);
                }
                Files.delete(parts(data));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        @Override
        public FileData upload(Location location, Upload upload, boolean overwrite) {
            Path target = file(location);
            if (!overwrite && Files.exists(target)) {
                throw FilesException.existingFile(settings.name(), location);
            }
            Path temp = folder.resolve(".upload-" + UUID.randomUUID());
            try (InputStream in = upload.open()) {
                Files.copy(in, temp);
                Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
                return new FileData(location, Files.size(target), upload.contentType(), "", "", Map.of());
            } catch (IOException | RuntimeException e) {
                try {
                    Files.deleteIfExists(temp);
                } catch (IOException ignored) {
                    // best effort
                }
                if (e instanceof RuntimeException re) {
                    throw re;
                }
                throw new UncheckedIOException((IOException) e);
            }
        }

        @Override
        public InputStream stream(FileData data) {
            try {
                return Files.newInputStream(file(data.location()));
            } catch (NoSuchFileException e) {
                throw FilesException.missingFile(settings.name(), data.location());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        @Override
        public boolean remove(FileData data) {
            try {
                return Files.deleteIfExists(file(data.location()));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        @Override
        public boolean exists(FileData data) {
            return Files.exists(file(data.location()));
        }

        @Override
        public Stream<Location> scan() {
            try (Stream<Path> files = Files.list(folder)) {
                return files.map(p -> p.getFileName().toString()).filter(n -> !n.startsWith(".")).sorted()
                        .map(n -> new Location(URLDecoder.decode(n, StandardCharsets.UTF_8))).toList().stream();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        @Override
        public void close() {
            try (Stream<Path> files = Files.walk(folder)) {
                for (Path p : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            } catch (IOException ignored) {
                // a temporary folder
            }
        }
    }
}
