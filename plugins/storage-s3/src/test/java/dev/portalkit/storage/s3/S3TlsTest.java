package dev.portalkit.storage.s3;

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
import dev.portalkit.testservers.S3ProxyServer;
import dev.portalkit.testservers.TestCertificates;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
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
 * files:s3 and files:s3-dynamic against S3Proxy's HTTPS endpoint, whose certificate comes from a CA
 * made for the test (no JVM trusts it): with {@code ca_bundle} or {@code trust_store} the storage
 * works; without, the failure names the storage, the host and the option to set.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class S3TlsTest {
    @TempDir
    static Path tmp;
    private final AtomicInteger counter = new AtomicInteger();
    private final List<ManagedStorage> opened = new ArrayList<>();
    private TestCertificates certificates;
    private S3ProxyServer s3;
    private TestPortal portal;

    @BeforeAll
    void start() {
        certificates = TestCertificates.create(tmp.resolve("tls"));
        s3 = S3ProxyServer.startHttps(certificates);
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

    @AfterEach
    void close() {
        opened.forEach(ManagedStorage::close);
        opened.clear();
    }

    private String hostAndPort() {
        return "127.0.0.1:" + s3.secureEndpoint().getPort();
    }

    private ManagedStorage open(String name, String type, String... keyValues) {
        Map<String, String> options = new LinkedHashMap<>(s3.storageOptions(type));
        options.put("host", s3.secureEndpoint().toString());
        for (int i = 0; i < keyValues.length; i += 2) {
            options.put(keyValues[i], keyValues[i + 1]);
        }
        ManagedStorage storage = FilesPlugin.of(portal.portal()).openStorage(name, options);
        opened.add(storage);
        return storage;
    }

    private static void roundTrip(ManagedStorage storage) throws Exception {
        byte[] content = "over TLS\n".getBytes(StandardCharsets.UTF_8);
        FileData data = storage.uploader().upload(new Location("a/b.txt"), Upload.of(content, "b.txt", "text/plain"), false);
        try (InputStream in = storage.reader().stream(data)) {
            assertThat(in.readAllBytes()).isEqualTo(content);
        }
        storage.manager().remove(data);
        assertThat(storage.manager().exists(data)).isFalse();
    }

    @Test
    void withTheCaBundleTheStorageWorksOverHttps() throws Exception {
        roundTrip(open("tlsbundle" + counter.incrementAndGet(), "files:s3", "bucket", "tls-bundle", "create_bucket", "true",
                "ca_bundle", certificates.caPem().toString()));
    }

    @Test
    void withATrustStoreHoldingTheCaTheStorageWorksOverHttps() throws Exception {
        Path store = tmp.resolve("trust.p12");
        KeyStore keyStore = KeyStore.getInstance("PKCS12");
        keyStore.load(null, null);
        try (InputStream in = Files.newInputStream(certificates.caPem())) {
            keyStore.setCertificateEntry("ca", CertificateFactory.getInstance("X.509").generateCertificate(in));
        }
        try (OutputStream out = Files.newOutputStream(store)) {
            keyStore.store(out, "store-pass".toCharArray());
        }
        roundTrip(open("tlsstore" + counter.incrementAndGet(), "files:s3", "bucket", "tls-store", "create_bucket", "true",
                "trust_store", store.toString(), "trust_store_password", "store-pass"));
    }

    @Test
    void s3DynamicTakesTheCaBundleToo() throws Exception {
        roundTrip(open("tlsdyn" + counter.incrementAndGet(), "files:s3-dynamic", "bucket_template", "tls-<year>",
                "bucket_secret", "a-secret-of-the-test", "create_bucket", "true", "ca_bundle", certificates.caPem().toString()));
    }

    @Test
    void withoutTheCaBundleAnUploadFailsNamingTheStorageTheHostAndTheOption() {
        String name = "tlsnone" + counter.incrementAndGet();
        ManagedStorage storage = open(name, "files:s3", "bucket", "tls-none");
        assertThatThrownBy(() -> storage.uploader().upload(new Location("a.txt"),
                Upload.of("x".getBytes(StandardCharsets.UTF_8), "a.txt", "text/plain"), false))
                .isInstanceOfSatisfying(FilesException.class, e -> {
                    assertThat(e.kind()).isEqualTo(ErrorKind.CONFIG_INVALID);
                    assertThat(e.getMessage()).contains("storage " + name, "TLS verification of " + hostAndPort() + " failed",
                            "portal.files.storage." + name + ".ca_bundle")
                            .doesNotContain("Exception", "\tat ");
                    // the log gets the whole chain
                    assertThat(e.getCause()).isNotNull();
                });
    }

    @Test
    void withoutTheCaBundleCreatingTheBucketAtStartFailsNamingTheStorageAndTheHost() {
        String name = "tlsstart" + counter.incrementAndGet();
        assertThatThrownBy(() -> open(name, "files:s3", "bucket", "tls-start", "create_bucket", "true"))
                .isInstanceOf(PortalException.class)
                .hasMessageContaining("storage " + name)
                .hasMessageContaining("TLS verification of " + hostAndPort());
    }

    @Test
    void anUnreadableCaBundleIsAConfigurationErrorNamingTheOption() throws Exception {
        Path notPem = Files.writeString(tmp.resolve("not.pem"), "not a certificate");
        String name = "tlsbad" + counter.incrementAndGet();
        assertThatThrownBy(() -> open(name, "files:s3", "bucket", "tls-bad", "ca_bundle", notPem.toString()))
                .isInstanceOfSatisfying(PortalException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.CONFIG_INVALID))
                .hasMessageContaining("portal.files.storage." + name + ".ca_bundle");
    }
}
