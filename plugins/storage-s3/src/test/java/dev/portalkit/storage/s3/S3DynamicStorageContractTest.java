package dev.portalkit.storage.s3;

import dev.portalkit.api.files.ManagedStorage;
import dev.portalkit.api.files.StorageContractTest;
import dev.portalkit.runtime.files.FilesPlugin;
import dev.portalkit.runtime.testing.TestPortal;
import dev.portalkit.testservers.S3ProxyServer;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * files:s3-dynamic passes the storage contract against S3Proxy, through the managed storage of a
 * real portal with the plugin enabled: a fresh bucket template (so a fresh bucket per period) per case.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class S3DynamicStorageContractTest extends StorageContractTest {
    @TempDir
    static Path tmp;
    private final AtomicInteger counter = new AtomicInteger();
    S3ProxyServer s3;
    TestPortal portal;

    @BeforeAll
    void start() {
        s3 = S3ProxyServer.start(tmp);
        portal = TestPortal.builder().plugins("storage-s3").runPendingTasks(false).start();
    }

    @AfterAll
    void stop() {
        if (portal != null) {
            portal.close();
        }
        if (s3 != null) {
            s3.close();
        }
    }

    @Override
    protected ManagedStorage createStorage(Map<String, String> options) {
        int n = counter.incrementAndGet();
        Map<String, String> all = new LinkedHashMap<>(s3.storageOptions("files:s3-dynamic"));
        all.put("bucket_template", "dyncontract-" + n + "-<year>-<month>");
        all.put("bucket_secret", "a secret of the contract test");
        all.put("create_bucket", "true");
        all.putAll(options);
        return FilesPlugin.of(portal.portal()).openStorage("s3dyncontract" + n, all);
    }

    @Override
    protected int multipartPartSize() {
        return 5 * 1024 * 1024;
    }

    /**
     * The 2 GiB case streams through the same S3Storage as files:s3, whose contract test runs it; here it
     * would add a minute of CI time and test nothing new (the skip's message, written for in-memory
     * adapters, does not apply).
     */
    @Override
    protected boolean canHold(long bytes) {
        return bytes < (1L << 30);
    }
}
