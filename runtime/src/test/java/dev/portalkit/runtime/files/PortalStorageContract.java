package dev.portalkit.runtime.files;

import dev.portalkit.api.files.ManagedStorage;
import dev.portalkit.api.files.StorageContractTest;
import dev.portalkit.runtime.testing.TestDb;
import dev.portalkit.runtime.testing.TestPortal;
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
 * The storage contract run against a built-in adapter through a real portal: storages are opened
 * by the files plugin from options, exactly as configured storages are, one fresh storage per case.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class PortalStorageContract extends StorageContractTest {
    private final AtomicInteger counter = new AtomicInteger();
    protected TestPortal portal;

    /** The database of the portal. */
    protected TestDb db() {
        return TestDb.H2;
    }

    /** Plugins to enable (for adapters that plugins contribute). */
    protected String plugins() {
        return "";
    }

    /** The adapter's own options for a fresh storage called {@code name}. */
    protected abstract Map<String, String> adapterOptions(String name);

    @BeforeAll
    void startPortal() {
        portal = TestPortal.builder().db(db()).plugins(plugins()).runPendingTasks(false).start();
    }

    @AfterAll
    void stopPortal() throws IOException {
        portal.close();
        try (Stream<Path> all = Files.walk(portal.dataDir())) {
            for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    @Override
    protected ManagedStorage createStorage(Map<String, String> options) {
        String name = "contract" + counter.incrementAndGet();
        Map<String, String> all = new LinkedHashMap<>(adapterOptions(name));
        all.putAll(options);
        return FilesPlugin.of(portal.portal()).openStorage(name, all);
    }
}
