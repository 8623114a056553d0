package dev.portalkit.integration.testing;

import java.io.IOException;
import java.net.CookieManager;
import java.net.HttpCookie;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.StringJoiner;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A browser-like client of the portal's pages over real HTTP: keeps cookies, does not follow
 * redirects (tests look at them), remembers the CSRF token of the last page it read.
 */
public final class PageClient {
    private static final Pattern CSRF = Pattern.compile("name=\"_csrf_token\" value=\"([^\"]*)\"");

    private final URI base;
    private final CookieManager cookies = new CookieManager();
    private final HttpClient http;
    private String csrf;

    public PageClient(URI base) {
        this.base = base;
        this.http = HttpClient.newBuilder().cookieHandler(cookies).followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(Duration.ofSeconds(10)).build();
    }

    /** One answer: status, headers and the body as text. */
    public record Answer(int status, java.net.http.HttpHeaders headers, String body) {
        public Optional<String> header(String name) {
            return headers.firstValue(name);
        }

        /** The path a redirect points at (the Location without scheme and host). */
        public String location() {
            String l = headers.firstValue("Location").orElseThrow(() -> new AssertionError("no Location header (status " + status + ")"));
            return l.replaceFirst("^https?://[^/]+", "");
        }
    }

    /** A portal path ({@code /dataset}) as a URI below the base (which may carry a context path). */
    private URI uri(String path) {
        return base.resolve(path.startsWith("/") ? path.substring(1) : path);
    }

    public Answer get(String path) {
        return send(HttpRequest.newBuilder(uri(path)).GET());
    }

    public Answer get(String path, Map<String, String> headers) {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri(path)).GET();
        headers.forEach(b::header);
        return send(b);
    }

    /** A form POST with the remembered CSRF token added (unless the fields give one). */
    public Answer post(String path, Map<String, String> fields) {
        return postRaw(path, withToken(fields), Map.of());
    }

    /** A form POST exactly as given (no token added). */
    public Answer postRaw(String path, Map<String, String> fields, Map<String, String> headers) {
        StringJoiner body = new StringJoiner("&");
        fields.forEach((k, v) -> body.add(URLEncoder.encode(k, StandardCharsets.UTF_8) + "=" + URLEncoder.encode(v, StandardCharsets.UTF_8)));
        HttpRequest.Builder b = HttpRequest.newBuilder(uri(path)).header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(body.toString()));
        headers.forEach(b::header);
        return send(b);
    }

    /** A multipart POST (a form with a file) with the remembered CSRF token added. */
    public Answer postMultipart(String path, ApiClient.Multipart form) {
        if (csrf != null) {
            form.field("_csrf_token", csrf);
        }
        return send(HttpRequest.newBuilder(uri(path)).header("Content-Type", form.contentType()).POST(form.publisher()));
    }

    /** A JSON action call with the session cookie and the given headers. */
    public Answer postJson(String path, String json, Map<String, String> headers) {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri(path)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json));
        headers.forEach(b::header);
        return send(b);
    }

    /** Logs in through the login form; fails the test unless it redirects. */
    public PageClient login(String name, String password) {
        get("/user/login");
        Answer a = post("/user/login", Map.of("login", name, "password", password));
        if (a.status() != 303) {
            throw new AssertionError("login of " + name + " failed: " + a.status() + "\n" + a.body());
        }
        return this;
    }

    public String csrf() {
        return csrf;
    }

    public Optional<String> cookie(String name) {
        return cookies.getCookieStore().getCookies().stream().filter(c -> c.getName().equals(name)).map(HttpCookie::getValue).findFirst();
    }

    private Map<String, String> withToken(Map<String, String> fields) {
        if (fields.containsKey("_csrf_token") || csrf == null) {
            return fields;
        }
        Map<String, String> all = new java.util.LinkedHashMap<>(fields);
        all.put("_csrf_token", csrf);
        return all;
    }

    private Answer send(HttpRequest.Builder request) {
        try {
            HttpResponse<String> r = http.send(request.timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
            Matcher m = CSRF.matcher(r.body());
            if (m.find()) {
                csrf = m.group(1);
            }
            return new Answer(r.statusCode(), r.headers(), r.body());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
