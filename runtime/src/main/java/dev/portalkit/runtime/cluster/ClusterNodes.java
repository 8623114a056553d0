package dev.portalkit.runtime.cluster;

import dev.portalkit.api.ErrorKind;
import dev.portalkit.api.PortalException;
import dev.portalkit.api.config.ConfigDeclaration;
import dev.portalkit.api.config.ConfigOption;
import dev.portalkit.api.config.ConfigType;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;
import javax.sql.DataSource;

/**
 * The serving processes (nodes) of one portal database, in {@code portal_node}: each {@code serve}
 * process and WAR deployment {@link #join joins} at start, renews its heartbeat every
 * {@code portal.cluster.heartbeat_interval} seconds and {@link #close leaves} when it stops; a node
 * that missed three heartbeats (killed, frozen) counts as gone.
 *
 * <p>Nodes must agree on the secrets a request may need on any of them (today: the key of download
 * links, {@code portal.files.link_secret}). A node records a fingerprint of each (an HMAC keyed with
 * the secret) when it joins, and refuses to start, naming the option, when a live node holds another:
 * a node that generated its own key beside nodes that were given one, or two nodes given different
 * ones. A node registers before it compares, so of two nodes that start at once with different
 * keys at least one sees the other. When every node has stopped, the next one may bring a new key
 * (rotation: links signed with the old key stop working).
 */
