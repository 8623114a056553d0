package dev.portalkit.integration.standalone;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portalkit.integration.testing.ApiClient;
import dev.portalkit.integration.testing.HttpPortal;
import dev.portalkit.integration.testing.Spools;
import dev.portalkit.integration.web.WebPlugin;
import dev.portalkit.runtime.testing.TestPortal;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Slow clients cannot take the standalone server down (#11, finding 3: 210 anonymous multipart
 * POSTs sending a byte every 3 s took all 200 request threads and {@code status_show} timed out).
 * Hundreds of anonymous connections, from addresses spread over 127.0.0.0/8 (Linux answers on the
 * whole block) and many from one address, trickle a byte a second: multipart uploads that declare
 * megabytes, small bodies, and request heads that never end. Dropped ones come back until the
 * attack ends. Meanwhile a normal client keeps asking {@code status_show}, posts a small JSON call
 * and uploads a small file, and every one is answered. Afterwards the server has closed every slow
 * connection, nothing is left in {@code <data-dir>/tmp}, and it serves as before.
 *
 * <p>The run in the normal test command is short (500 connections, 8 rounds of a second, a grace of
 * 2 s); {@code -Dportalkit.slowClients.heavy=true} runs 900 connections for 60 rounds on the default
 * options (README, "Tests").
 */
class SlowClientsTest {
    static final boolean HEAVY = Boolean.getBoolean("portalkit.slowClients.heavy");
    static final int CONNECTIONS = HEAVY ? 900 : 500;
    /** Rounds of the attack: each sends a byte on every slow connection, brings dropped ones back and asks the normal client's questions. */
    static final int ROUNDS = HEAVY ? 60 : 8;
    /** The most the attack may take (a loaded machine makes rounds longer than a second). */
    static final Duration ATTACK = Duration.ofSeconds(HEAVY ? 600 : 120);
    /** How long the server may take to close the last slow connection once the attack stops coming back. */
    static final Duration DRAIN = Duration.ofSeconds(HEAVY ? 120 : 60);
    static final String BOUNDARY = "slow-boundary";
    /** What the slow uploads send, a byte a second (shared: they never get far). */
    static final byte[] TRICKLE = new byte[4096];
    static final InetAddress CROWDED = address(127, 0, 0, 2);

    static Path storage;
    static HttpPortal http;
    static HttpPortal.Account admin;

    @BeforeAll
    static void start() throws IOException {
        storage = Files.createTempDirectory("slow-clients-");
        TestPortal.Builder builder = HttpPortal.builder().plugins("example")
                .option("portal.files.storage.default.type", "files:fs")
                .option("portal.files.storage.default.path", storage.toString());
        if (!HEAVY) {
            builder.option(WebPlugin.BODY_RATE_GRACE, "2").option(WebPlugin.HEAD_TIMEOUT, "3");
        }
        http = HttpPortal.start(builder);
        admin = http.newSysadmin("slow-admin");
    }

    @AfterAll
    static void stop() {
        if (http != null) {
            http.close();
        }
    }

    /** The kinds of slow client, in the proportions of the attack. */
    enum Kind {
        /** A multipart upload declaring 10 MiB from a spread address: a body read by a thread (with a permit). */
        UPLOAD,
        /** The same from the one crowded address. */
        CROWDED_UPLOAD,
        /** A 2,000-byte body: received without a thread. */
        SMALL_BODY,
        /** A request head that never ends. */
        HEAD
    }

    /** One slow connection: its socket, what it still has to send, what it received. */
    static final class Slow {
        final Kind kind;
        final SocketChannel channel;
        final byte[] trickle;
        int sent;
        final StringBuilder received = new StringBuilder();
        boolean closed;

        Slow(Kind kind, SocketChannel channel, byte[] trickle) {
            this.kind = kind;
            this.channel = channel;
            this.trickle = trickle;
        }

