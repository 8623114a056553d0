package dev.portalkit.integration.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A loopback TCP proxy in front of the portal that drops the line once: after {@code cutAfter}
 * bytes went from clients to the portal, every open connection is closed and new ones are closed
 * at once (an outage; a browser's own retry of the request fails too) until {@link #restore()}. Counts the bytes sent to the portal before and
 * after the cut, so a test can tell a resumed upload from a restarted one. Threads are daemons;
 * {@link #close()} ends them all.
 */
public final class CuttingProxy implements AutoCloseable {
    private final ServerSocket server;
    private final int targetPort;
    private final long cutAfter;
    private final AtomicLong upstream = new AtomicLong();
    private final AtomicLong afterCut = new AtomicLong();
    private final AtomicBoolean cut = new AtomicBoolean();
    private final List<Socket> open = new CopyOnWriteArrayList<>();
    private volatile boolean closed;
    private volatile boolean down;

    public CuttingProxy(int targetPort, long cutAfter) throws IOException {
        this.targetPort = targetPort;
        this.cutAfter = cutAfter;
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread accept = new Thread(this::accept, "cutting-proxy");
        accept.setDaemon(true);
        accept.start();
    }

    public int port() {
        return server.getLocalPort();
    }

    /** Whether the line was dropped. */
    public boolean wasCut() {
        return cut.get();
    }

    /** Ends the outage: new connections reach the portal again. */
    public void restore() {
        down = false;
    }

    /** Bytes clients sent to the portal before any cut (all of them, for a proxy that never cuts). */
    public long bytesUp() {
        return upstream.get();
    }

    /** Bytes clients sent to the portal after the cut. */
    public long bytesAfterCut() {
        return afterCut.get();
    }

    private void accept() {
        while (!closed) {
            try {
                Socket client = server.accept();
                if (down) {
                    quietly(client);
                    continue;
                }
                Socket portal = new Socket();
                portal.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), targetPort), 5000);
                open.add(client);
                open.add(portal);
                pump(client, portal, true);
                pump(portal, client, false);
            } catch (IOException e) {
                if (closed) {
                    return;
                }
            }
        }
    }

    private void pump(Socket from, Socket to, boolean toPortal) {
        Thread t = new Thread(() -> {
            byte[] buffer = new byte[64 * 1024];
            try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
                int n;
                while ((n = in.read(buffer)) >= 0) {
                    out.write(buffer, 0, n);
                    if (toPortal) {
                        if (cut.get()) {
                            afterCut.addAndGet(n);
                        } else if (upstream.addAndGet(n) >= cutAfter && cut.compareAndSet(false, true)) {
                            down = true;
                            dropAll();
                            return;
                        }
                    }
                }
            } catch (IOException e) {
                // the other side went away, or the line was dropped
            } finally {
                quietly(from);
                quietly(to);
                open.remove(from);
                open.remove(to);
            }
        }, "cutting-proxy-pump");
        t.setDaemon(true);
        t.start();
    }

    private void dropAll() {
        for (Socket s : open) {
            quietly(s);
        }
        open.clear();
    }

    private static void quietly(Socket s) {
        try {
            s.close();
        } catch (IOException e) {
            // closing
        }
    }

    @Override
    public void close() {
        closed = true;
        try {
            server.close();
        } catch (IOException e) {
            // closing
        }
        dropAll();
    }
}
