package dev.portalkit.integration.browser;

import static dev.portalkit.integration.testing.HttpPortal.map;
import static dev.portalkit.integration.testing.HttpPortal.unique;
import static org.assertj.core.api.Assertions.assertThat;

import dev.portalkit.integration.testing.CuttingProxy;
import dev.portalkit.integration.testing.HeadlessChromium;
import dev.portalkit.integration.testing.HttpPortal;
import dev.portalkit.integration.testing.HttpPortal.Account;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpResponse;
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
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;

/**
 * The upload widget in a real browser (Debian's Chromium): a 50 MiB resource through Uppy's
 * Dashboard on the resource form, in 8 MiB tus requests (/files/tus, 8 MiB parts behind them); the line to
 * the portal drops after 20 MiB (a proxy closes every connection and refuses new ones until the
 * test restores it), the widget reports the failure, retry resumes at the portal's offset (fewer bytes than the file are sent
 * again), and the resource's download has the file's exact bytes.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class UploadWidgetBrowserIT {
    static final long SIZE = 50L * 1024 * 1024;
    static final long CUT_AFTER = 20L * 1024 * 1024;
    static final long PART = 8L * 1024 * 1024;

    HttpPortal http;
    Account admin;
    String org;

    @BeforeAll
    void start() {
        http = HttpPortal.start(HttpPortal.builder());
        admin = http.newSysadmin("widget-admin");
        org = unique("widget-org");
        http.sudo("organization_create", map("name", org));
    }

    @AfterAll
    void stop() {
        if (http != null) {
            http.close();
        }
    }

    @Test
    void anOrganizationImageIsDroppedIntoTheWidgetAndSentWithTheForm(@TempDir Path dir) throws Exception {
        Path png = dir.resolve("logo.png");
        java.awt.image.BufferedImage image = new java.awt.image.BufferedImage(40, 30, java.awt.image.BufferedImage.TYPE_INT_RGB);
        image.setRGB(3, 4, 0x1f5f99);
        javax.imageio.ImageIO.write(image, "png", png.toFile());
        try (HeadlessChromium browser = HeadlessChromium.start(http.uri())) {
            browser.open("/user/login");
            browser.type("#field-login", admin.name());
            browser.type("#field-password", "correct horse battery");
            browser.clickAndWait(browser.find("#login-form button[type=submit]"));
            browser.open("/organization/edit/" + org);
            WebElement input = browser.find("[data-upload-mode=form] input.uppy-Dashboard-input");
            browser.js("arguments[0].hidden = false; arguments[0].style.display = 'block';", input);
            input.sendKeys(png.toString());
            // The widget shows the picked file and hands it to the form's own (hidden) input.
            browser.until(d -> Boolean.TRUE.equals(browser.js(
                    "var i = document.querySelector('input[name=image_upload]'); return i.files.length === 1 && i.files[0].name === 'logo.png';")));
            browser.clickAndWait(browser.find("#group-form button[type=submit]"));
            assertThat(browser.driver().getCurrentUrl()).endsWith("/organization/" + org);
            WebElement img = browser.find("img.group-image");
            browser.until(d -> Boolean.TRUE.equals(browser.js("return arguments[0].complete && arguments[0].naturalWidth === 40;", img)));
        }
        assertThat((String) http.sudo("organization_show", map("id", org)).get("image_url")).doesNotContain("://");
    }

    @Test
    void aResourceUploadResumesAfterTheLineDropsAndKeepsEveryByte(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("measurements.bin");
        byte[] chunk = new byte[1024 * 1024];
        Random random = new Random(42);
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        try (OutputStream out = Files.newOutputStream(file)) {
            for (long written = 0; written < SIZE; written += chunk.length) {
                random.nextBytes(chunk);
                out.write(chunk);
                sha.update(chunk);
            }
        }
        String expected = HexFormat.of().formatHex(sha.digest());
        String dataset = unique("widget-data");
        http.sudo("package_create", map("name", dataset, "owner_org", org));

        try (CuttingProxy proxy = new CuttingProxy(http.uri().getPort(), CUT_AFTER);
             HeadlessChromium browser = HeadlessChromium.start(URI.create("http://127.0.0.1:" + proxy.port() + "/"))) {
            browser.open("/user/login");
            browser.type("#field-login", admin.name());
            browser.type("#field-password", "correct horse battery");
            browser.clickAndWait(browser.find("#login-form button[type=submit]"));
            browser.open("/dataset/" + dataset + "/resource/new");
            WebElement widget = browser.find("[data-upload-widget] .uppy-Dashboard");
            assertThat(widget.isDisplayed()).isTrue();
            WebElement input = browser.find("[data-upload-widget] input.uppy-Dashboard-input");
            browser.js("arguments[0].hidden = false; arguments[0].style.display = 'block';", input);
            input.sendKeys(file.toString());

            // The line drops after 20 MiB: the widget says so and offers to retry.
            WebElement retry;
            try {
                retry = browser.until(d -> {
                    List<WebElement> b = d.findElements(By.cssSelector(".uppy-StatusBar-actionBtn--retry"));
                    return b.isEmpty() ? null : b.get(0);
                });
            } catch (org.openqa.selenium.TimeoutException e) {
                throw new AssertionError("no retry button; cut=" + proxy.wasCut() + "; widget: "
                        + browser.js("return document.querySelector('[data-upload-widget]').innerText") + "; log: "
                        + browser.driver().manage().logs().get("browser").getAll(), e);
            }
            assertThat(proxy.wasCut()).isTrue();
            @SuppressWarnings("unchecked")
            List<Map<String, Object>> pending = (List<Map<String, Object>>) http.sudo("files_multipart_list", map()).get("results");
            assertThat(pending).hasSize(1);
            int stored = ((Map<?, ?>) pending.get(0).get("parts")).size();
            assertThat(stored).as("parts the portal had when the line dropped").isBetween(1, 2);

            proxy.restore();
            retry.click();
            String fileId = browser.until(d -> {
                String id = d.findElement(By.cssSelector("[data-upload-widget]")).getAttribute("data-file-id");
                return id == null || id.isEmpty() ? null : id;
            });
            // Resumed, not restarted: what was stored before the drop was not sent again.
            assertThat(proxy.bytesAfterCut()).isLessThan(SIZE - stored * PART + 1024 * 1024);

            browser.type("#field-name", "Measurements");
            browser.clickAndWait(browser.find("#resource-form button[value=go]"));
            assertThat(browser.driver().getCurrentUrl()).endsWith("/dataset/" + dataset);
            @SuppressWarnings("unchecked")
            Map<String, Object> res = ((List<Map<String, Object>>) http.sudo("package_show", map("id", dataset)).get("resources")).get(0);
            assertThat(res.get("file_id")).isEqualTo(fileId);
            assertThat(res.get("size")).isEqualTo(SIZE);
            String download = browser.find("a.download").getAttribute("href").replaceFirst("^https?://[^/]+", "");
            HttpResponse<byte[]> got = browser.fetchWithCookies(download);
            assertThat(got.statusCode()).isEqualTo(200);
            assertThat(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(got.body()))).isEqualTo(expected);
        }
    }
}