        /** The status of the answer it got, 0 for none. */
        int status() {
            String text = received.toString();
            return text.startsWith("HTTP/1.1 ") && text.length() >= 12 ? Integer.parseInt(text.substring(9, 12)) : 0;
        }
    }

    /**
     * The head deadline runs from each answer: a keep-alive connection that asks again within it
     * stays open however long it lives, and one left silent after an answer is closed once the
     * deadline passes (one check per connection follows the latest deadline).
     */
    @Test
    void theHeadDeadlineRunsFromEachAnswer() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeFalse(HEAVY, "the heavy run keeps the default head timeout (10 s); this case is timed for the 3 s one");
        URI base = http.uri();
        try (java.net.Socket socket = new java.net.Socket(base.getHost(), base.getPort())) {
            socket.setSoTimeout(15_000);
            java.io.InputStream in = new java.io.BufferedInputStream(socket.getInputStream());
            long opened = System.nanoTime();
            // Five requests 1 s apart: 4 s in all, longer than the 3 s head timeout, each within it.
            for (int i = 0; i < 5; i++) {
                socket.getOutputStream().write(("GET /api/3/action/status_show HTTP/1.1\r\nHost: " + base.getHost()
                        + "\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
                assertThat(readAnswer(in)).as("answer %d on the kept connection", i).startsWith("HTTP/1.1 200");
                Thread.sleep(1000);
            }
            assertThat(Duration.ofNanos(System.nanoTime() - opened)).isGreaterThan(Duration.ofSeconds(4));
            long silent = System.nanoTime();
            assertThat(in.read()).as("the server closes the silent connection").isEqualTo(-1);
            assertThat(Duration.ofNanos(System.nanoTime() - silent)).as("closed after the head timeout, not before")
                    .isGreaterThan(Duration.ofMillis(1500)).isLessThan(Duration.ofSeconds(10));
        }
    }

    /** Reads one answer with a Content-Length body; returns its status line. */
    private static String readAnswer(java.io.InputStream in) throws IOException {
        StringBuilder line = new StringBuilder();
        String status = null;
        long length = 0;
        while (true) {
            int c = in.read();
            if (c < 0) {
                throw new IOException("the connection closed inside an answer");
            }
            if (c != '\n') {
                line.append((char) c);
                continue;
            }
            String text = line.toString().strip();
            line.setLength(0);
            if (status == null) {
                status = text;
            } else if (text.isEmpty()) {
                break;
            } else if (text.toLowerCase(java.util.Locale.ROOT).startsWith("content-length:")) {
                length = Long.parseLong(text.substring("content-length:".length()).strip());
            }
        }
        for (long i = 0; i < length; i++) {
            if (in.read() < 0) {
                throw new IOException("the answer's body ended early");
            }
        }
        return status;
    }

    @Test
    void slowClientsAreDroppedWhileANormalClientIsServed() throws Exception {
        URI base = http.uri();
        List<Slow> open = new ArrayList<>();
        List<Slow> ended = new ArrayList<>();
        int[] spread = {0};
        for (int i = 0; i < CONNECTIONS; i++) {
            open.add(connect(base, kindOf(i), spread));
        }
        // From 127.0.0.1, which no slow client uses.
        HttpClient normal = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(30)).build();
        ApiClient api = http.api();
        int statusAnswers = 0;
        int posted = 0;
        int uploaded = 0;
        int maxSpools = 0;
        long slowestStatus = 0;
        long drainEnds = System.nanoTime() + ATTACK.toNanos() + DRAIN.toNanos();
        for (int round = 0; !open.isEmpty() && System.nanoTime() < drainEnds; round++) {
            long roundStarts = System.nanoTime();
            boolean attacking = round < ROUNDS;
            List<Slow> still = new ArrayList<>();
            for (Slow slow : open) {
                step(slow);
                if (slow.closed) {
                    closeQuietly(slow);
                    ended.add(slow);
                    if (attacking) {
                        still.add(connect(base, slow.kind, spread));
                    }
                } else {
                    still.add(slow);
                }
            }
            open = still;
            if (attacking) {
                long asked = System.nanoTime();
                HttpResponse<String> status = normal.send(HttpRequest.newBuilder(base.resolve("api/3/action/status_show"))
                        .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
                assertThat(status.statusCode()).as("status_show during the attack").isEqualTo(200);
                statusAnswers++;
                slowestStatus = Math.max(slowestStatus, System.nanoTime() - asked);
                if (round % 2 == 0) {
                    HttpResponse<String> hello = normal.send(HttpRequest.newBuilder(base.resolve("api/action/example_hello"))
                            .timeout(Duration.ofSeconds(30)).header("Content-Type", "application/json")
                            .POST(HttpRequest.BodyPublishers.ofString("{\"name\": \"normal\"}")).build(), HttpResponse.BodyHandlers.ofString());
                    assertThat(hello.statusCode()).as(hello.body()).isEqualTo(200);
                    assertThat(hello.body()).contains("Hello, normal!");
                    posted++;
                    ApiClient.Multipart form = new ApiClient.Multipart().field("name", HttpPortal.unique("small") + ".txt")
                            .file("upload", "small.txt", "text/plain", "a small file\n".repeat(50).getBytes(StandardCharsets.UTF_8));
                    HttpResponse<String> upload = normal.send(HttpRequest.newBuilder(base.resolve("api/action/files_file_create"))
                            .timeout(Duration.ofSeconds(30)).header("Authorization", admin.token())
                            .header("Content-Type", form.contentType()).POST(form.publisher()).build(), HttpResponse.BodyHandlers.ofString());
                    assertThat(upload.statusCode()).as(upload.body()).isEqualTo(200);
                    uploaded++;
                }
                maxSpools = Math.max(maxSpools, Spools.in(http.portal().portal().dataDirectory()).size());
            }
            // A byte a second from every slow client.
            long rest = TimeUnit.SECONDS.toNanos(1) - (System.nanoTime() - roundStarts);
            if (rest > 0) {
                TimeUnit.NANOSECONDS.sleep(rest);
            }
        }
        open.forEach(SlowClientsTest::closeQuietly);

        assertThat(open).as("slow connections the server had not closed after the attack").isEmpty();
        Map<String, Integer> answers = new TreeMap<>();
        for (Slow slow : ended) {
            answers.merge(slow.kind + " " + slow.status(), 1, Integer::sum);
        }
        System.out.println("slow clients: " + ended.size() + " connections, answers by kind and status: " + answers
                + "; normal client: " + statusAnswers + " status_show (slowest " + TimeUnit.NANOSECONDS.toMillis(slowestStatus)
                + " ms), " + posted + " posts, " + uploaded + " uploads; spools seen: " + maxSpools);
        assertThat(statusAnswers).isPositive();
        assertThat(posted).isPositive();
        assertThat(uploaded).isPositive();
        assertThat(answers).as("uploads beyond the total of body reads are answered 503")
                .containsKey(Kind.UPLOAD + " 503");
        assertThat(answers).as("uploads beyond the body reads of one address are answered 429")
                .containsKey(Kind.CROWDED_UPLOAD + " 429");
        assertThat(answers).as("small bodies arriving too slowly are answered 408").containsKey(Kind.SMALL_BODY + " 408");
        assertThat(answers.getOrDefault(Kind.HEAD + " 0", 0)).as("heads that never end are closed without an answer")
                .isEqualTo(ended.stream().filter(s -> s.kind == Kind.HEAD).count());
        assertThat(maxSpools).as("spool files of the admitted slow uploads while they trickled").isPositive();

        assertThat(Spools.in(http.portal().portal().dataDirectory())).as("spools left in <data-dir>/tmp").isEmpty();
        assertThat(api.get("status_show", Map.of(), null).status()).isEqualTo(200);
        ApiClient.Reply after = api.multipart("example_upload_digest", new ApiClient.Multipart()
                .file("upload", "after.txt", "text/plain", "after".getBytes(StandardCharsets.UTF_8)), null);
        assertThat(after.status()).as(after.body()).isEqualTo(200);
    }

    private static Kind kindOf(int i) {
        int slot = i % 10;
        if (slot < 6) {
            return Kind.UPLOAD;
        }
        if (slot < 8) {
            return Kind.CROWDED_UPLOAD;
        }
        return slot == 8 ? Kind.SMALL_BODY : Kind.HEAD;
    }

    /** Opens a slow connection of {@code kind} and sends what it sends at once. */
    private static Slow connect(URI base, Kind kind, int[] spread) {
        InetAddress from = kind == Kind.CROWDED_UPLOAD ? CROWDED : spreadAddress(spread[0]++);
        try {
            SocketChannel channel = SocketChannel.open();
            channel.bind(new InetSocketAddress(from, 0));
            channel.connect(new InetSocketAddress(base.getHost(), base.getPort()));
            channel.configureBlocking(false);
            String path = base.getRawPath() + "api/action/example_upload_digest";
            String partHead = "--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"upload\"; filename=\"slow.bin\"\r\n"
                    + "Content-Type: application/octet-stream\r\n\r\n";
            String now;
            byte[] later;
            switch (kind) {
                case UPLOAD, CROWDED_UPLOAD -> {
                    now = "POST " + path + " HTTP/1.1\r\nHost: x\r\nContent-Type: multipart/form-data; boundary=" + BOUNDARY
                            + "\r\nContent-Length: " + (10 << 20) + "\r\n\r\n" + partHead;
                    later = TRICKLE; // far less than it declares: it is dropped long before
                }
                case SMALL_BODY -> {
                    now = "POST " + path + " HTTP/1.1\r\nHost: x\r\nContent-Type: multipart/form-data; boundary=" + BOUNDARY
                            + "\r\nContent-Length: 2000\r\n\r\n" + partHead;
                    later = new byte[2000 - partHead.length()];
                }
                default -> {
                    now = "GET " + base.getRawPath() + "api/action/status_show HTTP/1.1\r\nHost: x\r\n";
                    later = "X-Slow: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\r\n".repeat(100)
                            .getBytes(StandardCharsets.ISO_8859_1);
                }
            }
            Slow slow = new Slow(kind, channel, later);
            ByteBuffer head = ByteBuffer.wrap(now.getBytes(StandardCharsets.ISO_8859_1));
            for (int i = 0; head.hasRemaining() && i < 1000; i++) {
                if (channel.write(head) == 0) {
                    Thread.sleep(1);
                }
            }
            return slow;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open a slow connection from " + from, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Reads what the server sent, notices a close, and sends one more byte. */
    private static void step(Slow slow) {
        ByteBuffer in = ByteBuffer.allocate(4096);
        try {
            for (int n; (n = slow.channel.read(in)) != 0; in.clear()) {
                if (n < 0) {
                    slow.closed = true;
                    return;
                }
                if (slow.received.length() < 200) {
                    slow.received.append(new String(in.array(), 0, n, StandardCharsets.ISO_8859_1));
                }
            }
            if (slow.sent < slow.trickle.length) {
                slow.sent += slow.channel.write(ByteBuffer.wrap(slow.trickle, slow.sent, 1));
            }
        } catch (IOException e) {
            slow.closed = true; // reset by the server
        }
    }

    private static void closeQuietly(Slow slow) {
        try {
            slow.channel.close();
        } catch (IOException ignored) {
            // closing
        }
    }

    /** The n-th address of 127.10.0.1 to 127.250.255.254 (never the normal client's nor the crowded one). */
    private static InetAddress spreadAddress(int n) {
        int x = 10 + (n / 250) % 240;
        int y = n % 250;
        return address(127, x, y, 1 + (n / 60_000) % 250);
    }

    private static InetAddress address(int a, int b, int c, int d) {
        try {
            return InetAddress.getByAddress(new byte[] {(byte) a, (byte) b, (byte) c, (byte) d});
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
