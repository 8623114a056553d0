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
 * One {@code files:redis} storage. A file at location {@code L} is the hash {@code <prefix>L} and
 * its content the chunks {@code <prefix>/data/<segment>/<n>} (see {@link RedisScripts}); no key
 * holds more than {@code chunk_size} bytes and no operation holds more than one chunk in memory.
 * Locations never start with {@code /}, so the adapter's own keys under {@code <prefix>/} are
 * never files.
 *
 * <p>Writes are staged: chunks are written with an expiry and made permanent, together with the
 * file's hash, by one atomic script; a failed upload unlinks what it wrote, and what a crashed one
 * wrote expires. Copies duplicate the chunks on the server ({@code COPY}); moves rename the file's
 * hash; multipart parts are segments, so completion writes no content.
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
    private final String dataPrefix;
    private final String multipartPrefix;
    private final Uploader uploader;
    private final StorageReader reader;
    private final Manager manager;

    RedisStorage(StorageSettings settings, RedisStorageFactory.RedisConnection connection, JedisPool pool) {
        this.settings = settings;
        this.connection = connection;
        this.pool = pool;
        this.prefix = connection.prefix();
        this.dataPrefix = prefix + "/data/";
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

    /** The prefix of the content chunks' keys. */
    String dataPrefix() {
        return dataPrefix;
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

    String chunkKey(String segment, long n) {
        return dataPrefix + segment + "/" + n;
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

    /** A segment of content: its id and size. */
    record Segment(String id, long size) {
        @Override
        public String toString() {
            return id + ":" + size;
        }

        static List<Segment> parse(String text) {
            List<Segment> out = new ArrayList<>();
            if (text == null || text.isEmpty()) {
                return out;
            }
            for (String part : text.split(",")) {
                int colon = part.lastIndexOf(':');
                out.add(new Segment(part.substring(0, colon), Long.parseLong(part.substring(colon + 1))));
            }
            return out;
        }

        static String join(List<Segment> segments) {
            return String.join(",", segments.stream().map(Segment::toString).toList());
        }
    }

    /** What the file's hash says about it. */
    record Stored(long size, int chunkSize, List<Segment> segments, String segmentsText, String contentType, String hash,
                  String hashAlgorithm) {
        static Stored of(Map<String, String> fields) {
            String segments = fields.getOrDefault("segments", "");
            return new Stored(Long.parseLong(fields.getOrDefault("size", "0")), Integer.parseInt(fields.getOrDefault("chunk_size", "1")),
                    Segment.parse(segments), segments, fields.getOrDefault("content_type", "application/octet-stream"),
                    fields.getOrDefault("hash", ""), fields.getOrDefault("hash_algorithm", ""));
        }
    }

    Stored stored(String operation, Location location) {
        String key = fileKey(location);
        Map<String, String> fields = redis(operation, location, j -> j.hgetAll(key));
        if (fields == null || fields.isEmpty()) {
            throw FilesException.missingFile(settings.name(), location);
        }
        return Stored.of(fields);
    }

    /**
     * Writes {@code in} to its end as a new staged segment (chunks that expire unless committed);
     * on any failure unlinks what it wrote and rethrows.
     */
    Segment writeSegment(String operation, Location location, InputStream in, MessageDigest digest) throws IOException {
        String id = randomId();
        byte[] buffer = new byte[connection.chunkSize()];
        long size = 0;
        int written = 0;
        SetParams staged = SetParams.setParams().px(connection.stagingTtlMillis());
        try (Jedis jedis = borrow(operation, location)) {
            try {
                while (true) {
                    int n = readFully(in, buffer);
                    if (n == 0) {
                        break;
                    }
                    if (digest != null) {
                        digest.update(buffer, 0, n);
                    }
                    byte[] value = n == buffer.length ? buffer : Arrays.copyOf(buffer, n);
                    jedis.set(bytes(chunkKey(id, written)), value, staged);
                    written++;
                    size += n;
                    if (n < buffer.length) {
                        break;
                    }
                }
                return new Segment(id, size);
            } catch (IOException | RuntimeException e) {
                unlinkQuietly(jedis, id, written, e);
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

    /** Best effort: the server may be gone (then the chunks expire with their staging time). */
    private void unlinkQuietly(Jedis jedis, String segment, int chunks, Throwable cause) {
        try {
            for (int n = 0; n < chunks; n++) {
                jedis.unlink(bytes(chunkKey(segment, n)));
            }
        } catch (RuntimeException e) {
            cause.addSuppressed(new IllegalStateException("the staged chunks of the failed write expire with staging_ttl: "
                    + RedisFailures.describe(e)));
        }
    }

    void unlinkSegments(List<Segment> segments) {
        unlinkSegments(segments, connection.chunkSize());
    }

    void unlinkSegments(List<Segment> segments, int chunkSize) {
        try (Jedis jedis = pool.getResource()) {
            for (Segment s : segments) {
                long chunks = (s.size() + chunkSize - 1) / chunkSize;
                for (long n = 0; n < chunks; n++) {
                    jedis.unlink(bytes(chunkKey(s.id(), n)));
                }
            }
        } catch (RuntimeException ignored) {
            // staged: they expire
        }
    }

    /** Commits staged segments as the file at {@code location}; see {@link RedisScripts#COMMIT}. */
    long commit(String operation, Location location, boolean overwrite, List<Segment> segments, Map<String, String> fields,
                        String alsoDelete) {
        String key = fileKey(location);
        List<String> args = new ArrayList<>(List.of(overwrite ? "1" : "0", dataPrefix, String.valueOf(connection.chunkSize()),
                Segment.join(segments)));
        Map<String, String> all = new LinkedHashMap<>(fields);
        all.put("segments", Segment.join(segments));
        all.put("chunk_size", String.valueOf(connection.chunkSize()));
        all.forEach((k, v) -> {
            args.add(k);
            args.add(v);
        });
        return redis(operation, location, j -> script(j, RedisScripts.COMMIT, List.of(key, alsoDelete == null ? key : alsoDelete), args));
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
