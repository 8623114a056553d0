package dev.portalkit.integration.web;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portalkit.integration.testing.HttpPortal;
import dev.portalkit.runtime.Json;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code Expect: 100-continue} on the standalone server, spoken over a raw socket so the interim
 * response can be seen: a request declaring more than the limit gets its 413 (the JSON envelope
 * naming the limit) instead of {@code 100 Continue}, so the client never sends the body; a
 * request within the limit gets {@code 100 Continue}, then its answer.
 */
class RequestSizeFilterTest {
    static HttpPortal http;

    @BeforeAll
    static void start() {
        http = HttpPortal.start(HttpPortal.builder()
                .option(WebPlugin.MAX_BODY_SIZE, "64KiB")
                .option(WebPlugin.MAX_UPLOAD_SIZE, "4MiB"));
    }

    @AfterAll
    static void stop() {
        if (http != null) {
            http.close();
        }
    }

    /** A response head: the status line's code and the headers (names in lower case). */
    private record Head(int status, Map<String, String> headers) {
    }

    private static Head readHead(InputStream in) throws IOException {
        String statusLine = line(in);
        Map<String, String> headers = new LinkedHashMap<>();
        for (String line; !(line = line(in)).isEmpty(); ) {
            int colon = line.indexOf(':');
            headers.put(line.substring(0, colon).trim().toLowerCase(Locale.ROOT), line.substring(colon + 1).trim());
        }
        return new Head(Integer.parseInt(statusLine.split(" ")[1]), headers);
    }

    private static String line(InputStream in) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int b; (b = in.read()) != '\n'; ) {
            if (b < 0) {
                throw new IOException("the connection ended inside a response head: " + out);
            }
            if (b != '\r') {
                out.write(b);
            }
        }
        return out.toString(StandardCharsets.ISO_8859_1);
    }

    private Socket connect() throws IOException {
        Socket socket = new Socket(http.uri().getHost(), http.uri().getPort());
        socket.setSoTimeout(30_000);
        return socket;
    }

    private static void sendHead(OutputStream out, String path, String contentType, long length) throws IOException {
        out.write(("POST " + path + " HTTP/1.1\r\nHost: localhost\r\nContent-Type: " + contentType + "\r\nContent-Length: " + length
                + "\r\nExpect: 100-continue\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
    }

    @Test
    @SuppressWarnings("unchecked")
    void anOversizedUploadIsRefusedByItsLengthWithoutAContinue() throws IOException {
        try (Socket socket = connect()) {
            sendHead(socket.getOutputStream(), "/api/action/status_show", "multipart/form-data; boundary=xyz", 5L * 1024 * 1024);
            InputStream in = socket.getInputStream();
            Head head = readHead(in);
            assertThat(head.status()).as("the first response to the head, before any body byte was sent").isEqualTo(413);
            assertThat(head.headers().get("content-type")).startsWith("application/json");
            byte[] body = in.readNBytes(Integer.parseInt(head.headers().get("content-length")));
            Map<String, Object> envelope = Json.MAPPER.readValue(body, Map.class);
            assertThat(envelope).containsEntry("success", false);
            assertThat(envelope.get("help").toString()).endsWith("help_show?name=status_show");
            Map<String, Object> error = (Map<String, Object>) envelope.get("error");
            assertThat(error).containsEntry("__type", "Too Large Error");
            assertThat(error.get("message").toString()).contains("4194304 bytes", "portal.http.max_upload_size");
        }
    }

    @Test
    void anOversizedJsonBodyIsRefusedByTheBodyLimit() throws IOException {
        try (Socket socket = connect()) {
            sendHead(socket.getOutputStream(), "/api/3/action/status_show", "application/json", 65 * 1024);
            Head head = readHead(socket.getInputStream());
            assertThat(head.status()).isEqualTo(413);
            String body = new String(socket.getInputStream().readNBytes(Integer.parseInt(head.headers().get("content-length"))),
                    StandardCharsets.UTF_8);
            assertThat(body).contains("65536 bytes", "portal.http.max_body_size");
        }
    }

    @Test
    void aRequestWithinTheLimitIsToldToContinueAndAnswered() throws IOException {
        byte[] json = "{}".getBytes(StandardCharsets.UTF_8);
        try (Socket socket = connect()) {
            OutputStream out = socket.getOutputStream();
            sendHead(out, "/api/action/status_show", "application/json", json.length);
            InputStream in = socket.getInputStream();
            assertThat(readHead(in).status()).isEqualTo(100);
            out.write(json);
            out.flush();
            assertThat(readHead(in).status()).isEqualTo(200);
        }
    }
}
