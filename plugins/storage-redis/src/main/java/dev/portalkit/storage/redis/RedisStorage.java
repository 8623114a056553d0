package dev.portalkit.storage.redis;

import dev.portalkit.api.ErrorKind;
import dev.portalkit.api.PortalException;
import dev.portalkit.api.files.FilesException;
import dev.portalkit.api.files.Hashes;
import dev.portalkit.api.files.Location;
import dev.portalkit.api.files.Manager;
import dev.portalkit.api.files.StorageReader;
import dev.portalkit.api.files.Storage;
import dev.portalkit.api.files.StorageSettings;
import dev.portalkit.api.files.Uploader;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisPool;
import redis.clients.jedis.params.SetParams;

/**
 * One {@code files:redis} storage. A file at location {@code L} is the Redis string
 * {@code <prefix>L} holding its content as it is ({@code redis-cli GET <prefix>L} prints it, as in
 * ckanext-files), and the hash {@code <prefix>/meta/L} of its type and hash (see {@link RedisScripts}).
 * Content streams in pieces of {@code chunk_size}: written with {@code APPEND}, read with
 * {@code GETRANGE}; no operation holds more than one piece in memory. Locations never start with
 * {@code /}, so the adapter's own keys under {@code <prefix>/} are never files. A string without a
 * meta hash (written by another program, e.g. ckanext-files) is a file of unknown type whose hash
 * is computed when it is analyzed.
 *
 * <p>Writes are staged: content is appended to a staging string with an expiry and renamed to the
 * file, together with its meta hash, by one atomic script; a failed upload unlinks what it wrote, and
 * what a crashed one wrote expires. Copies duplicate the string on the server ({@code COPY}); moves
 * rename it; multipart parts are staging strings that completion appends, piece by piece, into one.
 *
 * <p>This class holds the connection, the keys and the staged writes the services share; the
 * services are {@link RedisUploader}, {@link RedisMultipart}, {@link RedisReader} and
 * {@link RedisManager}.
 */
final class RedisStorage implements Storage {
    private static final SecureRandom RANDOM = new SecureRandom();

    private final StorageSettings settings;
    private final RedisStorageFactory.RedisConnection connection;
    private final JedisPool pool;
    private final String prefix;
    private final String metaPrefix;
    private final String stagingPrefix;
    private final String multipartPrefix;
    private final Uploader uploader;
    private final StorageReader reader;
    private final Manager manager;

    RedisStorage(StorageSettings settings, RedisStorageFactory.RedisConnection connection, JedisPool pool) {
        this.settings = settings;
        this.connection = connection;
        this.pool = pool;
        this.prefix = connection.prefix();
        this.metaPrefix = prefix + "/meta/";
        this.stagingPrefix = prefix + "/staging/";
        this.multipartPrefix = prefix + "/multipart/";
        this.uploader = new RedisUploader(this);
        this.reader = new RedisReader(this);
        this.manager = new RedisManager(this);
    }

    @Override
    public StorageSettings settings() {
        return settings;
    }

    @Override
    public Uploader uploader() {
        return uploader;
    }

    @Override
    public StorageReader reader() {
        return reader;
    }

    @Override
    public Manager manager() {
        return manager;
    }

    @Override
    public void close() {
        pool.close();
    }

    @Override
    public String toString() {
        return "storage " + settings.name() + " (" + RedisStorageFactory.TYPE + " at " + connection.shown() + ", prefix " + prefix + ")";
    }

    /** The prefix of this storage's keys (after {@code <storage>} was replaced). */
    String prefix() {
        return prefix;
    }

    /** The prefix of the staging strings' keys. */
    String stagingPrefix() {
        return stagingPrefix;
    }

    /** Where this storage's server is and how its content is chunked and staged. */
    RedisStorageFactory.RedisConnection connection() {
        return connection;
    }

    // ---- keys and helpers -------------------------------------------------------------------------

