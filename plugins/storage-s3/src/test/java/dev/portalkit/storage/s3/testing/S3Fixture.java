package dev.portalkit.storage.s3.testing;

import dev.portalkit.api.config.ConfigOption;
import dev.portalkit.api.files.ManagedStorage;
import dev.portalkit.api.files.StorageFactory;
import dev.portalkit.api.files.StorageSettings;
import dev.portalkit.runtime.files.FilesPlugin;
import dev.portalkit.runtime.files.managed.ManagedStorageImpl;
import dev.portalkit.runtime.testing.TestPortal;
import dev.portalkit.testservers.S3ProxyServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;

/**
 * One S3Proxy and one portal with the storage-s3 plugin per test class; storages opened by the
 * files plugin from options (as configured ones are) and closed after each test.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class S3Fixture {
    private static final AtomicInteger COUNTER = new AtomicInteger();
    protected Path tmp;
    protected S3ProxyServer s3;
    protected TestPortal portal;
    private final List<AutoCloseable> opened = new ArrayList<>();

    @BeforeAll
    void startServers() throws IOException {
        tmp = Files.createTempDirectory("s3-test-");
        s3 = S3ProxyServer.start(tmp);
        portal = TestPortal.builder().plugins("storage-s3").runPendingTasks(false).start();
    }

    @AfterAll
    void stopServers() throws IOException {
        if (portal != null) {
            portal.close();
        }
        if (s3 != null) {
            s3.close();
        }
        try (Stream<Path> all = Files.walk(tmp)) {
            for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    @AfterEach
    void closeStorages() throws Exception {
        for (AutoCloseable c : opened) {
            c.close();
        }
        opened.clear();
    }

    /** A fresh name (buckets, storages). */
    protected static String fresh(String base) {
        return base + "-" + COUNTER.incrementAndGet();
    }

    /** A files:s3 storage on a new bucket (created), with extra options {@code key, value, ...}. */
    protected ManagedStorage s3Storage(String... keyValues) {
        Map<String, String> options = s3.storageOptions("files:s3");
        options.put("bucket", fresh("bucket"));
        options.put("create_bucket", "true");
        for (int i = 0; i < keyValues.length; i += 2) {
            options.put(keyValues[i], keyValues[i + 1]);
        }
        return open(options);
    }

    /** A storage from options, opened by the portal's files plugin; closed after the test. */
    protected ManagedStorage open(Map<String, String> options) {
        ManagedStorage storage = FilesPlugin.of(portal.portal()).openStorage(fresh("s3").replace("-", ""), options);
        opened.add(storage);
        return storage;
    }

    /**
     * A storage made by {@code factory} (built by the test, e.g. with its own clock) and managed
     * as the portal would; options get their declared defaults. Closed after the test.
     */
    protected ManagedStorage open(StorageFactory factory, Map<String, String> options) {
        Map<String, String> values = new LinkedHashMap<>();
        for (ConfigOption option : factory.options()) {
            if (option.defaultValue() != null) {
                values.put(option.key(), option.defaultValue());
            }
        }
        values.putAll(options);
        values.remove("type");
        String name = fresh("dyn").replace("-", "");
        StorageSettings settings = new StorageSettings(name, null, factory.type(), 0, List.of(), false, List.of(), false, false,
                Set.of(), "md5", 10L << 20, values);
        ManagedStorage storage = new ManagedStorageImpl(settings, factory.create(settings), Map.of());
        opened.add(storage);
        return storage;
    }
}
