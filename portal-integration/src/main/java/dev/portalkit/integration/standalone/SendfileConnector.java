package dev.portalkit.integration.standalone;

import java.io.IOException;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Field;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.util.Arrays;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.eclipse.jetty.io.ManagedSelector;
import org.eclipse.jetty.io.SocketChannelEndPoint;
import org.eclipse.jetty.server.ConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.thread.Scheduler;

/**
 * A Jetty connector whose connections send file regions with {@code sendfile}
 * ({@link FileChannel#transferTo}) — Jetty 12 itself has no such path.
 *
 * <p>How: the download writes a <em>region buffer</em> through Jetty like any content: a
 * {@link MappedByteBuffer} of the file region, registered here with its file channel and offset
 * ({@link #map}). Jetty frames the response as usual (headers, {@code Content-Length}, keep-alive,
 * idle timeouts, its asynchronous waits for a writable socket) and hands the buffer to this
 * connector's endpoint, which recognises it and, instead of writing its bytes, transfers the same
 * bytes from the file channel to the socket, advancing the buffer's position by what the kernel
 * sent. The mapping is never read (so it costs no page faults and no resident memory); should any
 * other code read it, it reads the right bytes. Unknown buffers are written as by Jetty's own
 * endpoint.
 */
final class SendfileConnector extends ServerConnector {
    private static final Logger LOG = Logger.getLogger(SendfileConnector.class.getName());
    /** Largest region one buffer may stand for (a mapping is at most 2 GiB). */
    static final long MAX_REGION = 1L << 30;

    private record Key(ByteBuffer buffer) {
        @Override
        public boolean equals(Object o) {
            return o instanceof Key k && k.buffer == buffer;
        }

        @Override
        public int hashCode() {
            return System.identityHashCode(buffer);
        }
    }

    private record Region(FileChannel channel, long offset) {
    }

    /** Region buffers being written, by identity (a ByteBuffer's own equals / hashCode read its content). */
    private static final ConcurrentHashMap<Key, Region> REGIONS = new ConcurrentHashMap<>();
    private static final MethodHandle UNMAP = unmapper();

    SendfileConnector(Server server, ConnectionFactory... factories) {
        super(server, factories);
    }

    @Override
    protected SocketChannelEndPoint newEndPoint(SocketChannel channel, ManagedSelector selector, SelectionKey key) {
        SocketChannelEndPoint endPoint = new SendfileEndPoint(channel, selector, key, getScheduler());
        endPoint.setIdleTimeout(getIdleTimeout());
        return endPoint;
    }

    /**
     * A region buffer for bytes {@code offset .. offset + length} of {@code channel} (at most
     * {@link #MAX_REGION}); {@link #release} it once written.
     */
    static MappedByteBuffer map(FileChannel channel, long offset, long length) throws IOException {
        MappedByteBuffer buffer = channel.map(FileChannel.MapMode.READ_ONLY, offset, length);
        REGIONS.put(new Key(buffer), new Region(channel, offset));
        return buffer;
    }

    /**
     * Forgets a region buffer; unmaps it at once when it was written completely (Jetty is done with
     * it), else leaves that to the garbage collector.
     */
    static void release(MappedByteBuffer buffer) {
        REGIONS.remove(new Key(buffer));
        unmapIfSent(buffer);
    }

    /** Unmaps a mapping that was written completely (Jetty is done with it); else the garbage collector will. */
    static void unmapIfSent(MappedByteBuffer buffer) {
        if (!buffer.hasRemaining() && UNMAP != null) {
            try {
                UNMAP.invoke(buffer);
            } catch (Throwable e) {
                LOG.log(Level.FINE, "cannot unmap a sent file region", e);
            }
        }
    }

    /** {@code sun.misc.Unsafe.invokeCleaner}, or null where it is not available. */
    private static MethodHandle unmapper() {
        try {
            Class<?> unsafeClass = Class.forName("sun.misc.Unsafe");
            Field field = unsafeClass.getDeclaredField("theUnsafe");
            field.setAccessible(true);
            Object unsafe = field.get(null);
            return MethodHandles.lookup().findVirtual(unsafeClass, "invokeCleaner", MethodType.methodType(void.class, ByteBuffer.class))
                    .bindTo(unsafe);
        } catch (ReflectiveOperationException | RuntimeException e) {
            return null;
        }
    }

    /** Jetty's socket endpoint, sending region buffers with {@code transferTo}. */
    private static final class SendfileEndPoint extends SocketChannelEndPoint {
        SendfileEndPoint(SocketChannel channel, ManagedSelector selector, SelectionKey key, Scheduler scheduler) {
            super(channel, selector, key, scheduler);
        }

        @Override
        public boolean flush(ByteBuffer... buffers) throws IOException {
            if (REGIONS.isEmpty()) {
                return super.flush(buffers);
            }
            int start = 0;
            for (int i = 0; i < buffers.length; i++) {
                Region region = buffers[i] == null ? null : REGIONS.get(new Key(buffers[i]));
                if (region == null) {
                    continue;
                }
                // What comes before the region (the response headers) goes first, as Jetty would write it.
                if (i > start && !super.flush(Arrays.copyOfRange(buffers, start, i))) {
                    return false;
                }
                if (!transfer(region, buffers[i])) {
                    return false;
                }
                start = i + 1;
            }
            return start >= buffers.length || super.flush(Arrays.copyOfRange(buffers, start, buffers.length));
        }

        /** Sends what is left of a region buffer; false when the socket is full (Jetty waits and flushes again). */
        private boolean transfer(Region region, ByteBuffer buffer) throws IOException {
            while (buffer.hasRemaining()) {
                long position = region.offset() + buffer.position();
                long sent = region.channel().transferTo(position, buffer.remaining(), getChannel());
                if (sent <= 0) {
                    if (position >= region.channel().size()) {
                        throw new IOException("the file ended at byte " + position + " while it was being sent");
                    }
                    return false;
                }
                buffer.position(buffer.position() + (int) sent);
                notIdle();
            }
            return true;
        }
    }
}
