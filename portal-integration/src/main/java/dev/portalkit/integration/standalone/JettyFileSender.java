package dev.portalkit.integration.standalone;

import dev.portalkit.integration.web.LocalFileSender;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.util.Locale;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.jetty.ee11.servlet.HttpOutput;

/**
 * Sends local files through Jetty without copying them through the Java heap:
 *
 * <ul>
 *   <li>{@code sendfile} (the default): the file region is written as a region buffer that the
 *       {@link SendfileConnector}'s endpoints send with {@code FileChannel.transferTo}, i.e. the
 *       kernel's {@code sendfile}: the bytes go from the page cache to the socket without entering
 *       user space. Files under {@value #SENDFILE_MIN} bytes take the {@code direct} path (a mapping
 *       costs more than a read there);</li>
 *   <li>{@code direct}: the file channel reads into a pooled 1 MiB off-heap buffer that Jetty
 *       writes to the socket as is ({@link HttpOutput#write(ByteBuffer)}): no JVM copy and no heap
 *       garbage, but two kernel copies;</li>
 *   <li>{@code mapped}: 16 MiB mappings handed to Jetty and unmapped when sent: no read call, the
 *       socket write copies from the mapped pages;</li>
 *   <li>{@code buffered}: {@link LocalFileSender#BUFFERED}, what the WAR does.</li>
 * </ul>
 * Files up to {@value #SMALL} bytes are copied through a heap array in every mode.
 *
 * Chosen with the system property {@value #PROPERTY} (for measurements; see docs/downloads.md).
 * Whatever the mode, a response stream that is not Jetty's gets the buffered copy.
 */
final class JettyFileSender implements LocalFileSender {
    static final String PROPERTY = "portalkit.download.local_files";
    static final long SENDFILE_MIN = 256 * 1024;
    /**
     * Files of at most this many bytes are copied through a heap array of their size, whatever the
     * mode: Jetty then has the whole body when it commits and sends headers and body in one write
     * (the off-heap path wrote them apart, and borrowed a 1 MiB buffer for 4 KiB).
     */
    static final long SMALL = 16 * 1024;
    private static final int DIRECT_BUFFER = 1024 * 1024;
    /** At most this many pooled buffers (16 MiB off-heap); more concurrent downloads borrow a heap buffer. */
    private static final int MAX_POOLED = 16;
    private static final long MAP_CHUNK = 16L * 1024 * 1024;

    enum Mode { SENDFILE, DIRECT, MAPPED, BUFFERED }

    private final Mode mode;
    private final ConcurrentLinkedQueue<ByteBuffer> pool = new ConcurrentLinkedQueue<>();
    private final AtomicInteger allocated = new AtomicInteger();

    JettyFileSender(Mode mode) {
        this.mode = mode;
    }

    /** The mode of {@value #PROPERTY} ({@code sendfile} when unset). */
    static JettyFileSender fromSystemProperty() {
        String value = System.getProperty(PROPERTY, "sendfile").trim().toUpperCase(Locale.ROOT);
        try {
            return new JettyFileSender(Mode.valueOf(value));
        } catch (IllegalArgumentException e) {
            throw dev.portalkit.api.PortalException.config(PROPERTY + ": one of sendfile, direct, mapped, buffered (got '"
                    + System.getProperty(PROPERTY) + "')");
        }
    }

    Mode mode() {
        return mode;
    }

    @Override
    public void send(HttpServletResponse response, FileChannel channel, long offset, long length) throws IOException {
        ServletOutputStream out = response.getOutputStream();
        if (mode == Mode.BUFFERED || length <= SMALL || !(out instanceof HttpOutput jetty)) {
            BUFFERED.send(response, channel, offset, length);
            return;
        }
        if (mode == Mode.SENDFILE && length >= SENDFILE_MIN) {
            sendfile(jetty, channel, offset, length);
        } else if (mode == Mode.MAPPED) {
            sendMapped(jetty, channel, offset, length);
        } else {
            sendDirect(jetty, channel, offset, length);
        }
    }

    private void sendfile(HttpOutput jetty, FileChannel channel, long offset, long length) throws IOException {
        long position = offset;
        long end = offset + length;
        while (position < end) {
            long n = Math.min(SendfileConnector.MAX_REGION, end - position);
            MappedByteBuffer region;
            try {
                region = SendfileConnector.map(channel, position, n);
            } catch (IOException | UnsupportedOperationException e) {
                sendDirect(jetty, channel, position, end - position); // a file system that cannot map
                return;
            }
            try {
                jetty.write(region); // blocking: returns when the endpoint has sent all of it
            } finally {
                SendfileConnector.release(region);
            }
            position += n;
        }
    }

    private void sendDirect(HttpOutput jetty, FileChannel channel, long offset, long length) throws IOException {
        ByteBuffer buffer = acquire();
        try {
            long position = offset;
            long end = offset + length;
            while (position < end) {
                buffer.clear().limit((int) Math.min(buffer.capacity(), end - position));
                int n = LocalFileSender.read(channel, buffer, position, end);
                buffer.flip();
                jetty.write(buffer); // blocking: returns when Jetty has taken all of it
                position += n;
            }
        } finally {
            release(buffer);
        }
    }

    private static void sendMapped(HttpOutput jetty, FileChannel channel, long offset, long length) throws IOException {
        long position = offset;
        long end = offset + length;
        while (position < end) {
            long n = Math.min(MAP_CHUNK, end - position);
            MappedByteBuffer mapped;
            try {
                mapped = channel.map(FileChannel.MapMode.READ_ONLY, position, n);
            } catch (IOException e) {
                throw new ReadFailure("cannot map the file at byte " + position + ": " + e.getMessage(), e);
            }
            try {
                jetty.write(mapped);
            } finally {
                SendfileConnector.unmapIfSent(mapped);
            }
            position += n;
        }
    }

    private ByteBuffer acquire() {
        ByteBuffer pooled = pool.poll();
        if (pooled != null) {
            return pooled;
        }
        if (allocated.incrementAndGet() <= MAX_POOLED) {
            return ByteBuffer.allocateDirect(DIRECT_BUFFER);
        }
        allocated.decrementAndGet();
        return ByteBuffer.allocate(LocalFileSender.BUFFER);
    }

    private void release(ByteBuffer buffer) {
        if (buffer.isDirect()) {
            pool.offer(buffer);
        }
    }

    @Override
    public String toString() {
        return mode.name().toLowerCase(Locale.ROOT);
    }
}
