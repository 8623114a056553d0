package dev.portalkit.storage.redis;

import dev.portalkit.api.files.ManagedStorage;
import dev.portalkit.api.files.StorageContractTest;
import dev.portalkit.runtime.files.FilesPlugin;
import dev.portalkit.runtime.testing.TestPortal;
import dev.portalkit.testservers.RedisServers;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;

/**
 * files:redis passes the shared storage contract, unchanged, through the managed storage of a real
 * portal (the plugin enabled by name), against a real redis-server: each case gets its own storage
 * name and so its own key prefix.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RedisContractTest extends StorageContractTest {
    private final AtomicInteger counter = new AtomicInteger();
    private RedisServers.Server redis;
    private TestPortal portal;

    @BeforeAll
    void start() {
        redis = RedisServers.shared();
        portal = TestPortal.builder().plugins("storage-redis").runPendingTasks(false).start();
    }

    @AfterAll
    void stop() {
        portal.close();
    }

    @Override
    protected ManagedStorage createStorage(Map<String, String> options) {
        Map<String, String> all = new LinkedHashMap<>();
        all.put("type", RedisStorageFactory.TYPE);
        all.put("url", redis.url(1));
        all.putAll(options);
        return FilesPlugin.of(portal.portal()).openStorage("redis" + counter.incrementAndGet() + "x" + ProcessHandle.current().pid(), all);
    }

    /**
     * A file is one Redis string, and a Redis string holds at most 512 MiB (proto-max-bulk-len): the 2 GiB
     * case cannot pass here by design (RedisStorageTest checks that such a file is refused as TOO_LARGE).
     */
    @Override
    protected boolean canHold(long bytes) {
        return bytes <= 512L << 20;
    }
}
