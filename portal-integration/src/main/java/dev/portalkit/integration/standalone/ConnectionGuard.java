package dev.portalkit.integration.standalone;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.util.thread.Scheduler;

/**
 * The standalone server's watch over its connections (the total number is Jetty's
 * {@code NetworkConnectionLimit}):
 *
 * <ul>
 *   <li>at most {@code portal.http.max_connections_per_address} open connections per client
 *       address: one more is closed as soon as it opens (addresses of
 *       {@code portal.http.proxy_addresses} are not limited: each carries many clients);</li>
 *   <li>a connection must deliver a complete request head within {@code portal.http.head_timeout}
 *       seconds of opening, or of the previous answer: a client that holds connections by sending
 *       its headers a byte at a time (which never trips the idle timeout) is closed, and a
 *       keep-alive connection left unused that long too.</li>
 * </ul>
 *
 * <p>The request handler ({@link RequestBodyGuard}) reports when a request starts and ends.
 */
final class ConnectionGuard implements Connection.Listener {
    private static final Logger LOG = Logger.getLogger(ConnectionGuard.class.getName());

    private final int perAddress;
    private final Set<InetAddress> unlimited;
    private final long headTimeoutMillis;
    private final Scheduler scheduler;
    private final Map<InetAddress, Integer> openByAddress = new ConcurrentHashMap<>();
    private final Map<Connection, State> states = new ConcurrentHashMap<>();

    /**
     * A connection's address (when counted), whether a request is running on it, by when its next
     * request head must have arrived, and whether a check of that deadline is scheduled. One check
     * at most is scheduled per connection and it moves itself to the latest deadline: scheduling one
     * per request kept head_timeout × requests/s tasks in the scheduler's queue (100,000 at 10,000
     * requests/s), each taking its lock twice.
     */
    private static final class State {
        final InetAddress counted;
        volatile boolean busy;
        volatile long deadline;
        final AtomicBoolean armed = new AtomicBoolean();

        State(InetAddress counted) {
            this.counted = counted;
        }
    }

    /**
     * @param perAddress        the most open connections per client address, 0 for no limit
     * @param unlimited         addresses without a per-address limit (reverse proxies)
     * @param headTimeoutMillis how long a connection may take to send a request head, 0 for no limit
     */
    ConnectionGuard(int perAddress, Set<InetAddress> unlimited, long headTimeoutMillis, Scheduler scheduler) {
        this.perAddress = perAddress;
        this.unlimited = Set.copyOf(unlimited);
        this.headTimeoutMillis = headTimeoutMillis;
        this.scheduler = scheduler;
    }

    /** The client address of a remote socket address, or {@code null} (a Unix socket, say). */
    static InetAddress address(SocketAddress remote) {
        return remote instanceof InetSocketAddress inet ? inet.getAddress() : null;
    }

    /** Whether {@code address} is subject to per-address limits. */
    boolean limited(InetAddress address) {
        return address != null && !unlimited.contains(address);
    }

    @Override
    public void onOpened(Connection connection) {
        InetAddress address = address(connection.getEndPoint().getRemoteSocketAddress());
        boolean counted = perAddress > 0 && limited(address);
        State state = new State(counted ? address : null);
        states.put(connection, state);
        if (counted) {
            int open = openByAddress.merge(address, 1, Integer::sum);
            if (open > perAddress) {
                if (LOG.isLoggable(Level.FINE)) {
                    LOG.fine("closing a connection from " + address.getHostAddress() + ": it has " + (open - 1)
                            + " open already (portal.http.max_connections_per_address)");
                }
                connection.getEndPoint().close();
                return;
            }
        }
        awaitHead(connection, state);
    }

    @Override
    public void onClosed(Connection connection) {
        State state = states.remove(connection);
        if (state != null && state.counted != null) {
            openByAddress.computeIfPresent(state.counted, (a, n) -> n <= 1 ? null : n - 1);
        }
    }

    /** A request head arrived on {@code connection}: its deadline is met. */
    void requestStarted(Connection connection) {
        State state = states.get(connection);
        if (state != null) {
            state.busy = true;
        }
    }

    /** The request on {@code connection} was answered: the next head must arrive in time. */
    void requestEnded(Connection connection) {
        State state = states.get(connection);
        if (state != null) {
            state.busy = false;
            awaitHead(connection, state);
        }
    }

    /** Open connections per counted address (for tests and diagnostics). */
    int openFrom(InetAddress address) {
        return openByAddress.getOrDefault(address, 0);
    }

    private void awaitHead(Connection connection, State state) {
        if (headTimeoutMillis <= 0) {
            return;
        }
        state.deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(headTimeoutMillis);
        if (state.armed.compareAndSet(false, true)) {
            scheduler.schedule(() -> check(connection, state), headTimeoutMillis, TimeUnit.MILLISECONDS);
        }
    }

    /** The scheduled check: closes the connection if its deadline passed with no request on it, else waits for the deadline. */
    private void check(Connection connection, State state) {
        if (states.get(connection) != state) {
            return; // closed
        }
        if (state.busy) {
            // No deadline while a request runs: its end arms the next check. It may have ended just
            // now and found this one armed: then this one goes on.
            state.armed.set(false);
            if (state.busy || !state.armed.compareAndSet(false, true)) {
                return;
            }
        }
        long left = state.deadline - System.nanoTime();
        if (left > 0) {
            scheduler.schedule(() -> check(connection, state), left, TimeUnit.NANOSECONDS);
            return;
        }
        if (LOG.isLoggable(Level.FINE)) {
            LOG.fine("closing " + connection.getEndPoint().getRemoteSocketAddress() + ": no request head within "
                    + headTimeoutMillis + " ms (portal.http.head_timeout)");
        }
        connection.getEndPoint().close();
    }
}
