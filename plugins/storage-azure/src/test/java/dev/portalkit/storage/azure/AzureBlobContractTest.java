package dev.portalkit.storage.azure;

import dev.portalkit.api.files.ManagedStorage;
import dev.portalkit.api.files.StorageContractTest;
import dev.portalkit.runtime.files.FilesPlugin;
import dev.portalkit.runtime.testing.TestPortal;
import dev.portalkit.testservers.Azurite;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;

/**
 * files:azure_blob passes the shared storage contract, unchanged, through the managed storage of a
 * real portal (the plugin enabled by name), against Azurite: one fresh container per case.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AzureBlobContractTest extends StorageContractTest {
    private final AtomicInteger counter = new AtomicInteger();
    private Azurite azurite;
    private TestPortal portal;

    @BeforeAll
    void start() {
        azurite = Azurite.shared();
        portal = TestPortal.builder().plugins("storage-azure").runPendingTasks(false).start();
    }

    @AfterAll
    void stop() {
        portal.close();
    }

    @Override
    protected ManagedStorage createStorage(Map<String, String> options) {
        int n = counter.incrementAndGet();
        Map<String, String> all = new LinkedHashMap<>();
        all.put("type", AzureBlobStorageFactory.TYPE);
        all.put("container", "contract-" + n + "-" + ProcessHandle.current().pid());
        all.put("connection_string", azurite.connectionString());
        all.put("create_container", "true");
        all.putAll(options);
        return FilesPlugin.of(portal.portal()).openStorage("azure" + n, all);
    }
}
