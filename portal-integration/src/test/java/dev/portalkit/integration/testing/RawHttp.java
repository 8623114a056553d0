package dev.portalkit.integration.testing;

import com.fasterxml.jackson.core.type.TypeReference;
import dev.portalkit.runtime.Json;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * One HTTP/1.1 connection spoken over a plain socket, for what java.net.http hides: interim
 * {@code 100 Continue} responses, answers that arrive while the request body is still being sent
 * (or never will be), {@code Connection: close}, chunked request bodies, and a chosen source
 * address (Linux answers on the whole of 127.0.0.0/8). Reads wait at most the socket timeout.
 */
public final class RawHttp implements AutoCloseable {
    private final Socket socket;
    private final URI base;
    private final InputStream in;
    private final OutputStream out;

    private RawHttp(Socket socket, URI base) throws IOException {
        this.socket = socket;
        this.base = base;
        this.in = socket.getInputStream();
        this.out = socket.getOutputStream();
    }

    /** Connects to the server of {@code base}; reads wait at most {@code timeoutMillis}. */
    public static RawHttp connect(URI base, int timeoutMillis) {
        return connect(base, null, timeoutMillis);
    }

    /** As {@link #connect(URI, int)}, from the local address {@code from} (any when null). */
    public static RawHttp connect(URI base, InetAddress from, int timeoutMillis) {
        Socket socket = new Socket();
        try {
            if (from != null) {
                socket.bind(new InetSocketAddress(from, 0));
            }
            socket.connect(new InetSocketAddress(base.getHost(), base.getPort()), 10_000);
            socket.setSoTimeout(timeoutMillis);
            return new RawHttp(socket, base);
        } catch (IOException e) {
            try {
                socket.close();
            } catch (IOException ignored) {
                // already failing
            }
            throw new UncheckedIOException(e);
        }
    }

    /** A response head: the status and the headers (names in lower case). */
    public record Head(int status, Map<String, String> headers) {
        public String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }

        public boolean closes() {
            String connection = header("connection");
            return connection != null && connection.toLowerCase(Locale.ROOT).contains("close");
        }
    }

    /** A whole response: its head and its body (by Content-Length). */
    public record Response(Head head, byte[] body) {
        public int status() {
            return head.status();
        }

        public String text() {
            return new String(body, StandardCharsets.UTF_8);
        }

        public Map<String, Object> json() {
            try {
                return Json.MAPPER.readValue(body, new TypeReference<Map<String, Object>>() { });
            } catch (IOException e) {
                throw new AssertionError("not a JSON object (status " + status() + "): " + text(), e);
            }
        }

        @SuppressWarnings("unchecked")
        public Map<String, Object> error() {
            return (Map<String, Object>) json().get("error");
        }
    }

    /**
     * Sends a request head: {@code METHOD <base path>PATH HTTP/1.1} with a Host header and the given
     * headers (name, value, name, value, ...).
     */
    public RawHttp head(String method, String path, String... headers) {
        StringBuilder head = new StringBuilder(method).append(' ').append(base.getRawPath()).append(path).append(" HTTP/1.1\r\n")
                .append("Host: ").append(base.getHost()).append(':').append(base.getPort()).append("\r\n");
        for (int i = 0; i + 1 < headers.length; i += 2) {
            head.append(headers[i]).append(": ").append(headers[i + 1]).append("\r\n");
        }
        return send(head.append("\r\n").toString().getBytes(StandardCharsets.ISO_8859_1));
    }

    public RawHttp send(String text) {
        return send(text.getBytes(StandardCharsets.UTF_8));
    }

    public RawHttp send(byte[] bytes) {
        try {
            out.write(bytes);
            out.flush();
            return this;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Sends {@code bytes} as one chunk of a chunked body. */
    public RawHttp chunk(byte[] bytes) {
        send((Integer.toHexString(bytes.length) + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
        send(bytes);
        return send("\r\n");
    }

    /**
     * Sends {@code bytes} as far as the server takes them: false when it stopped reading (it
     * answered and closed the connection), true when all were sent.
     */
    public boolean trySend(byte[] bytes) {
        try {
            out.write(bytes);
            out.flush();
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** Reads the next response head (an interim {@code 100 Continue} is a head of its own). */
    public Head readHead() {
        try {
            String statusLine = line();
            Map<String, String> headers = new LinkedHashMap<>();
            for (String line; !(line = line()).isEmpty(); ) {
                int colon = line.indexOf(':');
                headers.put(line.substring(0, colon).trim().toLowerCase(Locale.ROOT), line.substring(colon + 1).trim());
            }
            return new Head(Integer.parseInt(statusLine.split(" ")[1]), headers);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Reads the next whole response (head and Content-Length body). */
    public Response read() {
        Head head = readHead();
        String length = head.header("content-length");
        try {
            byte[] body = length == null ? new byte[0] : in.readNBytes(Integer.parseInt(length));
            return new Response(head, body);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Whether the server closed the connection: reads what is left until the end (true), a reset
     * (true), or the timeout (false).
     */
    public boolean closedByServer() {
        try {
            byte[] buffer = new byte[8192];
            while (in.read(buffer) >= 0) {
                // skip what is left
            }
            return true;
        } catch (SocketTimeoutException e) {
            return false;
        } catch (SocketException e) {
            return true;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private String line() throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        for (int b; (b = in.read()) != '\n'; ) {
            if (b < 0) {
                throw new IOException("the connection ended inside a response head: " + line);
            }
            if (b != '\r') {
                line.write(b);
            }
        }
        return line.toString(StandardCharsets.ISO_8859_1);
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException ignored) {
            // closing
        }
    }
}
