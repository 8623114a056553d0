package dev.portalkit.integration.testing;

import dev.portalkit.api.config.ConfigOption;
import dev.portalkit.api.files.Capability;
import dev.portalkit.api.files.Delivery;
import dev.portalkit.api.files.FileData;
import dev.portalkit.api.files.IFiles;
import dev.portalkit.api.files.Manager;
import dev.portalkit.api.files.StorageReader;
import dev.portalkit.api.files.Storage;
import dev.portalkit.api.files.StorageFactory;
import dev.portalkit.api.files.StorageSettings;
import dev.portalkit.api.files.Uploader;
import dev.portalkit.api.plugin.PortalPlugin;
import dev.portalkit.runtime.files.memory.MemoryStorage;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Set;

/**
 * Test plugin: storage adapter {@code test:delivery}, files in memory whose downloads are not
 * streamed by the portal: {@code mode = redirect} redirects to {@value #CDN} (as an S3 adapter with
 * presigned URLs would), {@code mode = internal} hands them to a fronting web server with
 * {@code X-Accel-Redirect: /internal/<location>}.
 */
@ApplicationScoped
public class DeliveryTestPlugin implements PortalPlugin, IFiles {
    public static final String TYPE = "test:delivery";
    public static final String CDN = "https://cdn.example.org/";

    @Override
    public String name() {
        return "delivery-test";
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
                return "Files in memory, delivered by redirect or by the fronting web server.";
            }

            @Override
            public List<ConfigOption> options() {
                return List.of(ConfigOption.of("mode", "redirect or internal").asRequired().oneOf("redirect", "internal"));
            }

            @Override
            public Storage create(StorageSettings settings) {
                return new DeliveryStorage(settings);
            }
        });
    }

    private static final class DeliveryStorage implements Storage {
        private final MemoryStorage memory;
        private final boolean redirect;

        DeliveryStorage(StorageSettings settings) {
            this.memory = new MemoryStorage(settings);
            this.redirect = "redirect".equals(settings.option("mode"));
        }

        @Override
        public StorageSettings settings() {
            return memory.settings();
        }

        @Override
        public Uploader uploader() {
            return memory.uploader();
        }

        @Override
        public Manager manager() {
            return memory.manager();
        }

        @Override
        public StorageReader reader() {
            StorageReader inner = memory.reader();
            return new StorageReader() {
                @Override
                public Set<Capability> capabilities() {
                    return inner.capabilities();
                }

                @Override
                public InputStream stream(FileData data) {
                    return inner.stream(data);
                }

                @Override
                public InputStream range(FileData data, long start, long end) {
                    return inner.range(data, start, end);
                }

                @Override
                public Delivery delivery(FileData data, String filename, Duration ttl) {
                    if (redirect) {
                        return new Delivery.Redirect(URI.create(CDN + data.location().value() + "?ttl=" + ttl.toSeconds()
                                + "&filename=" + URLEncoder.encode(filename, StandardCharsets.UTF_8)));
                    }
                    return new Delivery.InternalRedirect("X-Accel-Redirect", "/internal/" + data.location().value());
                }
            };
        }
    }
}
