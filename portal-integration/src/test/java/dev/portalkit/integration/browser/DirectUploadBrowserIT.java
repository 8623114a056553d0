package dev.portalkit.integration.browser;

import static dev.portalkit.integration.testing.HttpPortal.map;
import static org.assertj.core.api.Assertions.assertThat;

import dev.portalkit.api.files.ContainerManagement;
import dev.portalkit.integration.testing.CuttingProxy;
import dev.portalkit.integration.testing.HeadlessChromium;
import dev.portalkit.integration.testing.HttpPortal;
import dev.portalkit.integration.testing.HttpPortal.Account;
import dev.portalkit.runtime.files.FilesPlugin;
import dev.portalkit.runtime.files.managed.ManagedStorageImpl;
import dev.portalkit.testservers.Azurite;
import java.io.OutputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.Select;

/**
 * The upload widget's direct uploads in a real browser: a storage listed in
 * {@code portal.upload_widget.direct_storages} ({@code files:azure_blob} on Azurite, whose CORS
 * rules {@code files fix-cors} set), chosen on the file dashboard. The browser PUTs the blocks
 * straight to Azurite at the URLs the portal signed; the portal sees the start and completion
 * calls only (a counting proxy in front of it proves no file bytes passed), and records the
 * file with the file's hash.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DirectUploadBrowserIT {
    static final int SIZE = 20 * 1024 * 1024 + 321;

    Path tmp;
    Azurite azurite;
    HttpPortal http;
    Account admin;

    @BeforeAll
    void start() throws Exception {
        tmp = Files.createTempDirectory(Path.of("target"), "direct-browser-").toAbsolutePath();
        Path plugins = Files.createDirectories(tmp.resolve("data/plugins"));
        Path jar = Path.of(System.getProperty("storage.plugins.dir", "target/it-plugins")).resolve("portalkit-plugin-storage-azure-plugin.jar");
        assertThat(jar).as("the drop-in jar of plugins/storage-azure, copied by the build").exists();
        Files.copy(jar, plugins.resolve(jar.getFileName()));
        azurite = Azurite.start(null);
        http = HttpPortal.start(HttpPortal.builder().dataDir(tmp.resolve("data")).pluginsDir(plugins).plugins("storage-azure")
                .option("portal.files.storage.default.type", "files:fs")
                .option("portal.files.storage.default.path", tmp.resolve("files").toString())
                .option("portal.files.storage.default.create_path", "true")
                .option("portal.files.storage.azure.type", "files:azure_blob")
                .option("portal.files.storage.azure.connection_string", azurite.connectionString())
                .option("portal.files.storage.azure.container", "direct")
                .option("portal.files.storage.azure.create_container", "true")
                .option("portal.files.storage.azure.location_transformers", "uuid_with_extension")
                .option("portal.upload_widget.direct_storages", "azure"));
        admin = http.newSysadmin("direct-admin");
    }

    @AfterAll
    void stop() {
        if (http != null) {
            http.close();
        }
        if (azurite != null) {
            azurite.close();
        }
    }

    /** What {@code portalkit files fix-cors -s azure ORIGIN} does, on the running portal's storage. */
    private void fixCors(String origin) {
        ManagedStorageImpl storage = (ManagedStorageImpl) FilesPlugin.of(http.portal().portal()).storages().get("azure");
        storage.adapterAs(ContainerManagement.class).orElseThrow().configureCors(List.of(origin));
    }

    @Test
    @SuppressWarnings("unchecked")
    void aFileChosenForADirectStorageGoesStraightToTheObjectStore(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("survey.bin");
        byte[] content = new byte[SIZE];
        new Random(7).nextBytes(content);
        try (OutputStream out = Files.newOutputStream(file)) {
            out.write(content);
        }
        try (CuttingProxy counter = new CuttingProxy(http.uri().getPort(), Long.MAX_VALUE);
             HeadlessChromium browser = HeadlessChromium.start(URI.create("http://127.0.0.1:" + counter.port() + "/"))) {
            fixCors("http://127.0.0.1:" + counter.port());
            browser.open("/user/login");
            browser.type("#field-login", admin.name());
            browser.type("#field-password", "correct horse battery");
            browser.clickAndWait(browser.find("#login-form button[type=submit]"));
            browser.open("/dashboard/files");
            WebElement box = browser.find("[data-upload-widget]");
            assertThat(box.getAttribute("data-direct-storages")).isEqualTo("azure");
            // The page lets its scripts reach the storage's origin (and only it besides the portal).
            String csp = browser.fetchWithCookies("/dashboard/files").headers().firstValue("Content-Security-Policy").orElseThrow();
            assertThat(csp).contains("connect-src 'self' http://127.0.0.1:" + azurite.port() + ";");
            new Select(browser.find("[data-storage-select]")).selectByValue("azure");
            long before = counter.bytesUp();
            WebElement input = browser.find("[data-upload-widget] input.uppy-Dashboard-input");
            browser.js("arguments[0].hidden = false; arguments[0].style.display = 'block';", input);
            input.sendKeys(file.toString());
            Map<String, Object> stored = browser.until(d -> {
                Map<String, Object> found = http.sudo("files_file_search", map("name", "survey.bin"));
                List<Map<String, Object>> results = (List<Map<String, Object>>) found.get("results");
                return results.isEmpty() ? null : results.get(0);
            });
            assertThat(stored).containsEntry("storage", "azure").containsEntry("size", (long) SIZE)
                    .containsEntry("hash", HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(content)));
            assertThat(counter.bytesUp() - before).as("bytes the browser sent to the portal meanwhile").isLessThan(256 * 1024);
            assertThat(browser.driver().manage().logs().get("browser").getAll().toString()).doesNotContain("Content Security Policy");
        }
    }
}
