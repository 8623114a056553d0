package dev.portalkit.storage.redis;

import dev.portalkit.storage.support.Trust;
import dev.portalkit.api.PortalException;
import dev.portalkit.api.config.ConfigOption;
import dev.portalkit.api.config.ConfigType;
import dev.portalkit.api.files.Storage;
import dev.portalkit.api.files.StorageFactory;
import dev.portalkit.api.files.StorageSettings;
import java.net.URI;
import java.net.URISyntaxException;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.TrustManager;
import org.apache.commons.pool2.impl.GenericObjectPoolConfig;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisClientConfig;
import redis.clients.jedis.JedisPool;
import redis.clients.jedis.RedisProtocol;
import redis.clients.jedis.exceptions.JedisConnectionException;
import redis.clients.jedis.util.JedisURIHelper;

/**
 * The {@code files:redis} adapter: file content in a Redis server (6.2 or later), one string per
 * file at {@code <prefix><location>} (as ckanext-files keeps it). Made for small to medium files that must be fast and for tests and development:
 * the content lives in the server's memory (and its persistence, if configured).
 */
public final class RedisStorageFactory implements StorageFactory {
    private static final java.util.logging.Logger LOG = java.util.logging.Logger.getLogger(RedisStorageFactory.class.getName());
    public static final String TYPE = "files:redis";

    static final String URL = "url";
    static final String PREFIX = "prefix";
    static final String CHUNK_SIZE = "chunk_size";
    static final String STAGING_TTL = "staging_ttl";
    static final String POOL_SIZE = "pool_size";
    static final String TIMEOUT = "timeout";
    /** Replaced by the storage's name in {@code prefix}. */
    static final String STORAGE_PLACEHOLDER = "<storage>";

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public String description() {
        return "File content in Redis, one string per file under a key prefix";
    }

    @Override
    public List<ConfigOption> options() {
        List<ConfigOption> out = new ArrayList<>(List.of(
                ConfigOption.of(URL, "Redis server: redis://[user:password@]host:port/db, or rediss:// for TLS. "
                        + "A secret (it may hold the password): never printed.").asSecret().defaultValue("redis://localhost:6379/0"),
                ConfigOption.of(PREFIX, "Static prefix of the Redis keys of this storage; " + STORAGE_PLACEHOLDER
                        + " is replaced by the storage's name. A file at location L is the string <prefix>L (redis-cli GET <prefix>L prints it), "
                        + "its type and hash the hash <prefix>/meta/L. ckanext-files' default is ckanext:files:default:file_content:.")
                        .defaultValue("portal:files:" + STORAGE_PLACEHOLDER + ":file_content:"),
                ConfigOption.of(CHUNK_SIZE, "Content streams to and from the server in pieces of this size (APPEND, GETRANGE), "
                        + "64KiB to 64MiB; one piece is held in memory while a file streams. A Redis string holds at most "
                        + "512MiB (the server's proto-max-bulk-len), and so does a file here.").type(ConfigType.SIZE).defaultValue("1MiB"),
                ConfigOption.of(STAGING_TTL, "Seconds that content being written (an upload in progress, the parts of a multipart "
                        + "upload) lives without being committed: what a crashed upload leaves expires after it. "
                        + "A multipart upload must complete within it.").type(ConfigType.INT).defaultValue("86400"),
                ConfigOption.of(POOL_SIZE, "Most connections to the server at once.").type(ConfigType.INT).defaultValue("16"),
                ConfigOption.of(TIMEOUT, "Seconds to wait for the server to connect or answer.").type(ConfigType.INT).defaultValue("10")));
        out.addAll(Trust.declarations());
        return List.copyOf(out);
    }

    @Override
    public Storage create(StorageSettings settings) {
        RedisConnection connection = RedisConnection.of(settings);
        JedisPool pool = connection.pool();
        // A connection of its own: the pool's validation would hide the server's answer (NOAUTH, WRONGPASS).
        try (Jedis jedis = new Jedis(JedisURIHelper.getHostAndPort(connection.url()), connection.clientConfig())) {
            String info = jedis.info("server");
            String version = info.lines().filter(l -> l.startsWith("redis_version:")).map(l -> l.substring(14).trim())
                    .findFirst().orElse("0");
            if (!atLeast(version, 6, 2)) {
                throw PortalException.config(settings.key(URL) + ": Redis at " + connection.shown() + " is " + version
                        + "; files:redis needs 6.2 or later (COPY, SCAN TYPE)");
            }
        } catch (PortalException e) {
            pool.close();
            throw e;
        } catch (JedisConnectionException e) {
            // A server down for a moment should not keep the portal down: operations fail (TRANSIENT) until it is back.
            LOG.warning("storage " + settings.name() + ": Redis at " + connection.shown() + " does not answer at start: "
                    + RedisFailures.describe(e));
        } catch (RuntimeException e) {
            pool.close();
            throw PortalException.config(settings.key(URL) + ": cannot use Redis at " + connection.shown() + ": "
                    + RedisFailures.describe(e));
        }
        return new RedisStorage(settings, connection, pool);
    }

    private static boolean atLeast(String version, int major, int minor) {
        String[] parts = version.split("\\.");
        try {
            int ma = Integer.parseInt(parts[0]);
            int mi = parts.length > 1 ? Integer.parseInt(parts[1]) : 0;
            return ma > major || (ma == major && mi >= minor);
        } catch (NumberFormatException e) {
            return false;
        }
    }

