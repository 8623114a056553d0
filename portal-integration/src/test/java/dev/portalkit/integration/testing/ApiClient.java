package dev.portalkit.integration.testing;

import com.fasterxml.jackson.core.type.TypeReference;
import dev.portalkit.runtime.Json;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.Socket;
import java.net.SocketException;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
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

    /** A {@code GET} answered with bytes: a download. */
    public record Download(int status, String contentType, byte[] body) {
        public String text() {
            return new String(body, StandardCharsets.UTF_8);
        }
    }

    /** {@code GET} of any path under the base URL ({@code files/download/<id>}), with a token or anonymous ({@code null}). */
    public Download download(String path, String token) {
        try {
            HttpResponse<byte[]> r = http.send(request(path.startsWith("/") ? path.substring(1) : path, token).GET().build(),
                    HttpResponse.BodyHandlers.ofByteArray());
            return new Download(r.statusCode(), r.headers().firstValue("Content-Type").orElse(""), r.body());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
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

    /**
     * POSTs over a plain socket, writing the body on another thread while the answer is read (as
     * curl does), for requests the server refuses before reading their body (413). A server may
     * answer early and close the connection: java.net.http, which reads the answer only once it
     * has written the whole body, then often sees the connection reset instead of the answer.
     */
    public Reply postAnsweredEarly(String action, String contentType, HttpRequest.BodyPublisher body, String token) {
        byte[] content = bytesOf(body);
        StringBuilder head = new StringBuilder("POST " + base.getRawPath() + "api/action/" + action + " HTTP/1.1\r\n")
                .append("Host: ").append(base.getHost()).append(':').append(base.getPort()).append("\r\n")
                .append("Content-Type: ").append(contentType).append("\r\n")
                .append("Content-Length: ").append(content.length).append("\r\n")
                .append("Connection: close\r\n");
        if (token != null) {
            head.append("Authorization: ").append(token).append("\r\n");
        }
        head.append("\r\n");
        try (Socket socket = new Socket(base.getHost(), base.getPort())) {
            socket.setSoTimeout(60_000);
            OutputStream out = socket.getOutputStream();
            Thread writer = new Thread(() -> {
                try {
                    out.write(head.toString().getBytes(StandardCharsets.US_ASCII));
                    out.write(content);
                    out.flush();
                } catch (IOException e) {
                    // The server stopped reading; its answer says why.
                }
            }, "early-answer-writer");
            writer.setDaemon(true);
            writer.start();
            ByteArrayOutputStream received = new ByteArrayOutputStream();
            InputStream in = socket.getInputStream();
            byte[] buffer = new byte[8192];
            try {
                while (!complete(received.toByteArray())) {
                    int n = in.read(buffer);
                    if (n < 0) {
                        break;
                    }
                    received.write(buffer, 0, n);
                }
            } catch (SocketException e) {
                // A reset after the answer: keep what arrived.
            }
            byte[] raw = received.toByteArray();
            if (!complete(raw)) {
                throw new IOException("incomplete answer (" + raw.length + " bytes): " + new String(raw, StandardCharsets.UTF_8));
            }
            return parse(raw);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Whether {@code raw} holds the head of an HTTP response and all the body its Content-Length announces. */
    private static boolean complete(byte[] raw) {
        int end = headEnd(raw);
        if (end < 0) {
            return false;
        }
        String length = header(new String(raw, 0, end, StandardCharsets.ISO_8859_1), "Content-Length");
        return length != null && raw.length >= end + 4 + Integer.parseInt(length.trim());
    }

    private static int headEnd(byte[] raw) {
        for (int i = 0; i + 3 < raw.length; i++) {
            if (raw[i] == '\r' && raw[i + 1] == '\n' && raw[i + 2] == '\r' && raw[i + 3] == '\n') {
                return i;
            }
        }
        return -1;
    }

    private static String header(String head, String name) {
        for (String line : head.split("\r\n")) {
            int colon = line.indexOf(':');
            if (colon > 0 && line.substring(0, colon).trim().equalsIgnoreCase(name)) {
                return line.substring(colon + 1).trim();
            }
        }
        return null;
    }

    private static Reply parse(byte[] raw) {
        int end = headEnd(raw);
        String head = new String(raw, 0, end, StandardCharsets.ISO_8859_1);
        int status = Integer.parseInt(head.split(" ", 3)[1]);
        int length = Integer.parseInt(header(head, "Content-Length"));
        String type = header(head, "Content-Type");
        return new Reply(status, type == null ? "" : type, new String(raw, end + 4, length, StandardCharsets.UTF_8));
    }

    /** The bytes a body publisher would send. */
    private static byte[] bytesOf(HttpRequest.BodyPublisher publisher) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        CompletableFuture<Void> done = new CompletableFuture<>();
        publisher.subscribe(new Flow.Subscriber<ByteBuffer>() {
            @Override
            public void onSubscribe(Flow.Subscription subscription) {
                subscription.request(Long.MAX_VALUE);
            }

            @Override
            public void onNext(ByteBuffer item) {
                byte[] chunk = new byte[item.remaining()];
                item.get(chunk);
                out.write(chunk, 0, chunk.length);
            }

            @Override
            public void onError(Throwable failure) {
                done.completeExceptionally(failure);
            }

            @Override
            public void onComplete() {
                done.complete(null);
            }
        });
        try {
            done.get(1, TimeUnit.MINUTES);
        } catch (Exception e) {
            throw new IllegalStateException("cannot read the request body", e);
        }
        return out.toByteArray();
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

        /** A file part whose bytes come from {@code content} (e.g. a stream that trickles). */
        public Multipart file(String name, String filename, String contentType, HttpRequest.BodyPublisher content) {
            header(name, filename, contentType);
            pieces.add(content);
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
