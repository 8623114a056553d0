package dev.portalkit.integration.standalone;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpHeaderValue;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.NanoTime;
import org.eclipse.jetty.util.thread.Invocable;

/**
 * Keeps slow request bodies from taking the server's threads (#11: 210 anonymous multipart POSTs
 * sending a byte every 3 s took all 200 and {@code status_show} timed out). The application reads
 * bodies with blocking reads, so a thread waits for every byte of a slow body; this handler, in
 * front of it, makes sure few threads ever do:
 *
 * <ul>
 *   <li>a body of at most {@code portal.http.buffered_body_size} bytes (declared by its
 *       Content-Length, without {@code Expect: 100-continue}) is received in full before the
 *       request gets a thread, with no thread waiting meanwhile: small JSON calls and small uploads
 *       go through whatever else arrives slowly;</li>
 *   <li>any other body is read by a thread only with a permit: at most
 *       {@code portal.http.max_body_reads} at once, and {@code portal.http.max_body_reads_per_address}
 *       per client address. Without one the request is answered at once, its body unread: 429
 *       (that address has enough) or 503 (the server has enough), with {@code Retry-After} and
 *       {@code Connection: close};</li>
 *   <li>every body must arrive at {@code portal.http.min_body_rate} bytes per second or faster,
 *       measured over windows of {@code portal.http.body_rate_grace} seconds from its start: a
 *       slower one fails its read (the request ends, its spool is removed) or, still being
 *       received, is answered 408; a body that stops altogether is ended by the idle timeout.</li>
 * </ul>
 *
 * <p>It also tells the {@link ConnectionGuard} when a request starts and ends.
 */
final class RequestBodyGuard extends Handler.Wrapper {
    private static final Logger LOG = Logger.getLogger(RequestBodyGuard.class.getName());
    /** Seconds a refused client is told to wait. */
    static final int RETRY_AFTER = 5;

    /**
     * @param maxReads           the most bodies read by threads at once
     * @param maxReadsPerAddress the most of those per client address, 0 for no limit
     * @param minRate            bytes per second a body must keep up, 0 for no minimum
     * @param windowNanos        the window (and grace period) the rate is measured over
     * @param bufferedSize       the largest body received in full before it gets a thread
     */
    record Limits(int maxReads, int maxReadsPerAddress, long minRate, long windowNanos, int bufferedSize) {
    }

    private final Limits limits;
    private final ConnectionGuard connections;
    private final AtomicInteger reading = new AtomicInteger();
    private final Map<InetAddress, Integer> readingByAddress = new ConcurrentHashMap<>();

    RequestBodyGuard(Handler handler, Limits limits, ConnectionGuard connections) {
        super(handler);
        this.limits = limits;
        this.connections = connections;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
        Connection connection = request.getConnectionMetaData().getConnection();
        connections.requestStarted(connection);
        Callback ended = before(callback, () -> connections.requestEnded(connection));
        try {
            if (handleGuarded(request, response, ended)) {
                return true;
            }
        } catch (Throwable e) {
            connections.requestEnded(connection);
            throw e;
        }
        connections.requestEnded(connection);
        return false;
    }

    private boolean handleGuarded(Request request, Response response, Callback callback) throws Exception {
        long length = request.getLength();
        boolean chunked = request.getHeaders().contains(HttpHeader.TRANSFER_ENCODING);
        if (length <= 0 && !chunked) {
            return super.handle(request, response, callback);
        }
        boolean expectsContinue = request.getHeaders().contains(HttpHeader.EXPECT, HttpHeaderValue.CONTINUE.asString());
        if (!chunked && !expectsContinue && length <= limits.bufferedSize()) {
            new BufferedBody(request, response, callback, (int) length).start();
            return true;
        }
        InetAddress address = ConnectionGuard.address(request.getConnectionMetaData().getRemoteSocketAddress());
        Permit permit = acquire(address);
        if (permit.refusal != 0) {
            refuse(request, response, callback, permit.refusal);
            return true;
        }
        Callback released = before(callback, permit::release);
        try {
            if (super.handle(new RateLimited(request), response, released)) {
                return true;
            }
        } catch (Throwable e) {
            permit.release();
            throw e;
        }
        permit.release();
        return false;
    }