    static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** The key of the file at {@code location}; refuses locations that could name the adapter's own keys. */
    String fileKey(Location location) {
        String value = location.value();
        if (value.startsWith("/") || value.contains("\\")) {
            throw FilesException.badLocation(value, "absolute paths and backslashes are not allowed");
        }
        for (int i = 0; i < value.length(); i++) {
            if (Character.isISOControl(value.charAt(i))) {
                throw FilesException.badLocation(value, "control characters are not allowed");
            }
        }
        for (String segment : value.split("/", -1)) {
            if (segment.isEmpty() || segment.equals(".") || segment.equals("..")) {
                throw FilesException.badLocation(value, "empty, . and .. segments are not allowed");
            }
        }
        return prefix + value;
    }

    /** The key of the meta hash of the file at {@code location} (checked by {@link #fileKey}). */
    String metaKey(Location location) {
        fileKey(location);
        return metaPrefix + location.value();
    }

    String stagingKey(String id) {
        return stagingPrefix + id;
    }

    String stateKey(String uploadId) {
        return multipartPrefix + uploadId;
    }

    <T> T redis(String operation, Location location, Function<Jedis, T> action) {
        try (Jedis jedis = pool.getResource()) {
            return action.apply(jedis);
        } catch (RuntimeException e) {
            throw RedisFailures.of(settings.name(), operation, location, e, connection);
        }
    }

    long script(Jedis jedis, String script, List<String> keys, List<String> args) {
        Object result = jedis.eval(bytes(script), keys.stream().map(RedisStorage::bytes).toList(),
                args.stream().map(RedisStorage::bytes).toList());
        return result instanceof Long l ? l : Long.parseLong(String.valueOf(result));
    }

    static String randomId() {
        byte[] b = new byte[12];
        RANDOM.nextBytes(b);
        return HexFormat.of().formatHex(b);
    }

    /** The digest of the storage's hashing_algorithm, as the host computes it (the host checked the name at start). */
    MessageDigest digest() {
        try {
            return Hashes.digest(settings.hashingAlgorithm());
        } catch (PortalException e) {
            throw new FilesException(ErrorKind.CONFIG_INVALID, settings.key("hashing_algorithm") + ": " + e.getMessage());
        }
    }

    private static int readFully(InputStream in, byte[] buffer) throws IOException {
        int filled = 0;
        while (filled < buffer.length) {
            int n = in.read(buffer, filled, buffer.length - filled);
            if (n < 0) {
                break;
            }
            filled += n;
        }
        return filled;
    }

    /** Staged content: the id of its staging string and its size. */
    record Staged(String id, long size) {
        @Override
        public String toString() {
            return id + ":" + size;
        }

        static Staged parse(String text) {
            int colon = text.lastIndexOf(':');
            return new Staged(text.substring(0, colon), Long.parseLong(text.substring(colon + 1)));
        }
    }

    /** What the server holds of a file: its length and its meta hash (empty for a string another program wrote). */
    record Stored(long size, String contentType, String hash, String hashAlgorithm, String version) {
        static Stored of(long size, Map<String, String> meta) {
            return new Stored(size, meta.getOrDefault("content_type", "application/octet-stream"), meta.getOrDefault("hash", ""),
                    meta.getOrDefault("hash_algorithm", ""), meta.getOrDefault("version", ""));
        }
    }

    /** The file at {@code location}, or a missing-file failure. */
    Stored stored(String operation, Location location) {
        String key = fileKey(location);
        String meta = metaKey(location);
        Stored stored = redis(operation, location, j -> {
            String type = j.type(key);
            if ("none".equals(type)) {
                return null;
            }
            if (!"string".equals(type)) {
                throw new FilesException(ErrorKind.CONFLICT, "storage " + settings.name() + ": the key of " + location + " holds a Redis "
                        + type + ", not a string (content written in another layout, or by another program, under " + settings.key(
                        RedisStorageFactory.PREFIX) + ")");
            }
            return Stored.of(j.strlen(key), j.hgetAll(meta));
        });
        if (stored == null) {
            throw FilesException.missingFile(settings.name(), location);
        }
        return stored;
    }

