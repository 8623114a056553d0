package dev.portalkit.runtime.testing;

import dev.portalkit.api.files.ManagedStorage;
import dev.portalkit.api.files.StorageContractTest;
import dev.portalkit.runtime.files.FilesPlugin;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;

/**
 * The storage contract ({@link StorageContractTest}) for a plugin's storage adapter, through a real
 * portal: one {@link TestPortal} (H2) with the given plugins enabled for the whole class, and for
 * each case a fresh storage the host opens from options exactly as it opens configured ones
 * (validated, wrapped in its managed storage, closed after the case). The portal and its data
 * folder are removed at the end. A plugin's contract test is one class with one override:
 *
 * <pre>{@code
 * class ExampleStorageContractTest extends PluginStorageContract {
 *     ExampleStorageContractTest() {
 *         super("example");
 *     }
 *
 *     @Override
 *     protected Map<String, String> adapterOptions(String name) {
 *         return Map.of("type", ExampleStorage.TYPE, "path", folder(name).toString(), "initialize", "true");
 *     }
 * }
 * }</pre>
 *
 * Run it with {@code -Dportalkit.contract.skipLarge=true} to skip the 2 GiB case while iterating.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class PluginStorageContract extends StorageContractTest {
    private final String plugins;
    private final AtomicInteger counter = new AtomicInteger();
    private TestPortal portal;

    /** @param plugins the plugins to enable, comma-separated, by name (as {@code portal.plugins}) */
    protected PluginStorageContract(String plugins) {
        this.plugins = plugins;
    }

    /**
     * The options of a fresh, empty storage called {@code name}: {@code type} and what the adapter
     * needs (keys relative to the storage, as in {@code portal.files.storage.<name>.*}). The case's
     * own options ({@code max_size}, {@code supported_types}, ...) are added over them.
     */
    protected abstract Map<String, String> adapterOptions(String name);

    /** The portal the storages live in, started before the first case. */
    protected TestPortal portal() {
        return portal;
    }

    /**
     * A folder for the storage called {@code name}, inside the portal's data folder (removed at the
     * end); it does not exist yet: let the adapter create it ({@code initialize = true}).
     */
    protected Path folder(String name) {
        return portal.dataDir().resolve("storages").resolve(name);
    }

    @BeforeAll
    void startPortal() {
        portal = TestPortal.builder().plugins(plugins).runPendingTasks(false).start();
    }

    @AfterAll
    void stopPortal() throws IOException {
        if (portal == null) {
            return;
        }
        portal.close();
        try (Stream<Path> all = Files.walk(portal.dataDir())) {
            for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    @Override
    protected final ManagedStorage createStorage(Map<String, String> options) {
        String name = "contract" + counter.incrementAndGet();
        Map<String, String> all = new LinkedHashMap<>(adapterOptions(name));
        all.putAll(options);
        return FilesPlugin.of(portal.portal()).openStorage(name, all);
    }
}
