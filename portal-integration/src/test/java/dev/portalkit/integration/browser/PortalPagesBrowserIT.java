package dev.portalkit.integration.browser;

import static dev.portalkit.integration.testing.HttpPortal.map;
import static org.assertj.core.api.Assertions.assertThat;

import dev.portalkit.integration.testing.HeadlessChromium;
import dev.portalkit.integration.testing.HttpPortal;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;

/**
 * The portal's pages in a real browser (Debian's headless Chromium through Selenium): one portal
 * per class (in process, on a free loopback port, the example plugin enabled, files in a
 * temporary fs storage), a sysadmin, an editor of one organization, and a few datasets in two
 * organizations. Each test starts as a new visitor (no cookies) and uses only the pages: links,
 * forms, buttons; the API (in process, auth skipped) only sets up data and checks what changed.
 */
class PortalPagesBrowserIT {
    static final String PASSWORD = "correct horse battery";
    static final String CSV = "river,length_km\nDanube,2850\nRhine,1230\n";

    static Path storage;
    static HttpPortal http;
    static HeadlessChromium browser;
    static HttpPortal.Account admin;
    static HttpPortal.Account editor;
    static String waterOrg;
    static String airOrg;

    @TempDir
    Path tmp;

    @BeforeAll
    static void start() throws IOException {
        storage = Files.createTempDirectory("browser-storage-");
        http = HttpPortal.start(HttpPortal.builder().plugins("example")
                .option("portal.files.storage.default.type", "files:fs")
                .option("portal.files.storage.default.path", storage.toString())
                .option("portal.files.storage.default.create_path", "true"));
        admin = http.newSysadmin("admin");
        editor = http.newUser("editor");
        waterOrg = (String) http.sudo("organization_create", map("name", HttpPortal.unique("water"), "title", "Water Agency")).get("name");
        airOrg = (String) http.sudo("organization_create", map("name", HttpPortal.unique("air"), "title", "Air Office")).get("name");
        http.sudo("organization_member_create", map("id", waterOrg, "username", editor.name(), "role", "editor"));
        dataset("river-levels", "River levels", "Daily gauge readings of rivers", waterOrg);
        dataset("river-temperatures", "River temperatures", "Water temperature of rivers", waterOrg);
        dataset("lake-depths", "Lake depths", "Depth soundings of lakes", waterOrg);
        dataset("air-quality-rivers", "Air quality near rivers", "NO2 and PM10 along rivers", airOrg);
        dataset("air-pollen", "Pollen counts", "Pollen per cubic metre", airOrg);
        // The browser is started last: a portal that failed to start leaves no browser behind.
        browser = HeadlessChromium.start(http.uri());
    }

    static void dataset(String name, String title, String notes, String org) {
        http.sudo("package_create", map("name", name, "title", title, "notes", notes, "owner_org", org));
    }