    /** The server, prefix and sizes of one storage, validated; prints the server without its password. */
    record RedisConnection(URI url, String prefix, int chunkSize, long stagingTtlMillis, int poolSize, int timeoutMillis,
                           TrustManager[] trust, String caBundleKey) {
        static RedisConnection of(StorageSettings s) {
            List<String> problems = new ArrayList<>();
            URI url = null;
            String text = value(s.secret(URL), "redis://localhost:6379/0");
            try {
                url = new URI(text);
                String scheme = url.getScheme() == null ? "" : url.getScheme().toLowerCase(Locale.ROOT);
                if (!(scheme.equals("redis") || scheme.equals("rediss")) || url.getHost() == null) {
                    problems.add(s.key(URL) + ": not a redis:// or rediss:// URL with a host (" + shown(url) + ")");
                }
                String path = url.getPath() == null ? "" : url.getPath();
                if (!path.isEmpty() && !path.equals("/") && !path.matches("/\\d+")) {
                    problems.add(s.key(URL) + ": the database must be a number (" + shown(url) + ")");
                }
            } catch (URISyntaxException e) {
                problems.add(s.key(URL) + ": not a URL");
            }
            String prefix = value(s.option(PREFIX), "portal:files:" + STORAGE_PLACEHOLDER + ":file_content:")
                    .replace(STORAGE_PLACEHOLDER, s.name());
            if (prefix.chars().anyMatch(Character::isISOControl)) {
                problems.add(s.key(PREFIX) + ": control characters are not allowed");
            }
            // Typed and defaulted by the host (declared SIZE and INT): only the ranges are the adapter's to check.
            long chunk = s.size(CHUNK_SIZE);
            if (chunk < 64 * 1024 || chunk > 64L * 1024 * 1024) {
                problems.add(s.key(CHUNK_SIZE) + ": must be between 64KiB and 64MiB");
            }
            long ttl = s.integer(STAGING_TTL);
            if (ttl < 60) {
                problems.add(s.key(STAGING_TTL) + ": at least 60 seconds");
            }
            long pool = s.integer(POOL_SIZE);
            if (pool < 1 || pool > 1024) {
                problems.add(s.key(POOL_SIZE) + ": between 1 and 1024");
            }
            long timeout = s.integer(TIMEOUT);
            if (timeout < 1 || timeout > 3600) {
                problems.add(s.key(TIMEOUT) + ": between 1 and 3600 seconds");
            }
            TrustManager[] trust = Trust.load(s, problems);
            if (trust != null && url != null && !JedisURIHelper.isRedisSSLScheme(url)) {
                problems.add(s.key(Trust.CA_BUNDLE) + ": the certificates are for TLS; use a rediss:// url");
            }
            if (!problems.isEmpty()) {
                throw PortalException.config("invalid configuration: " + String.join("; ", problems));
            }
            return new RedisConnection(url, prefix, (int) chunk, ttl * 1000, (int) pool, (int) timeout * 1000, trust,
                    s.key(Trust.CA_BUNDLE));
        }

        JedisPool pool() {
            GenericObjectPoolConfig<Jedis> config = new GenericObjectPoolConfig<>();
            config.setMaxTotal(poolSize);
            config.setMaxIdle(poolSize);
            config.setMinIdle(0);
            // A connection from before a server restart is found broken before it is used, not by the caller.
            config.setTestOnBorrow(true);
            config.setMaxWait(Duration.ofMillis(timeoutMillis));
            config.setJmxEnabled(false);
            return new JedisPool(config, JedisURIHelper.getHostAndPort(url), clientConfig());
        }

        /** User, password, database and TLS from the URL; RESP2 (Jedis' classic client has no RESP3 negotiation). */
        JedisClientConfig clientConfig() {
            DefaultJedisClientConfig.Builder builder = DefaultJedisClientConfig.builder();
            if (JedisURIHelper.isRedisSSLScheme(url)) {
                // The server's name is checked against its certificate, as HTTPS clients do.
                SSLParameters parameters = new SSLParameters();
                parameters.setEndpointIdentificationAlgorithm("HTTPS");
                builder.sslParameters(parameters);
                if (trust != null) {
                    try {
                        SSLContext context = SSLContext.getInstance("TLS");
                        context.init(null, trust, null);
                        builder.sslSocketFactory(context.getSocketFactory());
                    } catch (GeneralSecurityException e) {
                        throw PortalException.config(caBundleKey + ": cannot make a TLS context of the certificates (" + e.getMessage() + ")");
                    }
                }
            }
            return builder
                    .user(JedisURIHelper.getUser(url))
                    .password(JedisURIHelper.getPassword(url))
                    .database(JedisURIHelper.hasDbIndex(url) ? JedisURIHelper.getDBIndex(url) : 0)
                    .ssl(JedisURIHelper.isRedisSSLScheme(url))
                    .timeoutMillis(timeoutMillis)
                    .clientName("portalkit")
                    .protocol(RedisProtocol.RESP2)
                    .build();
        }

        /** {@code host:port}, as TLS failures name it. */
        String hostAndPort() {
            return url.getHost() + ":" + (url.getPort() < 0 ? 6379 : url.getPort());
        }

        /** The server without user or password: {@code redis://host:port/db}. */
        String shown() {
            return shown(url);
        }

        static String shown(URI url) {
            if (url == null) {
                return "?";
            }
            String db = url.getPath() == null || url.getPath().isEmpty() || url.getPath().equals("/") ? "/0" : url.getPath();
            return url.getScheme() + "://" + url.getHost() + ":" + (url.getPort() < 0 ? 6379 : url.getPort()) + db;
        }

        @Override
        public String toString() {
            return shown();
        }

        private static String value(String v, String fallback) {
            return v == null || v.isBlank() ? fallback : v.trim();
        }
    }
}
