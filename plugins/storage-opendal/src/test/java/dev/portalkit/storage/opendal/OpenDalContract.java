package dev.portalkit.storage.opendal;

import dev.portalkit.api.files.ManagedStorage;
import dev.portalkit.api.files.StorageContractTest;
import dev.portalkit.runtime.files.FilesPlugin;
import dev.portalkit.runtime.testing.TestPortal;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.TestInstance;

/**
 * files:opendal on one OpenDAL service passes the shared storage contract, unchanged, through the
 * managed storage of a real portal (the plugin enabled by name; one portal for all services). Each
 * case gets its own storage and, through {@link #params(String)}, its own root folder on the service.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class OpenDalContract extends StorageContractTest {
    private final AtomicInteger counter = new AtomicInteger();
    private static TestPortal shared;

    /** The OpenDAL service. */
    protected abstract String scheme();

    /** The {@code params} JSON of a storage whose files live in a fresh, empty folder named {@code folder}. */
    protected abstract String params(String folder);

    /**
     * One portal (the plugin enabled by name) for every service's class in this JVM, closed when the
     * JVM exits: the classes differ in their storages only, and a start costs seconds of CI time.
     */
    private static synchronized TestPortal portal() {
        if (shared == null) {
            shared = TestPortal.builder().plugins("storage-opendal").runPendingTasks(false).start();
            TestPortal started = shared;
            Runtime.getRuntime().addShutdownHook(new Thread(started::close));
        }
        return shared;
    }

    @Override
    protected ManagedStorage createStorage(Map<String, String> options) {
        String name = scheme() + counter.incrementAndGet() + "x" + ProcessHandle.current().pid();
        Map<String, String> all = new LinkedHashMap<>();
        all.put("type", OpenDalStorageFactory.TYPE);
        all.put("scheme", scheme());
        all.put("params", params(name));
        all.putAll(options);
        return FilesPlugin.of(portal().portal()).openStorage(name, all);
    }

    /**
     * What the adapter itself declares on this service (the managed storage adds what the host
     * emulates by streaming: COMPOSE, and COPY / MOVE where the service lacks them).
     */
    protected java.util.Set<dev.portalkit.api.files.Capability> declared() {
        String name = scheme() + "-declared" + counter.incrementAndGet();
        Map<String, String> options = Map.of("scheme", scheme(), "params", params(name), "buffer_size", "256KiB",
                "one_shot_max_size", "16MiB");
        try (dev.portalkit.api.files.Storage s = new OpenDalStorageFactory().create(new dev.portalkit.api.files.StorageSettings(
                name, null, OpenDalStorageFactory.TYPE, 0, java.util.List.of(), false, java.util.List.of(), false, false,
                java.util.Set.of(), "md5", 0, options))) {
            return s.capabilities();
        }
    }

    /** A JSON string literal. */
    static String json(String text) {
        StringBuilder out = new StringBuilder("\"");
        for (char c : text.toCharArray()) {
            if (c == '"' || c == '\\') {
                out.append('\\');
            }
            out.append(c);
        }
        return out.append('"').toString();
    }
}
