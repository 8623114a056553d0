package dev.portalkit.storage.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.portalkit.api.ErrorKind;
import dev.portalkit.api.PortalException;
import dev.portalkit.api.files.FileData;
import dev.portalkit.api.files.FilesException;
import dev.portalkit.api.files.Location;
import dev.portalkit.api.files.ManagedStorage;
import dev.portalkit.api.files.Upload;
import dev.portalkit.runtime.files.FilesPlugin;
import dev.portalkit.runtime.testing.TestPortal;
import dev.portalkit.testservers.RedisServers;
import dev.portalkit.testservers.TestCertificates;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * files:redis over TLS ({@code rediss://}) against a redis-server with {@code tls-port} and a certificate
 * from a CA made for the test: with {@code ca_bundle} the storage works; without, the failure names the
 * storage, the host and the option to set.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RedisTlsTest {
    @TempDir
    static Path tmp;
    private final AtomicInteger counter = new AtomicInteger();
    private final List<ManagedStorage> opened = new ArrayList<>();
    private TestCertificates certificates;
    private RedisServers.Server redis;
    private TestPortal portal;

    @BeforeAll
    void start() {
        certificates = TestCertificates.create(tmp.resolve("tls"));
        redis = RedisServers.startTls(certificates);
        portal = TestPortal.builder().plugins("storage-redis").runPendingTasks(false).start();
    }

    @AfterAll
    void stop() {
        if (portal != null) {
            portal.close();
        }
        if (redis != null) {
            redis.close();
        }
    }

    @AfterEach
    void close() {
        opened.forEach(ManagedStorage::close);
        opened.clear();
    }

    private ManagedStorage open(String name, String url, String... keyValues) {
        Map<String, String> options = new LinkedHashMap<>();
        options.put("type", RedisStorageFactory.TYPE);
        options.put("url", url);
        options.put("timeout", "5");
        for (int i = 0; i < keyValues.length; i += 2) {
            options.put(keyValues[i], keyValues[i + 1]);
        }
        ManagedStorage storage = FilesPlugin.of(portal.portal()).openStorage(name, options);
        opened.add(storage);
        return storage;
    }

    @Test
    void withTheCaBundleTheStorageWorksOverTls() throws Exception {
        ManagedStorage storage = open("rtls" + counter.incrementAndGet(), redis.tlsUrl(0), "ca_bundle", certificates.caPem().toString());
        byte[] content = "over TLS\n".getBytes(StandardCharsets.UTF_8);
        FileData data = storage.uploader().upload(new Location("a/b.txt"), Upload.of(content, "b.txt", "text/plain"), false);
        try (InputStream in = storage.reader().stream(data)) {
            assertThat(in.readAllBytes()).isEqualTo(content);
        }
        assertThat(storage.manager().remove(data)).isTrue();
    }

    @Test
    void withoutTheCaBundleAnUploadFailsNamingTheStorageTheHostAndTheOption() {
        String name = "rnone" + counter.incrementAndGet();
        ManagedStorage storage = open(name, redis.tlsUrl(0));
        assertThatThrownBy(() -> storage.uploader().upload(new Location("a.txt"),
                Upload.of("x".getBytes(StandardCharsets.UTF_8), "a.txt", "text/plain"), false))
                .isInstanceOfSatisfying(FilesException.class, e -> {
                    assertThat(e.kind()).isEqualTo(ErrorKind.CONFIG_INVALID);
                    assertThat(e.getMessage()).contains("storage " + name, "TLS verification of 127.0.0.1:" + redis.port() + " failed",
                            "portal.files.storage." + name + ".ca_bundle")
                            .doesNotContain("Exception", "\tat ");
                });
    }

    @Test
    void aCaBundleWithAPlainRedisUrlIsAConfigurationErrorNamingTheOption() {
        String name = "rplain" + counter.incrementAndGet();
        assertThatThrownBy(() -> open(name, "redis://127.0.0.1:" + redis.port() + "/0", "ca_bundle", certificates.caPem().toString()))
                .isInstanceOfSatisfying(PortalException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.CONFIG_INVALID))
                .hasMessageContaining("portal.files.storage." + name + ".ca_bundle: the certificates are for TLS; use a rediss:// url");
    }
}
