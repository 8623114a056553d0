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
 * Sends local files through Jetty without copying them through the Java heap. Jetty 12 has no
 * {@code sendfile} path (its own file serving reads into pooled buffers too), so the choices are:
 *
 * <ul>
 *   <li>{@code direct} (the default): the file channel reads into a pooled 1 MiB off-heap buffer
 *       that Jetty writes to the socket as it is ({@link HttpOutput#write(ByteBuffer)}): one
 *       kernel copy in, one out, no JVM copy and no heap garbage;</li>
 *   <li>{@code mapped}: the file is mapped 64 MiB at a time and the mappings handed to Jetty: no
 *       read call at all, but every page faults in on first touch, which measured slower here;</li>
 *   <li>{@code buffered}: {@link LocalFileSender#BUFFERED}, what the WAR does.</li>
 * </ul>
 *
 * Chosen with the system property {@value #PROPERTY} (for measurements; see docs/downloads.md).
 */
final class JettyFileSender implements LocalFileSender {
    static final String PROPERTY = "portalkit.download.local_files";
    private static final int DIRECT_BUFFER = 1024 * 1024;
    /** At most this many pooled buffers (16 MiB off-heap); more concurrent downloads borrow a heap buffer. */
    private static final int MAX_POOLED = 16;
    private static final long MAP_CHUNK = 64L * 1024 * 1024;

    enum Mode { DIRECT, MAPPED, BUFFERED }

    private final Mode mode;
    private final ConcurrentLinkedQueue<ByteBuffer> pool = new ConcurrentLinkedQueue<>();
    private final AtomicInteger allocated = new AtomicInteger();

    JettyFileSender(Mode mode) {
        this.mode = mode;
    }

    /** The mode of {@value #PROPERTY} ({@code direct} when unset). */
    static JettyFileSender fromSystemProperty() {
        String value = System.getProperty(PROPERTY, "direct").trim().toUpperCase(Locale.ROOT);
        try {
            return new JettyFileSender(Mode.valueOf(value));
        } catch (IllegalArgumentException e) {
            throw dev.portalkit.api.PortalException.config(PROPERTY + ": one of direct, mapped, buffered (got '"
                    + System.getProperty(PROPERTY) + "')");
        }
    }

    @Override
    public void send(HttpServletResponse response, FileChannel channel, long offset, long length) throws IOException {
        ServletOutputStream out = response.getOutputStream();
        if (mode == Mode.BUFFERED || !(out instanceof HttpOutput jetty)) {
            BUFFERED.send(response, channel, offset, length);
            return;
        }
        if (mode == Mode.MAPPED) {
            sendMapped(jetty, channel, offset, length);
            return;
        }
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
            jetty.write(mapped);
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
