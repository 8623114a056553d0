package dev.portalkit.storage.redis;

import dev.portalkit.api.ErrorKind;
import dev.portalkit.api.PortalException;
import dev.portalkit.api.files.Capability;
import dev.portalkit.api.files.FileData;
import dev.portalkit.api.files.FileStat;
import dev.portalkit.api.files.FilesException;
import dev.portalkit.api.files.Hashes;
import dev.portalkit.api.files.Location;
import dev.portalkit.api.files.Manager;
import dev.portalkit.api.files.MultipartData;
import dev.portalkit.api.files.StorageReader;
import dev.portalkit.api.files.Storage;
import dev.portalkit.api.files.StorageSettings;
import dev.portalkit.api.files.Upload;
import dev.portalkit.api.files.Uploader;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.Set;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisPool;
import redis.clients.jedis.params.ScanParams;
import redis.clients.jedis.params.SetParams;
import redis.clients.jedis.resps.ScanResult;

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
 */
final class RedisStorage implements Storage {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final String UPLOAD_ID = "upload_id";
    private static final int SCAN_COUNT = 1000;

    private final StorageSettings settings;
    private final RedisStorageFactory.RedisConnection connection;
    private final JedisPool pool;
    private final String prefix;
    private final String dataPrefix;
    private final String multipartPrefix;
    private final Uploader uploader = new RedisUploader();
    private final StorageReader reader = new RedisReader();
    private final Manager manager = new RedisManager();

