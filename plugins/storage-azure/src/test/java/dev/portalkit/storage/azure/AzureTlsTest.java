package dev.portalkit.storage.azure;

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
import dev.portalkit.testservers.Azurite;
import dev.portalkit.testservers.TestCertificates;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
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
 * files:azure_blob against Azurite over HTTPS ({@code --cert/--key}) with a certificate from a CA made
 * for the test: with {@code ca_bundle} the storage works; without, the failure names the storage, the
 * host and the option to set.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AzureTlsTest {
    @TempDir
    static Path tmp;
    private final AtomicInteger counter = new AtomicInteger();
    private final List<ManagedStorage> opened = new ArrayList<>();
    private TestCertificates certificates;
    private Azurite azurite;
    private TestPortal portal;

    @BeforeAll
    void start() {
        certificates = TestCertificates.create(tmp.resolve("tls"));
        azurite = Azurite.startHttps(certificates);
        portal = TestPortal.builder().plugins("storage-azure").runPendingTasks(false).start();
    }

    @AfterAll
    void stop() {
        if (portal != null) {
            portal.close();
        }
        if (azurite != null) {
            azurite.close();
        }
    }

    @AfterEach
    void close() {
        opened.forEach(ManagedStorage::close);
        opened.clear();
    }

    private ManagedStorage open(String name, String... keyValues) {
        Map<String, String> options = new LinkedHashMap<>();
        options.put("type", AzureBlobStorageFactory.TYPE);
        options.put("container", "tls-" + counter.incrementAndGet());
        options.put("connection_string", azurite.connectionString());
        options.put("max_retries", "0");
        for (int i = 0; i < keyValues.length; i += 2) {
            options.put(keyValues[i], keyValues[i + 1]);
        }
        ManagedStorage storage = FilesPlugin.of(portal.portal()).openStorage(name, options);
        opened.add(storage);
        return storage;
    }

    @Test
    void withTheCaBundleTheStorageWorksOverHttps() throws Exception {
        assertThat(azurite.endpoint()).startsWith("https://");
        ManagedStorage storage = open("aztls" + counter.incrementAndGet(), "create_container", "true",
                "ca_bundle", certificates.caPem().toString());
        byte[] content = "over TLS\n".getBytes(StandardCharsets.UTF_8);
        FileData data = storage.uploader().upload(new Location("a/b.txt"), Upload.of(content, "b.txt", "text/plain"), false);
        try (InputStream in = storage.reader().stream(data)) {
            assertThat(in.readAllBytes()).isEqualTo(content);
        }
        storage.manager().remove(data);
        assertThat(storage.manager().exists(data)).isFalse();
    }

    @Test
    void withoutTheCaBundleAnUploadFailsNamingTheStorageTheHostAndTheOption() {
        String name = "aznone" + counter.incrementAndGet();
        ManagedStorage storage = open(name);
        assertThatThrownBy(() -> storage.uploader().upload(new Location("a.txt"),
                Upload.of("x".getBytes(StandardCharsets.UTF_8), "a.txt", "text/plain"), false))
                .isInstanceOfSatisfying(FilesException.class, e -> {
                    assertThat(e.kind()).isEqualTo(ErrorKind.CONFIG_INVALID);
                    assertThat(e.getMessage()).contains("storage " + name, "TLS verification of 127.0.0.1:" + azurite.port() + " failed",
                            "portal.files.storage." + name + ".ca_bundle")
                            .doesNotContain("Exception", "\tat ", Azurite.KEY);
                    assertThat(e.getCause()).isNotNull();
                });
    }

    @Test
    void withoutTheCaBundleCreatingTheContainerAtStartFailsNamingTheHost() {
        String name = "azstart" + counter.incrementAndGet();
        assertThatThrownBy(() -> open(name, "create_container", "true"))
                .isInstanceOf(PortalException.class)
                .hasMessageContaining("portal.files.storage." + name + ".container")
                .hasMessageContaining("TLS verification of 127.0.0.1:" + azurite.port() + " failed")
                .hasMessageContaining("portal.files.storage." + name + ".ca_bundle");
    }

    @Test
    void anUnreadableCaBundleIsAConfigurationErrorNamingTheOption() throws Exception {
        Path notPem = Files.writeString(tmp.resolve("not.pem"), "not a certificate");
        String name = "azbad" + counter.incrementAndGet();
        assertThatThrownBy(() -> open(name, "ca_bundle", notPem.toString()))
                .isInstanceOfSatisfying(PortalException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.CONFIG_INVALID))
                .hasMessageContaining("portal.files.storage." + name + ".ca_bundle");
    }
}