public final class ClusterNodes implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(ClusterNodes.class.getName());
    public static final String HEARTBEAT_INTERVAL = "portal.cluster.heartbeat_interval";
    /** Heartbeats a node may miss before it counts as gone. */
    static final int MISSED_HEARTBEATS = 3;
    /** Rows of nodes gone this many timeouts ago are deleted. */
    private static final int PURGE_AFTER_TIMEOUTS = 100;

    /** A secret that every node must hold the same of. */
    public record Secret(String name, String option, boolean configured, Supplier<String> fingerprint) {
    }

    /** What holds secrets nodes must share (a subsystem such as the files plugin). */
    public interface SecretHolder {
        List<Secret> sharedSecrets();
    }

    /** A node as its row says. */
    public record Node(String id, String host, long pid, Instant startedAt, Instant heartbeatAt) {
    }

    private final DataSource dataSource;
    private final Clock clock;
    private final String id;
    private final Duration interval;
    private final ScheduledExecutorService executor;
    private final boolean ownExecutor;
    private final String secrets;
    private volatile ScheduledFuture<?> heartbeat;

    private ClusterNodes(DataSource dataSource, Clock clock, Duration interval, ScheduledExecutorService executor, boolean own,
            String secrets) {
        this.dataSource = dataSource;
        this.clock = clock;
        this.id = UUID.randomUUID().toString();
        this.interval = interval;
        this.executor = executor;
        this.ownExecutor = own;
        this.secrets = secrets;
    }

    public static void declare(ConfigDeclaration d) {
        d.namespace("portal.cluster.");
        d.option(ConfigOption.of(HEARTBEAT_INTERVAL, "Seconds between a serving node's heartbeats in the database (portal_node); a node "
                + "that missed three counts as gone, so a node with another link secret may start then. From 1 to 3600.")
                .type(ConfigType.INT).defaultValue("10"));
        d.requireAtLeast(HEARTBEAT_INTERVAL, 1, "must be at least 1 (second)");
        String value = d.valuesUnder(HEARTBEAT_INTERVAL).get(HEARTBEAT_INTERVAL);
        if (value != null && value.trim().matches("\\d{1,18}") && Long.parseLong(value.trim()) > 3600) {
            d.reject(HEARTBEAT_INTERVAL, "must be at most 3600 (seconds)");
        }
    }

    /**
     * Registers this process as a node of the database behind {@code dataSource} and checks its
     * shared secrets against the live nodes' ({@code Portal.joinCluster} hands
     * in the portal's); without a database ({@code dataSource} null) it joins nothing.
     *
     * @param interval  seconds between heartbeats ({@value #HEARTBEAT_INTERVAL})
     * @param executor  an executor of the app server for the heartbeat (not shut down here), or
     *                  {@code null} for a daemon thread of our own
     * @throws PortalException (config) naming the option when a live node holds another secret
     */
    public static ClusterNodes join(DataSource dataSource, Clock clock, Duration interval, List<Secret> wanted,
            ScheduledExecutorService executor) {
        if (dataSource == null) {
            return new ClusterNodes(null, clock, Duration.ZERO, null, false, "");
        }
        Map<String, String> recorded = new LinkedHashMap<>();
        for (Secret secret : wanted) {
            recorded.put(secret.name(), (secret.configured() ? "configured" : "generated") + ":" + secret.fingerprint().get());
        }
        boolean own = executor == null;
        ClusterNodes nodes = new ClusterNodes(dataSource, clock, interval,
                own ? Executors.newSingleThreadScheduledExecutor(r -> {
                    Thread t = new Thread(r, "portal-node-heartbeat");
                    t.setDaemon(true);
                    return t;
                }) : executor, own, encode(recorded));
        try {
            nodes.register();
            nodes.check(wanted, recorded);
        } catch (RuntimeException e) {
            nodes.close();
            throw e;
        }
        long seconds = interval.toSeconds();
        nodes.heartbeat = nodes.executor.scheduleWithFixedDelay(nodes::beat, seconds, seconds, TimeUnit.SECONDS);
        return nodes;
    }

    /** This node's id (its row in {@code portal_node}), or null without a database. */
    public String id() {
        return dataSource == null ? null : id;
    }

    /** The nodes whose heartbeat is recent, this one included, oldest first. */
    public List<Node> live() {
        if (dataSource == null) {
            return List.of();
        }
        List<Node> nodes = new ArrayList<>();
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT id, host, pid, started_at, heartbeat_at FROM portal_node "
                     + "WHERE heartbeat_at >= ? ORDER BY started_at, id")) {
            ps.setObject(1, utc(liveSince()));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    nodes.add(new Node(rs.getString(1), rs.getString(2), rs.getLong(3),
                            rs.getObject(4, OffsetDateTime.class).toInstant(), rs.getObject(5, OffsetDateTime.class).toInstant()));
                }
            }
        } catch (SQLException e) {
            throw new PortalException(ErrorKind.TRANSIENT, "cannot read the portal's nodes: " + e.getMessage(), e);
        }
        return nodes;
    }

    /** Stops the heartbeat and deletes this node's row (a node that stops cleanly is gone at once). */
    @Override
    public void close() {
        if (dataSource == null) {
            return;
        }
        ScheduledFuture<?> beat = heartbeat;
        if (beat != null) {
            beat.cancel(false);
        }
        if (ownExecutor) {
            executor.shutdownNow();
        }
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("DELETE FROM portal_node WHERE id = ?")) {
            ps.setString(1, id);
            ps.executeUpdate();
            commit(c);
        } catch (SQLException | RuntimeException e) {
            LOG.warning("could not remove this node (" + id + ") from portal_node: " + e.getMessage()
                    + "; it counts as gone after three missed heartbeats");
        }
    }

    private void register() {
        Instant now = clock.instant();
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("INSERT INTO portal_node (id, host, pid, secrets, started_at, heartbeat_at) "
                     + "VALUES (?, ?, ?, ?, ?, ?)")) {
            ps.setString(1, id);
            ps.setString(2, host());
            ps.setLong(3, ProcessHandle.current().pid());
            ps.setString(4, secrets);
            ps.setObject(5, utc(now));
            ps.setObject(6, utc(now));
            ps.executeUpdate();
            commit(c);
        } catch (SQLException e) {
            throw new PortalException(ErrorKind.TRANSIENT, "cannot register this node in portal_node: " + e.getMessage(), e);
        }
    }

    /** Compares {@code mine} (what {@link #join} recorded, by secret name) with every live node's. */
    private void check(List<Secret> wanted, Map<String, String> mine) {
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT host, pid, secrets, started_at FROM portal_node "
                     + "WHERE id <> ? AND heartbeat_at >= ? ORDER BY started_at")) {
            ps.setString(1, id);
            ps.setObject(2, utc(liveSince()));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    Map<String, String> theirs = decode(rs.getString(3));
                    String node = "the node on " + rs.getString(1) + " (pid " + rs.getLong(2) + ", running since "
                            + rs.getObject(4, OffsetDateTime.class).toInstant() + ")";
                    for (Secret secret : wanted) {
                        String their = theirs.get(secret.name());
                        if (their != null && !fingerprint(their).equals(fingerprint(mine.get(secret.name())))) {
                            throw PortalException.config(mismatch(secret, node, their.startsWith("configured:")));
                        }
                    }
                }
            }
        } catch (SQLException e) {
            throw new PortalException(ErrorKind.TRANSIENT, "cannot read the portal's nodes: " + e.getMessage(), e);
        }
    }

    static String mismatch(Secret secret, String node, boolean theirsConfigured) {
        String fix = "give every node the same " + secret.option() + " (or its environment variable "
                + secret.option().toUpperCase(java.util.Locale.ROOT).replaceAll("[^A-Z0-9]", "_")
                + "), or stop every node before changing it";
        if (!secret.configured()) {
            return secret.option() + " is not set, so this node generated its own key of " + secret.name() + ", but " + node
                    + " on this database uses " + (theirsConfigured ? "a configured one" : "another generated one") + ": " + fix;
        }
        return secret.option() + " differs from the one " + node + " on this database uses"
                + (theirsConfigured ? "" : " (it generated its own)") + ": " + fix;
    }

    private void beat() {
        Instant now = clock.instant();
        try (Connection c = dataSource.getConnection()) {
            try (PreparedStatement ps = c.prepareStatement("UPDATE portal_node SET heartbeat_at = ? WHERE id = ?")) {
                ps.setObject(1, utc(now));
                ps.setString(2, id);
                if (ps.executeUpdate() == 0) {
                    // Deleted while this process was frozen for long: it is back, so it says so again.
                    register();
                }
            }
            try (PreparedStatement purge = c.prepareStatement("DELETE FROM portal_node WHERE heartbeat_at < ?")) {
                purge.setObject(1, utc(now.minus(interval.multipliedBy((long) MISSED_HEARTBEATS * PURGE_AFTER_TIMEOUTS))));
                purge.executeUpdate();
            }
            commit(c);
        } catch (SQLException | RuntimeException e) {
            LOG.log(Level.WARNING, "the heartbeat of node " + id + " failed: " + e.getMessage());
        }
    }

    /** Commits unless the connection auto-commits (the portal's own pool does not; an app server's datasource does). */
    private static void commit(Connection c) throws SQLException {
        if (!c.getAutoCommit()) {
            c.commit();
        }
    }

    private Instant liveSince() {
        return clock.instant().minus(interval.multipliedBy(MISSED_HEARTBEATS));
    }

    private static String fingerprint(String recorded) {
        return recorded.substring(recorded.indexOf(':') + 1);
    }

    private static String encode(Map<String, String> secrets) {
        StringBuilder out = new StringBuilder();
        secrets.forEach((name, value) -> out.append(out.length() == 0 ? "" : ";").append(name).append('=').append(value));
        return out.toString();
    }

    static Map<String, String> decode(String recorded) {
        Map<String, String> secrets = new LinkedHashMap<>();
        for (String entry : recorded.split(";")) {
            int eq = entry.indexOf('=');
            if (eq > 0) {
                secrets.put(entry.substring(0, eq), entry.substring(eq + 1));
            }
        }
        return secrets;
    }

    private static String host() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "unknown";
        }
    }

    private static OffsetDateTime utc(Instant instant) {
        return instant.atOffset(ZoneOffset.UTC);
    }
}