    RedisStorage(StorageSettings settings, RedisStorageFactory.RedisConnection connection, JedisPool pool) {
        this.settings = settings;
        this.connection = connection;
        this.pool = pool;
        this.prefix = connection.prefix();
        this.dataPrefix = prefix + "/data/";
        this.multipartPrefix = prefix + "/multipart/";
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

    // ---- keys and helpers -------------------------------------------------------------------------

    private static byte[] bytes(String s) {
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

    private String chunkKey(String segment, long n) {
        return dataPrefix + segment + "/" + n;
    }

    private String stateKey(String uploadId) {
        return multipartPrefix + uploadId;
    }

    private <T> T redis(String operation, Location location, Function<Jedis, T> action) {
        try (Jedis jedis = pool.getResource()) {
            return action.apply(jedis);
        } catch (RuntimeException e) {
            throw RedisFailures.of(settings.name(), operation, location, e, connection);
        }
    }

    private long script(Jedis jedis, String script, List<String> keys, List<String> args) {
        Object result = jedis.eval(bytes(script), keys.stream().map(RedisStorage::bytes).toList(),
                args.stream().map(RedisStorage::bytes).toList());
        return result instanceof Long l ? l : Long.parseLong(String.valueOf(result));
    }

    private static String randomId() {
        byte[] b = new byte[12];
        RANDOM.nextBytes(b);
        return HexFormat.of().formatHex(b);
    }

    /** The digest of the storage's hashing_algorithm, as the host computes it (the host checked the name at start). */
    private MessageDigest digest() {
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

    private Stored stored(String operation, Location location) {
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
    private Segment writeSegment(String operation, Location location, InputStream in, MessageDigest digest) throws IOException {
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

    private void unlinkSegments(List<Segment> segments) {
        unlinkSegments(segments, connection.chunkSize());
    }

    private void unlinkSegments(List<Segment> segments, int chunkSize) {
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
    private long commit(String operation, Location location, boolean overwrite, List<Segment> segments, Map<String, String> fields,
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

    private FilesException expired(Location location) {
        return new FilesException(ErrorKind.CONFLICT, "storage " + settings.name() + ": the content written for " + location
                + " expired before it was committed (" + settings.key(RedisStorageFactory.STAGING_TTL) + ")");
    }

    // ---- uploads ----------------------------------------------------------------------------------

    private final class RedisUploader implements Uploader {
        @Override
        public Set<Capability> capabilities() {
            return EnumSet.of(Capability.CREATE, Capability.MULTIPART);
        }

        @Override
        public FileData upload(Location location, Upload upload, boolean overwrite) {
            fileKey(location);
            MessageDigest digest = digest();
            Segment segment;
            try (InputStream in = upload.open()) {
                segment = writeSegment("upload", location, in, digest);
            } catch (IOException e) {
                throw new FilesException(ErrorKind.TRANSIENT, "storage " + settings.name() + ": cannot read the content for "
                        + location + ": " + e.getMessage(), e);
            }
            String hash = HexFormat.of().formatHex(digest.digest());
            Map<String, String> fields = new LinkedHashMap<>();
            fields.put("size", String.valueOf(segment.size()));
            fields.put("content_type", upload.contentType());
            fields.put("hash", hash);
            fields.put("hash_algorithm", settings.hashingAlgorithm());
            long result;
            try {
                result = commit("upload", location, overwrite, List.of(segment), fields, null);
            } catch (RuntimeException e) {
                unlinkSegments(List.of(segment));
                throw e;
            }
            if (result != 1) {
                unlinkSegments(List.of(segment));
                throw result == 0 ? FilesException.existingFile(settings.name(), location) : expired(location);
            }
            return new FileData(location, segment.size(), upload.contentType(), hash, settings.hashingAlgorithm(), Map.of());
        }

        @Override
        public MultipartData multipartStart(MultipartData data) {
            fileKey(data.location());
            String id = randomId();
            String key = stateKey(id);
            redis("start a multipart upload of", data.location(), j -> {
                Map<String, String> state = new LinkedHashMap<>();
                state.put("location", data.location().value());
                state.put("size", String.valueOf(data.size()));
                state.put("content_type", data.contentType());
                state.put("chunk_size", String.valueOf(connection.chunkSize()));
                j.hset(key, state);
                j.pexpire(key, connection.stagingTtlMillis());
                return null;
            });
            return data.withStorageData(Map.of(UPLOAD_ID, id));
        }

        private String uploadId(MultipartData data) {
            Object id = data.storageData().get(UPLOAD_ID);
            if (!(id instanceof String s) || !s.matches("[0-9a-f]{24}")) {
                throw new FilesException(ErrorKind.BAD_REQUEST, "multipart upload of " + data.location() + " has no valid " + UPLOAD_ID);
            }
            return s;
        }

        private Map<String, String> state(MultipartData data, String id, String operation) {
            Map<String, String> state = redis(operation, data.location(), j -> j.hgetAll(stateKey(id)));
            if (state == null || state.isEmpty() || !data.location().value().equals(state.get("location"))) {
                throw new FilesException(ErrorKind.NOT_FOUND, "multipart upload " + id + " of " + data.location()
                        + " does not exist in storage " + settings.name() + " (completed, aborted or expired)");
            }
            return state;
        }

        @Override
        public MultipartData multipartUpdate(MultipartData data, int part, Upload content) {
            String id = uploadId(data);
            Map<String, String> state = state(data, id, "upload part " + part + " of");
            if (!String.valueOf(connection.chunkSize()).equals(state.get("chunk_size"))) {
                throw new FilesException(ErrorKind.CONFLICT, "multipart upload " + id + " began with another chunk_size");
            }
            Segment segment;
            try (InputStream in = content.open()) {
                segment = writeSegment("upload part " + part + " of", data.location(), in, null);
            } catch (IOException e) {
                throw new FilesException(ErrorKind.TRANSIENT, "storage " + settings.name() + ": cannot read part " + part + " for "
                        + data.location() + ": " + e.getMessage(), e);
            }
            long result = redis("upload part " + part + " of", data.location(), j -> script(j, RedisScripts.PART,
                    List.of(stateKey(id)), List.of("part:" + part, segment.toString(), dataPrefix,
                            String.valueOf(connection.stagingTtlMillis()))));
            if (result != 1) {
                unlinkSegments(List.of(segment));
                throw new FilesException(ErrorKind.NOT_FOUND, "multipart upload " + id + " of " + data.location()
                        + " does not exist in storage " + settings.name() + " (completed, aborted or expired)");
            }
            return data;
        }

        @Override
        public FileData multipartComplete(MultipartData data) {
            String id = uploadId(data);
            Map<String, String> state = state(data, id, "complete the multipart upload of");
            TreeMap<Integer, Segment> parts = new TreeMap<>();
            state.forEach((field, value) -> {
                if (field.startsWith("part:")) {
                    parts.put(Integer.parseInt(field.substring(5)), Segment.parse(value).get(0));
                }
            });
            List<Integer> missing = new ArrayList<>();
            int last = parts.isEmpty() ? 0 : parts.lastKey();
            for (int p = 1; p <= last; p++) {
                if (!parts.containsKey(p)) {
                    missing.add(p);
                }
            }
            if (!missing.isEmpty() || (parts.isEmpty() && data.size() > 0)) {
                throw new FilesException(ErrorKind.BAD_REQUEST, "multipart upload of " + data.location() + " misses "
                        + (parts.isEmpty() ? "every part" : "part(s) " + missing));
            }
            List<Segment> segments = new ArrayList<>(parts.values());
            if (segments.isEmpty()) {
                segments.add(new Segment(randomId(), 0));
            }
            long size = segments.stream().mapToLong(Segment::size).sum();
            String type = state.getOrDefault("content_type", data.contentType());
            Map<String, String> fields = new LinkedHashMap<>();
            fields.put("size", String.valueOf(size));
            fields.put("content_type", type);
            long result = commit("complete the multipart upload of", data.location(), settings.overwriteExisting(), segments, fields,
                    stateKey(id));
            if (result == 0) {
                throw FilesException.existingFile(settings.name(), data.location());
            }
            if (result != 1) {
                throw expired(data.location());
            }
            // No hash: the host reads the file back once and computes its own.
            return new FileData(data.location(), size, type, "", "", Map.of());
        }

        @Override
        public void multipartAbort(MultipartData data) {
            String id = uploadId(data);
            fileKey(data.location());
            redis("abort the multipart upload of", data.location(), j -> script(j, RedisScripts.ABORT, List.of(stateKey(id)),
                    List.of(dataPrefix)));
        }
    }

    // ---- reads ------------------------------------------------------------------------------------

    private final class RedisReader implements StorageReader {
        @Override
        public Set<Capability> capabilities() {
            return EnumSet.of(Capability.STREAM, Capability.RANGE);
        }

        @Override
        public InputStream stream(FileData data) {
            Stored file = stored("read", data.location());
            return new ChunkStream(data.location(), file, 0, file.size());
        }

        @Override
        public InputStream range(FileData data, long start, long end) {
            if (start < 0 || end < start) {
                throw new FilesException(ErrorKind.BAD_REQUEST, "range " + start + ".." + end + " is not a valid byte range");
            }
            Stored file = stored("read", data.location());
            long from = Math.min(start, file.size());
            long to = Math.min(end, file.size());
            return new ChunkStream(data.location(), file, from, Math.max(from, to));
        }
    }

    /**
     * Bytes {@code from} to {@code to} of a file, fetched one chunk (or the needed part of one) at
     * a time. A chunk that is gone means the file was replaced or removed meanwhile: the read fails.
     */
    private final class ChunkStream extends InputStream {
        private final Location location;
        private final Deque<long[]> pieces = new ArrayDeque<>();
        private final List<String> keys = new ArrayList<>();
        private byte[] current = new byte[0];
        private int position;

        /** Plans the pieces: {segment index, chunk, offset in chunk, length}. */
        ChunkStream(Location location, Stored file, long from, long to) {
            this.location = location;
            long segmentStart = 0;
            for (Segment segment : file.segments()) {
                long segmentEnd = segmentStart + segment.size();
                if (segmentEnd > from && segmentStart < to) {
                    long first = Math.max(from, segmentStart) - segmentStart;
                    long last = Math.min(to, segmentEnd) - segmentStart;
                    for (long chunk = first / file.chunkSize(); chunk * file.chunkSize() < last; chunk++) {
                        long chunkStart = chunk * file.chunkSize();
                        long a = Math.max(first, chunkStart) - chunkStart;
                        long b = Math.min(last, chunkStart + file.chunkSize()) - chunkStart;
                        keys.add(chunkKey(segment.id(), chunk));
                        long full = Math.min(file.chunkSize(), segment.size() - chunkStart);
                        pieces.add(new long[] {keys.size() - 1, a, b - a, full});
                    }
                }
                segmentStart = segmentEnd;
            }
        }

        private boolean fill() throws IOException {
            while (position >= current.length) {
                long[] piece = pieces.poll();
                if (piece == null) {
                    return false;
                }
                byte[] key = bytes(keys.get((int) piece[0]));
                long offset = piece[1];
                long length = piece[2];
                boolean whole = offset == 0 && length == piece[3];
                byte[] got = redis("read", location, j -> whole ? j.get(key) : j.getrange(key, offset, offset + length - 1));
                if (got == null || got.length != length) {
                    throw new IOException("storage " + settings.name() + ": " + location + " changed or was removed while it was read");
                }
                current = got;
                position = 0;
            }
            return true;
        }

        @Override
        public int read() throws IOException {
            if (!fill()) {
                return -1;
            }
            return current[position++] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (len == 0) {
                return 0;
            }
            if (!fill()) {
                return -1;
            }
            int n = Math.min(len, current.length - position);
            System.arraycopy(current, position, b, off, n);
            position += n;
            return n;
        }
    }

    // ---- management -------------------------------------------------------------------------------

    private final class RedisManager implements Manager {
        @Override
        public Set<Capability> capabilities() {
            return EnumSet.of(Capability.REMOVE, Capability.EXISTS, Capability.SCAN, Capability.ANALYZE, Capability.COPY, Capability.MOVE);
        }

        @Override
        public boolean remove(FileData data) {
            String key = fileKey(data.location());
            return redis("remove", data.location(), j -> script(j, RedisScripts.REMOVE, List.of(key), List.of(dataPrefix))) == 1;
        }

        @Override
        public boolean exists(FileData data) {
            String key = fileKey(data.location());
            return redis("check", data.location(), j -> j.exists(key));
        }

        /** The stored size; Redis keeps no write time of its own, so the age is unknown. */
        @Override
        public Optional<FileStat> stat(FileData data) {
            String key = fileKey(data.location());
            Map<String, String> fields = redis("stat", data.location(), j -> j.hgetAll(key));
            return fields == null || fields.isEmpty() ? Optional.empty() : Optional.of(new FileStat(Stored.of(fields).size(), null));
        }

        @Override
        public FileData copy(Location target, FileData source, boolean overwrite) {
            String targetKey = fileKey(target);
            Stored file = stored("copy", source.location());
            if (!overwrite && redis("check", target, j -> j.exists(targetKey))) {
                throw FilesException.existingFile(settings.name(), target);
            }
            // The server duplicates the chunks (COPY) into new, staged segments; no byte passes through the portal.
            List<Segment> copies = new ArrayList<>();
            boolean complete = redis("copy " + source.location() + " to", target, j -> {
                for (Segment segment : file.segments()) {
                    Segment copy = new Segment(randomId(), segment.size());
                    copies.add(copy);
                    long chunks = (segment.size() + file.chunkSize() - 1) / file.chunkSize();
                    for (long n = 0; n < chunks; n++) {
                        byte[] to = bytes(chunkKey(copy.id(), n));
                        if (!j.copy(bytes(chunkKey(segment.id(), n)), to, true)) {
                            return false;
                        }
                        j.pexpire(to, connection.stagingTtlMillis());
                    }
                }
                return true;
            });
            if (!complete) {
                unlinkSegments(copies, file.chunkSize());
                throw FilesException.missingFile(settings.name(), source.location());
            }
            Map<String, String> fields = new LinkedHashMap<>();
            fields.put("size", String.valueOf(file.size()));
            fields.put("content_type", file.contentType());
            if (!file.hash().isEmpty()) {
                fields.put("hash", file.hash());
                fields.put("hash_algorithm", file.hashAlgorithm());
            }
            long result;
            try {
                // The copy keeps the chunk size the file was stored with.
                result = commitCopy(target, overwrite, copies, fields, file.chunkSize());
            } catch (RuntimeException e) {
                unlinkSegments(copies, file.chunkSize());
                throw e;
            }
            if (result != 1) {
                unlinkSegments(copies, file.chunkSize());
                throw result == 0 ? FilesException.existingFile(settings.name(), target) : expired(target);
            }
            return new FileData(target, file.size(), file.contentType(), file.hash(), file.hashAlgorithm(), Map.of());
        }

        private long commitCopy(Location target, boolean overwrite, List<Segment> segments, Map<String, String> fields, int chunkSize) {
            String key = fileKey(target);
            Map<String, String> all = new LinkedHashMap<>(fields);
            all.put("segments", Segment.join(segments));
            all.put("chunk_size", String.valueOf(chunkSize));
            List<String> args = new ArrayList<>(List.of(overwrite ? "1" : "0", dataPrefix, String.valueOf(chunkSize), Segment.join(segments)));
            all.forEach((k, v) -> {
                args.add(k);
                args.add(v);
            });
            return redis("copy to", target, j -> script(j, RedisScripts.COMMIT, List.of(key, key), args));
        }

        @Override
        public FileData move(Location target, FileData source, boolean overwrite) {
            String from = fileKey(source.location());
            String to = fileKey(target);
            long result = redis("move " + source.location() + " to", target, j -> script(j, RedisScripts.MOVE, List.of(from, to),
                    List.of(overwrite ? "1" : "0", dataPrefix)));
            if (result == -1) {
                throw FilesException.missingFile(settings.name(), source.location());
            }
            if (result == 0) {
                throw FilesException.existingFile(settings.name(), target);
            }
            Stored file = stored("move", target);
            return new FileData(target, file.size(), file.contentType(), file.hash(), file.hashAlgorithm(), Map.of());
        }

        /**
         * Every file, from {@code SCAN} (never {@code KEYS}) over the prefix, hashes only, page by page.
         * As with any {@code SCAN}, a file may be reported twice if the server rehashes meanwhile.
         */
        @Override
        public Stream<Location> scan() {
            ScanParams params = new ScanParams().match(bytes(glob(prefix) + "*")).count(SCAN_COUNT);
            byte[] hashType = bytes("hash");
            Iterator<Location> locations = new Iterator<>() {
                private byte[] cursor = ScanParams.SCAN_POINTER_START_BINARY;
                private boolean done;
                private final Deque<Location> page = new ArrayDeque<>();

                @Override
                public boolean hasNext() {
                    while (page.isEmpty() && !done) {
                        ScanResult<byte[]> result = redis("list", null, j -> j.scan(cursor, params, hashType));
                        for (byte[] key : result.getResult()) {
                            String name = new String(key, StandardCharsets.UTF_8);
                            if (name.length() > prefix.length() && !name.startsWith(prefix + "/")) {
                                page.add(new Location(name.substring(prefix.length())));
                            }
                        }
                        cursor = result.getCursorAsBytes();
                        done = Arrays.equals(cursor, ScanParams.SCAN_POINTER_START_BINARY);
                    }
                    return !page.isEmpty();
                }

                @Override
                public Location next() {
                    if (!hasNext()) {
                        throw new NoSuchElementException();
                    }
                    return page.poll();
                }
            };
            return StreamSupport.stream(Spliterators.spliteratorUnknownSize(locations, Spliterator.NONNULL), false);
        }

        @Override
        public FileData analyze(Location location) {
            Stored file = stored("analyze", location);
            String hash = file.hash();
            if (hash.isEmpty() || !file.hashAlgorithm().equalsIgnoreCase(settings.hashingAlgorithm())) {
                // Assembled from multipart parts (or hashed otherwise): read once and remember it.
                MessageDigest digest = digest();
                try (InputStream in = new ChunkStream(location, file, 0, file.size())) {
                    byte[] buffer = new byte[1 << 16];
                    int n;
                    while ((n = in.read(buffer)) >= 0) {
                        digest.update(buffer, 0, n);
                    }
                } catch (IOException e) {
                    throw FilesException.backend(settings.name(), "cannot read " + location, e);
                }
                hash = HexFormat.of().formatHex(digest.digest());
                String h = hash;
                String key = fileKey(location);
                redis("analyze", location, j -> script(j, RedisScripts.REMEMBER_HASH, List.of(key),
                        List.of(file.segmentsText(), h, settings.hashingAlgorithm())));
            }
            return new FileData(location, file.size(), file.contentType(), hash, settings.hashingAlgorithm(), Map.of());
        }
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
