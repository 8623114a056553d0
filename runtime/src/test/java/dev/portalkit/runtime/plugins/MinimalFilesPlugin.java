package dev.portalkit.runtime.plugins;

import dev.portalkit.api.config.ConfigOption;
import dev.portalkit.api.files.Capability;
import dev.portalkit.api.files.FileData;
import dev.portalkit.api.files.FilesException;
import dev.portalkit.api.files.IFiles;
import dev.portalkit.api.files.Location;
import dev.portalkit.api.files.LocationTransformer;
import dev.portalkit.api.files.Manager;
import dev.portalkit.api.files.Reader;
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
import java.util.Set;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * Test plugin: a storage adapter that can only create, stream, remove, check and list
 * ({@code test:minimal}, everything else is emulated by the host), with a secret option, and two
 * location transformers ({@code upper}, and {@code escape}, which tries to leave the storage).
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
                return "A file per location in a temporary folder; creates, streams, removes, checks and lists, nothing more.";
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
    static final class MinimalStorage implements Storage, Uploader, Reader, Manager {
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
        public Reader reader() {
            return this;
        }

        @Override
        public Manager manager() {
            return this;
        }

        @Override
        public Set<Capability> capabilities() {
            return EnumSet.of(Capability.CREATE, Capability.STREAM, Capability.REMOVE, Capability.EXISTS, Capability.SCAN);
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
                return files.map(p -> p.getFileName().toString()).filter(n -> !n.startsWith(".upload-")).sorted()
                        .map(n -> new Location(URLDecoder.decode(n, StandardCharsets.UTF_8))).toList().stream();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        @Override
        public void close() {
            try (Stream<Path> files = Files.list(folder)) {
                for (Path p : files.toList()) {
                    Files.deleteIfExists(p);
                }
                Files.deleteIfExists(folder);
            } catch (IOException ignored) {
                // a temporary folder
            }
        }
    }
}
