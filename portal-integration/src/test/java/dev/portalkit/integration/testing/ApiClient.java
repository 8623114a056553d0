package dev.portalkit.integration.testing;

import com.fasterxml.jackson.core.type.TypeReference;
import dev.portalkit.runtime.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;

/** Calls the action API over HTTP (java.net.http), for the standalone and the WildFly tests. */
public final class ApiClient {
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    private final URI base;

    /** @param base the portal's base URL, ending with a slash (e.g. {@code http://127.0.0.1:5000/}) */
    public ApiClient(URI base) {
        this.base = base;
    }

    public URI base() {
        return base;
    }

    /** An HTTP response with its body parsed as JSON (when it is JSON). */
    public record Reply(int status, String contentType, String body) {
        public Map<String, Object> json() {
            try {
                return Json.MAPPER.readValue(body, new TypeReference<Map<String, Object>>() { });
            } catch (IOException e) {
                throw new AssertionError("not a JSON object (status " + status + "): " + body, e);
            }
        }

        public boolean success() {
            return Boolean.TRUE.equals(json().get("success"));
        }

        public Object result() {
            return json().get("result");
        }

        @SuppressWarnings("unchecked")
        public Map<String, Object> error() {
            return (Map<String, Object>) json().get("error");
        }
    }

    public Reply get(String action, Map<String, String> params, String token) {
        String query = params.entrySet().stream()
                .map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
        return send(request("api/3/action/" + action + (query.isEmpty() ? "" : "?" + query), token).GET());
    }

    /** POSTs {@code data} as a JSON object. */
    public Reply call(String action, Map<String, ?> data, String token) {
        try {
            return postJson(action, Json.MAPPER.writeValueAsString(data), token);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public Reply postJson(String action, String json, String token) {
        return post(action, "application/json", HttpRequest.BodyPublishers.ofString(json), token);
    }

    public Reply post(String action, String contentType, HttpRequest.BodyPublisher body, String token) {
        HttpRequest.Builder b = request("api/action/" + action, token).POST(body);
        if (contentType != null) {
            b.header("Content-Type", contentType);
        }
        return send(b);
    }

    /** A raw request to any path under the base URL. */
    public Reply send(String method, String path, String contentType, HttpRequest.BodyPublisher body) {
        HttpRequest.Builder b = request(path, null).method(method, body);
        if (contentType != null) {
            b.header("Content-Type", contentType);
        }
        return send(b);
    }

    public Reply multipart(String action, Multipart form, String token) {
        return post(action, form.contentType(), form.publisher(), token);
    }

    private HttpRequest.Builder request(String path, String token) {
        HttpRequest.Builder b = HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofMinutes(5));
        if (token != null) {
            b.header("Authorization", token);
        }
        return b;
    }

    private Reply send(HttpRequest.Builder request) {
        try {
            HttpResponse<String> r = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
            return new Reply(r.statusCode(), r.headers().firstValue("Content-Type").orElse(""), r.body());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** A multipart/form-data body whose parts keep the order they were added in; files stream from disk. */
    public static final class Multipart {
        private final String boundary = "----portalkit-" + UUID.randomUUID();
        private final List<HttpRequest.BodyPublisher> pieces = new ArrayList<>();

        public Multipart field(String name, String value) {
            pieces.add(text("--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + name + "\"\r\n\r\n"));
            pieces.add(HttpRequest.BodyPublishers.ofString(value, StandardCharsets.UTF_8));
            pieces.add(text("\r\n"));
            return this;
        }

        public Multipart file(String name, String filename, String contentType, Path file) {
            try {
                header(name, filename, contentType);
                pieces.add(HttpRequest.BodyPublishers.ofFile(file));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            pieces.add(text("\r\n"));
            return this;
        }

        public Multipart file(String name, String filename, String contentType, byte[] content) {
            header(name, filename, contentType);
            pieces.add(HttpRequest.BodyPublishers.ofByteArray(content));
            pieces.add(text("\r\n"));
            return this;
        }

        private void header(String name, String filename, String contentType) {
            pieces.add(text("--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + name + "\"; filename=\""
                    + filename + "\"\r\nContent-Type: " + contentType + "\r\n\r\n"));
        }

        public String contentType() {
            return "multipart/form-data; boundary=" + boundary;
        }

        public HttpRequest.BodyPublisher publisher() {
            List<HttpRequest.BodyPublisher> all = new ArrayList<>(pieces);
            all.add(text("--" + boundary + "--\r\n"));
            return HttpRequest.BodyPublishers.concat(all.toArray(new HttpRequest.BodyPublisher[0]));
        }

        private static HttpRequest.BodyPublisher text(String s) {
            return HttpRequest.BodyPublishers.ofString(s, StandardCharsets.UTF_8);
        }
    }
}