    @AfterAll
    static void stop() throws IOException {
        try {
            if (browser != null) {
                browser.close();
            }
        } finally {
            if (http != null) {
                http.close();
            }
            try (var files = Files.walk(storage)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    @BeforeEach
    void newVisitor() {
        browser.forget();
    }

    // ---- browse and search -------------------------------------------------------------------

    @Test
    void homeListsRecentDatasetsAndSearchNarrowsByQueryAndOrganizationFacet() {
        browser.open("/");
        assertThat(browser.findAll(".dataset-item h3 a")).extracting(WebElement::getText)
                .contains("Pollen counts", "Air quality near rivers");

        browser.open("/dataset");
        browser.type("#q", "rivers");
        browser.clickAndWait(browser.find(".search-form button[type=submit]"));
        assertThat(browser.driver().getCurrentUrl()).contains("q=rivers");
        assertThat(titles()).containsExactlyInAnyOrder("River levels", "River temperatures", "Air quality near rivers");
        assertThat(browser.text(".result-count")).contains("3");

        // The organization facet: Water Agency has two of the three; clicking it keeps q.
        WebElement water = browser.driver().findElements(By.cssSelector(".facet[data-facet=organization] li a")).stream()
                .filter(a -> a.getText().contains("Water Agency")).findFirst().orElseThrow();
        assertThat(water.findElement(By.cssSelector(".count")).getText()).isEqualTo("2");
        browser.clickAndWait(water);
        assertThat(titles()).containsExactlyInAnyOrder("River levels", "River temperatures");
        assertThat(browser.text(".result-count")).contains("2");
        assertThat(browser.find("#q").getAttribute("value")).isEqualTo("rivers");
        assertThat(browser.find(".facet[data-facet=organization] li.active").getText()).contains("Water Agency");

        browser.clickAndWait(linkNamed(".dataset-item h3 a", "River temperatures"));
        assertThat(browser.driver().getCurrentUrl()).endsWith("/dataset/river-temperatures");
        assertThat(browser.text("h1")).contains("River temperatures");
        assertThat(browser.text(".notes")).contains("Water temperature of rivers");
        assertThat(browser.text(".breadcrumb")).contains("Water Agency");
    }

    // ---- log in and out ----------------------------------------------------------------------

    @Test
    void loginRefusesAWrongPasswordThenSignsInAndLogoutEndsTheSession() {
        browser.open("/user/login");
        browser.type("#field-login", editor.name());
        browser.type("#field-password", "not the password");
        browser.clickAndWait(browser.find("#login-form button[type=submit]"));
        assertThat(browser.text(".form-errors")).isNotBlank();
        assertThat(browser.find("#field-login").getAttribute("value")).isEqualTo(editor.name());
        assertThat(browser.findAll(".account-name")).isEmpty();
        assertThat(browser.cookie("portal_session")).isNull();

        logIn(editor);
        assertThat(browser.text(".account-name")).isEqualTo(editor.name());
        String session = browser.cookie("portal_session");
        assertThat(session).isNotNull();
        browser.open("/dashboard/files");
        assertThat(browser.driver().getCurrentUrl()).endsWith("/dashboard/files");

        browser.clickAndWait(browser.find("form[action='/user/logout'] button"));
        assertThat(browser.findAll(".account-name")).isEmpty();
        assertThat(browser.find(".account-nav").getText()).doesNotContain(editor.name());
        browser.open("/dashboard/files");
        assertThat(browser.driver().getCurrentUrl()).contains("/user/login").contains("came_from=%2Fdashboard%2Ffiles");
        // Logging in from there comes back to the page that asked.
        browser.type("#field-login", editor.name());
        browser.type("#field-password", PASSWORD);
        browser.clickAndWait(browser.find("#login-form button[type=submit]"));
        assertThat(browser.driver().getCurrentUrl()).endsWith("/dashboard/files");
        assertThat(browser.text(".account-name")).isEqualTo(editor.name());
        browser.clickAndWait(browser.find("form[action='/user/logout'] button"));
        assertThat(browser.findAll(".account-name")).isEmpty();

        // The old session is gone on the server, not only forgotten by the browser.
        browser.driver().manage().addCookie(new org.openqa.selenium.Cookie("portal_session", session, "/"));
        browser.open("/dashboard/files");
        assertThat(browser.driver().getCurrentUrl()).contains("/user/login");
        assertThat(browser.findAll(".account-name")).isEmpty();
    }

    // ---- a dataset through the forms ------------------------------------------------------

    @Test
    void datasetFormShowsEachValidatorsMessageAtItsFieldThenCreatesAndTakesAnUploadedCsv() throws IOException {
        logIn(editor);
        browser.open("/dataset/new");
        // The example plugin's example_code field, drawn by its own snippet.
        assertThat(browser.find(".example-code-field label").getText()).contains("starts with EX-");
        browser.type("#field-title", "Canal widths");
        browser.type("#field-name", "Canal Widths!");
        browser.type("#field-example_code", "XX-1");
        new Select(browser.find("#field-owner_org")).selectByVisibleText("Water Agency");
        browser.clickAndWait(browser.find("#dataset-form button[type=submit]"));

        assertThat(browser.text("[data-field=name] .field-error")).isNotBlank();
        assertThat(browser.text("#error-example_code")).contains("EX-");
        assertThat(browser.findAll("[data-field=title] .field-error")).isEmpty();
        assertThat(browser.find("#field-title").getAttribute("value")).isEqualTo("Canal widths");
        assertThat(browser.find("#field-example_code").getAttribute("value")).isEqualTo("XX-1");
        assertThat(((Number) http.sudo("package_search", map("q", "Canal")).get("count")).longValue()).isZero();

        browser.type("#field-name", "canal-widths");
        browser.type("#field-example_code", "EX-0042");
        browser.clickAndWait(browser.find("#dataset-form button[type=submit]"));
        assertThat(browser.driver().getCurrentUrl()).endsWith("/dataset/canal-widths/resource/new");
        Map<String, Object> pkg = http.sudo("package_show", map("id", "canal-widths"));
        assertThat(pkg).containsEntry("title", "Canal widths").containsEntry("example_code", "EX-0042");

        Path csv = tmp.resolve("widths.csv");
        Files.writeString(csv, CSV);
        browser.find("input[name=upload]").sendKeys(csv.toString());
        browser.type("#field-name", "Widths table");
        browser.clickAndWait(browser.find("#resource-form button[value=go]"));
        assertThat(browser.driver().getCurrentUrl()).endsWith("/dataset/canal-widths");
        WebElement item = browser.find(".resource-list li");
        assertThat(item.getText()).contains("Widths table");

        // The editor of the dataset's organization is offered its edit form.
        assertThat(browser.findAll("a[href='/dataset/edit/canal-widths']")).hasSize(1);

        String href = item.findElement(By.cssSelector("a.download")).getAttribute("href");
        HttpResponse<byte[]> download = browser.fetchWithCookies(URI.create(href).getRawPath());
        assertThat(download.statusCode()).isEqualTo(200);
        assertThat(new String(download.body(), StandardCharsets.UTF_8)).isEqualTo(CSV);

        // The resource page previews the CSV as a table (portal.js fetches it from the download URL).
        browser.clickAndWait(linkNamed(".resource-list li a", "Widths table"));
        browser.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("section.preview table")));
        assertThat(browser.findAll("section.preview th")).extracting(WebElement::getText).containsExactly("river", "length_km");
        assertThat(browser.findAll("section.preview td")).extracting(WebElement::getText).contains("Danube", "2850");
    }

    // ---- a template override and a helper from the example plugin, and its page ---------------

    @Test
    void exampleOverrideGreetsOnTheDatasetPageAndItsHelloPagePostsWithTheCsrfToken() {
        browser.open("/dataset/lake-depths");
        assertThat(browser.text("#example-greeting")).isEqualTo("Hello, Lake depths!");
        // ckan_extends kept the core page around the overridden block.
        assertThat(browser.text(".notes")).contains("Depth soundings of lakes");
        assertThat(browser.text("h1")).contains("Lake depths");

        browser.open("/example/hello");
        assertThat(browser.find("#hello-form input[name=_csrf_token]").getAttribute("value")).isNotBlank();
        browser.type("#name", "Ada");
        browser.clickAndWait(browser.find("#hello-form button[type=submit]"));
        assertThat(browser.text("#hello-answer")).isEqualTo("Hello, Ada!");
    }

    // ---- CSRF refusal ----------------------------------------------------------------------

    @Test
    void aFormWithATamperedCsrfTokenGetsTheForbiddenPageAndChangesNothing() throws IOException {
        logIn(admin);
        browser.open("/dataset/edit/air-pollen");
        browser.type("#field-title", "Tampered title");
        browser.js("document.querySelector('#dataset-form input[name=_csrf_token]').value = 'forged-token'");
        browser.clickAndWait(browser.find("#dataset-form button[type=submit]"));
        assertThat(browser.text(".error-page h1")).startsWith("403");
        assertThat(browser.text(".error-message")).contains("CSRF");
        assertThat(http.sudo("package_show", map("id", "air-pollen"))).containsEntry("title", "Pollen counts");

        // An upload form with a forged token: refused before anything is stored.
        Path csv = tmp.resolve("forged.csv");
        Files.writeString(csv, CSV);
        long storedBefore = storedFiles();
        browser.open("/dataset/air-pollen/resource/new");
        browser.find("input[name=upload]").sendKeys(csv.toString());
        browser.type("#field-name", "Forged upload");
        browser.js("document.querySelector('#resource-form input[name=_csrf_token]').value = 'forged-token'");
        browser.clickAndWait(browser.find("#resource-form button[value=go]"));
        assertThat(browser.text(".error-page h1")).startsWith("403");
        assertThat((List<?>) http.sudo("package_show", map("id", "air-pollen")).get("resources")).isEmpty();
        assertThat(storedFiles()).isEqualTo(storedBefore);

        // The same form with its own token saves (the refusal was the token's, not the form's).
        browser.open("/dataset/edit/air-pollen");
        browser.type("#field-title", "Pollen counts (daily)");
        browser.clickAndWait(browser.find("#dataset-form button[type=submit]"));
        assertThat(http.sudo("package_show", map("id", "air-pollen"))).containsEntry("title", "Pollen counts (daily)");
        http.sudo("package_patch", map("id", "air-pollen", "title", "Pollen counts"));
    }

    // ---- user content never runs on the portal's origin ----------------------------------------

    @Test
    void anUploadedSvgsScriptDoesNotRun() throws Exception {
        ConcurrentLinkedQueue<String> hits = new ConcurrentLinkedQueue<>();
        HttpServer marker = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        marker.createContext("/", exchange -> {
            hits.add(exchange.getRequestURI().toString());
            exchange.getResponseHeaders().add("Access-Control-Allow-Origin", "*");
            exchange.sendResponseHeaders(204, -1);
            exchange.close();
        });
        marker.start();
        try {
            String markerUrl = "http://127.0.0.1:" + marker.getAddress().getPort() + "/svg-ran";
            String svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"40\" height=\"40\">"
                    + "<rect width=\"40\" height=\"40\" fill=\"red\"/><script>"
                    + "document.title = 'svg-script-ran';"
                    + "try { localStorage.setItem('svg-script-ran', '1'); } catch (e) {}"
                    + "try { fetch('" + markerUrl + "', {mode: 'no-cors'}); } catch (e) {}"
                    + "new Image().src = '" + markerUrl + "?img';"
                    + "</script></svg>";
            Path file = tmp.resolve("drawing.svg");
            Files.writeString(file, svg);

            logIn(admin);
            browser.open("/dataset/river-levels/resource/new");
            // A sysadmin may use multipart uploads: the upload widget takes the file and the form sends its id.
            dropIntoWidget(file);
            browser.until(d -> {
                String id = d.findElement(By.cssSelector("[data-upload-widget]")).getAttribute("data-file-id");
                return id != null && !id.isEmpty();
            });
            browser.type("#field-name", "Drawing");
            browser.clickAndWait(browser.find("#resource-form button[value=go]"));
            WebElement item = browser.findAll(".resource-list li").stream().filter(li -> li.getText().contains("Drawing"))
                    .findFirst().orElseThrow();
            String href = item.findElement(By.cssSelector("a.download")).getAttribute("href");

            HttpResponse<byte[]> response = browser.fetchWithCookies(URI.create(href).getRawPath());
            assertThat(response.statusCode()).isEqualTo(200);
            boolean sandboxed = response.headers().allValues("Content-Security-Policy").stream().anyMatch(v -> v.contains("sandbox"));
            boolean attachment = response.headers().firstValue("Content-Disposition").orElse("").startsWith("attachment");
            assertThat(sandboxed || attachment).as("CSP sandbox or an attachment: %s", response.headers().map()).isTrue();

            browser.driver().get(href);
            browser.until(d -> "complete".equals(browser.js("return document.readyState")));
            assertThat(browser.driver().getTitle()).isNotEqualTo("svg-script-ran");
            // A control that the marker server works from this browser: the portal page's CSP does
            // not apply to a plain navigation, so a direct visit reaches it.
            browser.driver().get(markerUrl + "?control");
            browser.until(d -> hits.stream().anyMatch(h -> h.contains("control")));
            browser.open("/");
            assertThat(browser.js("return window.localStorage.getItem('svg-script-ran')")).isNull();
            assertThat(hits).allMatch(h -> h.contains("control"));
        } finally {
            marker.stop(0);
        }
    }

    // ---- an organization's image ------------------------------------------------------------

    @Test
    void anOrganizationImageUploadedThroughTheEditFormIsShownOnItsPage() throws IOException {
        Path png = tmp.resolve("logo.png");
        byte[] logo = png(12, 8);
        Files.write(png, logo);
        logIn(admin);
        browser.open("/organization/edit/" + airOrg);
        browser.find("input[name=image_upload]").sendKeys(png.toString());
        browser.clickAndWait(browser.find("#group-form button[type=submit]"));
        assertThat(browser.driver().getCurrentUrl()).endsWith("/organization/" + airOrg);
        WebElement image = browser.find("img.group-image");
        HttpResponse<byte[]> bytes = browser.fetchWithCookies(URI.create(image.getAttribute("src")).getRawPath());
        assertThat(bytes.statusCode()).isEqualTo(200);
        assertThat(bytes.body()).isEqualTo(logo);
        // The browser decoded it: loaded (complete) with the image's own width.
        Object width = browser.until(d -> browser.js("var i = arguments[0]; return i.complete ? i.naturalWidth : null;", image));
        assertThat(((Number) width).longValue()).isEqualTo(12);
    }

    /** Gives {@code file} to the page's upload widget (Uppy's Dashboard), as a drop or a pick would. */
    private void dropIntoWidget(Path file) {
        WebElement input = browser.find("[data-upload-widget] input.uppy-Dashboard-input");
        browser.js("arguments[0].hidden = false; arguments[0].style.display = 'block';", input);
        input.sendKeys(file.toString());
    }

    // ---- the file dashboard -----------------------------------------------------------------

    @Test
    void theFileDashboardUploadsRenamesAndDeletesAFile() throws IOException {
        Path file = tmp.resolve("notes.txt");
        Files.writeString(file, "field notes\n");
        logIn(admin);
        browser.open("/dashboard/files");
        // The upload widget sends the file in parts and reloads the page when it is in.
        WebElement before = browser.find("html");
        dropIntoWidget(file);
        browser.until(org.openqa.selenium.support.ui.ExpectedConditions.stalenessOf(before));
        WebElement row = fileRow("notes.txt");
        String id = row.getAttribute("data-file-id");
        assertThat(http.sudo("files_file_show", map("id", id))).containsEntry("name", "notes.txt");

        WebElement name = row.findElement(By.cssSelector("form[action$='/rename'] input[name=name]"));
        name.clear();
        name.sendKeys("field-notes.txt");
        browser.clickAndWait(row.findElement(By.cssSelector("form[action$='/rename'] button")));
        row = browser.find("tr[data-file-id='" + id + "']");
        assertThat(row.findElement(By.cssSelector("td a")).getText()).isEqualTo("field-notes.txt");
        assertThat(http.sudo("files_file_show", map("id", id))).containsEntry("name", "field-notes.txt");

        browser.clickAndWait(row.findElement(By.cssSelector("form[action$='/delete'] button")));
        assertThat(browser.findAll("tr[data-file-id='" + id + "']")).isEmpty();
        assertThat(http.sudo("files_file_search", map("owner_type", "user", "owner_id", admin.id())).get("results"))
                .asList().noneMatch(f -> id.equals(((Map<?, ?>) f).get("id")));
    }

    // ---- the API browser (Swagger UI) ----------------------------------------------------------

    /**
     * Swagger UI runs under its self-only Content-Security-Policy: its scripts (the WebJar's and the
     * initializer) load, it fetches /api/openapi.json and draws one operation per action and method,
     * with the action's documentation, styled by the WebJar's stylesheet.
     */
    @Test
    void swaggerUiDrawsEveryActionUnderItsSelfOnlyPolicy() {
        browser.open("/api/docs");
        assertThat(browser.driver().getCurrentUrl()).isEqualTo(browser.url("/api/docs/"));
        // The bundle (1.7 MB) is parsed and some hundred operations drawn: a loaded machine needs more than one wait.
        long blocks = 0;
        for (int wait = 0; wait < 4 && blocks == 0; wait++) {
            try {
                blocks = browser.until(d -> {
                    long n = ((Number) browser.js("return document.querySelectorAll('.opblock').length")).longValue();
                    return n > 0 ? n : null;
                });
            } catch (org.openqa.selenium.TimeoutException e) {
                // not drawn yet: wait again (at most four times HeadlessChromium.WAIT)
            }
        }
        var registry = http.portal().portal().dispatcher().actions();
        long operations = registry.names().stream().mapToLong(n -> registry.get(n).base().sideEffectFree() ? 2 : 1).sum();
        assertThat(blocks).isEqualTo(operations);
        assertThat((String) browser.js("return document.body.innerText")).contains("/action/example_hello", "Greets someone");
        assertThat(browser.js("return getComputedStyle(document.querySelector('.opblock')).borderTopLeftRadius"))
                .as("the WebJar's stylesheet applies").isNotEqualTo("0px");
    }

    // ---- helpers -----------------------------------------------------------------------------

    /** Signs in through the login form and waits for the header to name the user. */
    static void logIn(HttpPortal.Account account) {
        browser.open("/user/login");
        browser.type("#field-login", account.name());
        browser.type("#field-password", PASSWORD);
        browser.clickAndWait(browser.find("#login-form button[type=submit]"));
        browser.until(ExpectedConditions.textToBe(By.cssSelector(".account-name"), account.name()));
    }

    /** A real PNG of this size (a browser must decode it: signature-only test images do not load). */
    static byte[] png(int width, int height) throws IOException {
        java.awt.image.BufferedImage image = new java.awt.image.BufferedImage(width, height, java.awt.image.BufferedImage.TYPE_INT_RGB);
        image.setRGB(0, 0, 0x3366cc);
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        javax.imageio.ImageIO.write(image, "png", out);
        return out.toByteArray();
    }

    /** How many files the portal's storage holds. */
    static long storedFiles() throws IOException {
        try (var files = Files.walk(storage)) {
            return files.filter(Files::isRegularFile).count();
        }
    }

    static List<String> titles() {
        return browser.findAll(".dataset-item h3 a").stream().map(WebElement::getText).toList();
    }

    static WebElement linkNamed(String css, String text) {
        return browser.findAll(css).stream().filter(a -> a.getText().equals(text)).findFirst()
                .orElseThrow(() -> new AssertionError("no link " + text + " among " + css));
    }

    static WebElement fileRow(String name) {
        return browser.findAll("tr[data-file-id]").stream()
                .filter(r -> r.findElement(By.cssSelector("td a")).getText().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("no file " + name + " on the dashboard"));
    }
}