    /** A permit to read a body with a thread; {@link #refusal} is the status to answer instead, or 0. */
    private final class Permit {
        final InetAddress address;
        final int refusal;
        private final AtomicBoolean released = new AtomicBoolean();

        Permit(InetAddress address, int refusal) {
            this.address = address;
            this.refusal = refusal;
        }

        void release() {
            if (refusal == 0 && released.compareAndSet(false, true)) {
                reading.decrementAndGet();
                if (address != null) {
                    readingByAddress.computeIfPresent(address, (a, n) -> n <= 1 ? null : n - 1);
                }
            }
        }
    }

    private Permit acquire(InetAddress address) {
        InetAddress counted = limits.maxReadsPerAddress() > 0 && connections.limited(address) ? address : null;
        if (counted != null) {
            int[] now = {0};
            readingByAddress.compute(counted, (a, n) -> {
                int next = n == null ? 1 : n + 1;
                now[0] = next;
                return next > limits.maxReadsPerAddress() ? n : Integer.valueOf(next);
            });
            if (now[0] > limits.maxReadsPerAddress()) {
                return new Permit(counted, HttpStatus.TOO_MANY_REQUESTS_429);
            }
        }
        if (reading.incrementAndGet() > limits.maxReads()) {
            reading.decrementAndGet();
            if (counted != null) {
                readingByAddress.computeIfPresent(counted, (a, n) -> n <= 1 ? null : n - 1);
            }
            return new Permit(counted, HttpStatus.SERVICE_UNAVAILABLE_503);
        }
        return new Permit(counted, 0);
    }

    /** Answers at once, the body unread (so the connection closes after the answer). */
    private void refuse(Request request, Response response, Callback callback, int status) {
        String message = status == HttpStatus.TOO_MANY_REQUESTS_429
                ? "Too many requests from your address are sending a body at once (portal.http.max_body_reads_per_address): "
                + "try again in " + RETRY_AFTER + " seconds"
                : "The server is reading too many request bodies at once (portal.http.max_body_reads): try again in "
                + RETRY_AFTER + " seconds";
        if (LOG.isLoggable(Level.FINE)) {
            LOG.fine("refused " + request.getMethod() + " " + request.getHttpURI().getPath() + " from "
                    + request.getConnectionMetaData().getRemoteSocketAddress() + ": " + status);
        }
        response.setStatus(status);
        response.getHeaders().put(HttpHeader.RETRY_AFTER, String.valueOf(RETRY_AFTER));
        response.getHeaders().put(HttpHeader.CONNECTION, HttpHeaderValue.CLOSE.asString());
        JsonErrorHandlers.writeJson(request, response, callback, status, message);
    }

    /** {@code callback} that runs {@code first} before it completes, either way (so nothing of this request runs after the next one started). */
    private static Callback before(Callback callback, Runnable first) {
        return new Callback() {
            @Override
            public void succeeded() {
                try {
                    first.run();
                } finally {
                    callback.succeeded();
                }
            }

            @Override
            public void failed(Throwable x) {
                try {
                    first.run();
                } finally {
                    callback.failed(x);
                }
            }

            @Override
            public InvocationType getInvocationType() {
                return callback.getInvocationType();
            }
        };
    }

    /** Bytes per window: whether a body keeps up the minimum rate. */
    private final class RateWindow {
        private long start = NanoTime.now();
        private long bytes;

        /** Counts {@code n} more bytes; true when a window ended below the minimum rate. */
        boolean tooSlow(long n) {
            if (limits.minRate() <= 0) {
                return false;
            }
            bytes += n;
            long elapsed = NanoTime.since(start);
            if (elapsed < limits.windowNanos()) {
                return false;
            }
            boolean slow = bytes * 1_000_000_000L / elapsed < limits.minRate();
            start = NanoTime.now();
            bytes = 0;
            return slow;
        }

