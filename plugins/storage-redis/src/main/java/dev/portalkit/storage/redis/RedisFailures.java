package dev.portalkit.storage.redis;

import dev.portalkit.storage.support.Trust;
import dev.portalkit.api.ErrorKind;
import dev.portalkit.api.PortalException;
import dev.portalkit.api.files.FilesException;
import dev.portalkit.api.files.Location;
import redis.clients.jedis.exceptions.JedisAccessControlException;
import redis.clients.jedis.exceptions.JedisConnectionException;
import redis.clients.jedis.exceptions.JedisDataException;

/**
 * Turns Jedis failures into {@link FilesException}s that name the storage, the operation, the
 * location and the server without its password. Jedis' own messages never quote the URL; the
 * cause is kept.
 */
final class RedisFailures {
    private RedisFailures() {
    }

    static FilesException of(String storage, String operation, Location location, RuntimeException e,
                             RedisStorageFactory.RedisConnection connection) {
        if (e instanceof PortalException pe) {
            return pe instanceof FilesException fe ? fe : new FilesException(pe.kind(), pe.getMessage(), pe);
        }
        String what = "storage " + storage + ": cannot " + operation + (location == null ? "" : " " + location) + ": ";
        String why = describe(e);
        javax.net.ssl.SSLException tls = Trust.tlsFailure(e);
        if (tls != null) {
            return new FilesException(ErrorKind.CONFIG_INVALID, what + "TLS verification of " + connection.hostAndPort() + " failed ("
                    + Trust.describe(tls) + "); if its certificate comes from a private CA or is self-signed, set "
                    + connection.caBundleKey() + " to the CA's PEM file", e);
        }
        if (e instanceof JedisAccessControlException || why.contains("NOAUTH") || why.contains("WRONGPASS")) {
            return new FilesException(ErrorKind.PERMISSION_DENIED, what + "Redis at " + connection.shown() + " refused the credentials ("
                    + why + ")", e);
        }
        if (e instanceof JedisConnectionException) {
            return new FilesException(ErrorKind.TRANSIENT, what + "Redis at " + connection.shown() + " does not answer (" + why + ")", e);
        }
        if (e instanceof JedisDataException && why.contains("exceeds maximum allowed size")) {
            return new FilesException(ErrorKind.TOO_LARGE, what + "the file is larger than a string of Redis at " + connection.shown()
                    + " may be (its proto-max-bulk-len, 512MiB by default; " + why + ")", e);
        }
        if (e instanceof JedisDataException && why.startsWith("OOM")) {
            return new FilesException(ErrorKind.TRANSIENT, what + "Redis at " + connection.shown() + " is out of memory (" + why + ")", e);
        }
        return new FilesException(ErrorKind.TRANSIENT, what + why, e);
    }

    /** The messages of the failure and its root cause; never an exception's class name (API clients see it; the log has the chain). */
    static String describe(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String message = root.getMessage();
        if (root != e && e.getMessage() != null && !e.getMessage().equals(message)) {
            message = e.getMessage() + ": " + message;
        }
        return message == null || message.isBlank() ? "connection closed" : message;
    }
}