    /**
     * Writes {@code in} to its end into a new staging string (that expires unless committed), one
     * piece at a time; on any failure unlinks what it wrote and rethrows.
     */
    Staged writeStaged(String operation, Location location, InputStream in, MessageDigest digest) throws IOException {
        String id = randomId();
        byte[] key = bytes(stagingKey(id));
        byte[] buffer = new byte[connection.chunkSize()];
        long size = 0;
        try (Jedis jedis = borrow(operation, location)) {
            try {
                // The first piece creates the string with its expiry (APPEND keeps it); an empty file is an empty string.
                jedis.set(key, new byte[0], SetParams.setParams().px(connection.stagingTtlMillis()));
                while (true) {
                    int n = readFully(in, buffer);
                    if (n == 0) {
                        break;
                    }
                    if (digest != null) {
                        digest.update(buffer, 0, n);
                    }
                    jedis.append(key, n == buffer.length ? buffer : Arrays.copyOf(buffer, n));
                    size += n;
                    if (n < buffer.length) {
                        break;
                    }
                }
                return new Staged(id, size);
            } catch (IOException | RuntimeException e) {
                unlinkQuietly(jedis, id, e);
                if (e instanceof RuntimeException re && !(e instanceof FilesException)) {
                    throw RedisFailures.of(settings.name(), operation, location, re, connection);
                }
                throw e;
            }
        }
    }

    private Jedis borrow(String operation, Location location) {
        try {
            return pool.getResource();
        } catch (RuntimeException e) {
            throw RedisFailures.of(settings.name(), operation, location, e, connection);
        }
    }

    /** Best effort: the server may be gone (then the staging string expires with its staging time). */
    private void unlinkQuietly(Jedis jedis, String id, Throwable cause) {
        try {
            jedis.unlink(bytes(stagingKey(id)));
        } catch (RuntimeException e) {
            cause.addSuppressed(new IllegalStateException("the staged content of the failed write expires with staging_ttl: "
                    + RedisFailures.describe(e)));
        }
    }

    void unlinkStaged(List<Staged> staged) {
        try (Jedis jedis = pool.getResource()) {
            for (Staged s : staged) {
                jedis.unlink(bytes(stagingKey(s.id())));
            }
        } catch (RuntimeException ignored) {
            // staged: they expire
        }
    }

    /** Commits staged content as the file at {@code location}, with its meta hash; see {@link RedisScripts#COMMIT}. */
    long commit(String operation, Location location, boolean overwrite, Staged staged, Map<String, String> fields, String alsoDelete) {
        String key = fileKey(location);
        List<String> args = new ArrayList<>(List.of(overwrite ? "1" : "0"));
        Map<String, String> all = new LinkedHashMap<>(fields);
        all.put("version", staged.id());
        all.forEach((k, v) -> {
            args.add(k);
            args.add(v);
        });
        return redis(operation, location, j -> script(j, RedisScripts.COMMIT, List.of(key, metaKey(location), stagingKey(staged.id()),
                alsoDelete == null ? key : alsoDelete), args));
    }

    FilesException expired(Location location) {
        return new FilesException(ErrorKind.CONFLICT, "storage " + settings.name() + ": the content written for " + location
                + " expired before it was committed (" + settings.key(RedisStorageFactory.STAGING_TTL) + ")");
    }

    /** {@code text} with Redis' glob characters escaped. */
    static String glob(String text) {
        StringBuilder out = new StringBuilder();
        for (char c : text.toCharArray()) {
            if (c == '*' || c == '?' || c == '[' || c == ']' || c == '\\') {
                out.append('\\');
            }
            out.append(c);
        }
        return out.toString();
    }
}