        String describe() {
            return "the request body arrived slower than " + limits.minRate() + " bytes per second (portal.http.min_body_rate)";
        }
    }

    /** A body read by a thread: its reads fail once it falls below the minimum rate. */
    private final class RateLimited extends Request.Wrapper {
        private final RateWindow window = new RateWindow();
        private Content.Chunk failure;

        RateLimited(Request request) {
            super(request);
        }

        @Override
        public Content.Chunk read() {
            if (failure != null) {
                return failure;
            }
            Content.Chunk chunk = super.read();
            if (chunk != null && !Content.Chunk.isFailure(chunk) && window.tooSlow(chunk.remaining())) {
                chunk.release();
                failure = Content.Chunk.from(new IOException(window.describe()), true);
                return failure;
            }
            return chunk;
        }

        @Override
        public void demand(Runnable demandCallback) {
            if (failure != null) {
                demandCallback.run();
            } else {
                super.demand(demandCallback);
            }
        }
    }

    /**
     * A small body received in full without a thread (each arrival is copied out of the network
     * buffer, so a body trickling in holds no more than its declared length), then handed to the
     * application as one chunk.
     */
    private final class BufferedBody implements Invocable.Task {
        private final Request request;
        private final Response response;
        private final Callback callback;
        private final byte[] bytes;
        private final RateWindow window = new RateWindow();
        private int filled;
        private boolean waited;

        BufferedBody(Request request, Response response, Callback callback, int length) {
            this.request = request;
            this.response = response;
            this.callback = callback;
            this.bytes = new byte[length];
        }

        void start() {
            load();
        }

        /** Content arrived (a demand callback, possibly on a selector thread: never blocks). */
        @Override
        public void run() {
            waited = true;
            load();
        }

        @Override
        public InvocationType getInvocationType() {
            return InvocationType.NON_BLOCKING;
        }

        private void load() {
            while (true) {
                Content.Chunk chunk = request.read();
                if (chunk == null) {
                    request.demand(this);
                    return;
                }
                if (Content.Chunk.isFailure(chunk)) {
                    callback.failed(chunk.getFailure());
                    return;
                }
                int n = chunk.remaining();
                boolean last = chunk.isLast();
                if (filled + n > bytes.length) {
                    chunk.release();
                    callback.failed(new IOException("the request body is longer than its Content-Length"));
                    return;
                }
                chunk.getByteBuffer().get(bytes, filled, n);
                chunk.release();
                filled += n;
                if (!last && window.tooSlow(n)) {
                    response.getHeaders().put(HttpHeader.CONNECTION, HttpHeaderValue.CLOSE.asString());
                    JsonErrorHandlers.writeJson(request, response, callback, HttpStatus.REQUEST_TIMEOUT_408, window.describe());
                    return;
                }
                if (last) {
                    if (waited) {
                        // The application blocks: not on the thread that delivered the content.
                        request.getContext().execute(this::dispatch);
                    } else {
                        dispatch();
                    }
                    return;
                }
            }
        }

        private void dispatch() {
            Request replay = new Replay(request, ByteBuffer.wrap(bytes, 0, filled));
            try {
                if (!RequestBodyGuard.this.getHandler().handle(replay, response, callback)) {
                    Response.writeError(request, response, callback, HttpStatus.NOT_FOUND_404);
                }
            } catch (Throwable e) {
                Response.writeError(request, response, callback, e);
            }
        }
    }

    /** The request with its body, received already, as one last chunk. */
    private static final class Replay extends Request.Wrapper {
        private Content.Chunk body;

        Replay(Request request, ByteBuffer bytes) {
            super(request);
            this.body = Content.Chunk.from(bytes, true);
        }

        @Override
        public Content.Chunk read() {
            Content.Chunk chunk = body;
            if (chunk == null) {
                return Content.Chunk.EOF;
            }
            body = null;
            return chunk;
        }

        @Override
        public boolean consumeAvailable() {
            body = null;
            return true;
        }

        @Override
        public void demand(Runnable demandCallback) {
            demandCallback.run();
        }
    }
}
