package dev.portalkit.integration.testing;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.function.Function;
import java.util.stream.Stream;
import org.openqa.selenium.By;
import org.openqa.selenium.Cookie;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * A real browser for page tests: Debian's headless Chromium ({@value #CHROMIUM}) driven by
 * Selenium through Debian's chromedriver ({@value #CHROMEDRIVER}), with a fresh temporary profile.
 * Every wait is bounded ({@link #WAIT}); {@link #close()} quits the browser and removes the
 * profile. Missing packages fail the test with the command that installs them (never a skip):
 * {@code .ci/run} installs them before the build.
 */
public final class HeadlessChromium implements AutoCloseable {
    public static final String CHROMIUM = "/usr/bin/chromium";
    public static final String CHROMEDRIVER = "/usr/bin/chromedriver";
    /** The longest any single wait for the page may take. */
    public static final Duration WAIT = Duration.ofSeconds(20);

    private final ChromeDriverService service;
    private final ChromeDriver driver;
    private final Path profile;
    private final URI base;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    private HeadlessChromium(URI base, ChromeDriverService service, ChromeDriver driver, Path profile) {
        this.base = base;
        this.service = service;
        this.driver = driver;
        this.profile = profile;
    }

    /** Starts Chromium for pages of {@code base} (the portal's root URI). */
    public static HeadlessChromium start(URI base) {
        for (String binary : new String[] {CHROMIUM, CHROMEDRIVER}) {
            if (!Files.isExecutable(Path.of(binary))) {
                throw new AssertionError(binary + " is missing: the browser tests need Debian's chromium and chromium-driver "
                        + "packages (apt-get install -y chromium chromium-driver; .ci/run installs them)");
            }
        }
        Path profile;
        try {
            profile = Files.createTempDirectory("portalkit-chromium-");
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM);
        options.addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                "--no-first-run", "--disable-extensions", "--window-size=1280,1000", "--user-data-dir=" + profile);
        options.setPageLoadStrategy(org.openqa.selenium.PageLoadStrategy.NORMAL);
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(Path.of(CHROMEDRIVER).toFile()).usingAnyFreePort().build();
        try {
            ChromeDriver driver = new ChromeDriver(service, options);
            driver.manage().timeouts().pageLoadTimeout(WAIT).scriptTimeout(WAIT);
            return new HeadlessChromium(base, service, driver, profile);
        } catch (RuntimeException | Error e) {
            service.stop();
            deleteTree(profile);
            throw e;
        }
    }

    public WebDriver driver() {
        return driver;
    }

    /** The absolute URL of a portal path. */
    public String url(String path) {
        return base.resolve(path).toString();
    }

    /** Opens a portal path and waits until it has loaded. */
    public HeadlessChromium open(String path) {
        driver.get(url(path));
        return this;
    }

    public WebElement find(String css) {
        return until(ExpectedConditions.presenceOfElementLocated(By.cssSelector(css)));
    }

    public java.util.List<WebElement> findAll(String css) {
        return driver.findElements(By.cssSelector(css));
    }

    public String text(String css) {
        return find(css).getText();
    }

    /** Waits (at most {@link #WAIT}) until {@code condition} answers a non-null, non-false value. */
    public <T> T until(Function<WebDriver, T> condition) {
        return new WebDriverWait(driver, WAIT).until(condition);
    }

    /**
     * Clicks {@code element}, which leaves the current page (a link or a submit button), and waits
     * until the next page has replaced it.
     */
    public void clickAndWait(WebElement element) {
        WebElement root = driver.findElement(By.tagName("html"));
        element.click();
        // Chromium may answer a question about the old page's node while the new page replaces it with
        // "Node with given id does not belong to the document" rather than a stale reference: gone too.
        until(d -> {
            try {
                return ExpectedConditions.stalenessOf(root).apply(d);
            } catch (org.openqa.selenium.WebDriverException e) {
                if (String.valueOf(e.getMessage()).contains("does not belong to the document")) {
                    return true;
                }
                throw e;
            }
        });
        until(d -> "complete".equals(js("return document.readyState")));
    }

    /** Fills the input or textarea {@code css} with {@code value}. */
    public void type(String css, String value) {
        WebElement field = find(css);
        field.clear();
        field.sendKeys(value);
    }

    public Object js(String script, Object... args) {
        return ((JavascriptExecutor) driver).executeScript(script, args);
    }

    /** The value of the browser's cookie {@code name} for the portal, or null. */
    public String cookie(String name) {
        Cookie c = driver.manage().getCookieNamed(name);
        return c == null ? null : c.getValue();
    }

    /** Forgets every cookie and the portal origin's storage (a new visitor). */
    public void forget() {
        driver.get(url("/assets/portal.css"));
        driver.manage().deleteAllCookies();
        js("try { window.localStorage.clear(); } catch (e) {}");
    }

    /** GETs a portal path in Java with the browser's cookies (to compare downloaded bytes). */
    public HttpResponse<byte[]> fetchWithCookies(String path) {
        StringBuilder cookies = new StringBuilder();
        for (Cookie c : driver.manage().getCookies()) {
            cookies.append(cookies.length() == 0 ? "" : "; ").append(c.getName()).append('=').append(c.getValue());
        }
        HttpRequest.Builder request = HttpRequest.newBuilder(base.resolve(path)).timeout(WAIT).GET();
        if (cookies.length() > 0) {
            request.header("Cookie", cookies.toString());
        }
        try {
            return http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        try {
            driver.quit();
        } finally {
            service.stop();
            deleteTree(profile);
        }
    }

    private static void deleteTree(Path dir) {
        try (Stream<Path> all = Files.walk(dir)) {
            all.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // a leftover temporary profile is harmless
        }
    }
}
