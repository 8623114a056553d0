package dev.portalkit.storage.redis;

import static dev.portalkit.storage.redis.RedisStorage.bytes;
import static dev.portalkit.storage.redis.RedisStorage.randomId;

import dev.portalkit.api.files.Capability;
import dev.portalkit.api.files.FileData;
import dev.portalkit.api.files.FileStat;
import dev.portalkit.api.files.FilesException;
import dev.portalkit.api.files.Location;
import dev.portalkit.api.files.Manager;
import dev.portalkit.api.files.StorageSettings;
import dev.portalkit.storage.redis.RedisStorage.Staged;
import dev.portalkit.storage.redis.RedisStorage.Stored;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayDeque;
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
import java.util.stream.Stream;
import java.util.stream.StreamSupport;
import redis.clients.jedis.params.ScanParams;
import redis.clients.jedis.resps.ScanResult;

/**
 * Manages the files of a {@code files:redis} storage: removes, checks, copies (on the server),
 * moves (renames), lists ({@code SCAN}) and analyzes them.
 */
final class RedisManager implements Manager {
    private static final int SCAN_COUNT = 1000;

    private final RedisStorage storage;
    private final StorageSettings settings;
    private final RedisStorageFactory.RedisConnection connection;

    RedisManager(RedisStorage storage) {
        this.storage = storage;
        this.settings = storage.settings();
        this.connection = storage.connection();
    }

    @Override
    public Set<Capability> capabilities() {
        return EnumSet.of(Capability.REMOVE, Capability.EXISTS, Capability.SCAN, Capability.ANALYZE, Capability.COPY, Capability.MOVE);
    }

    @Override
    public boolean remove(FileData data) {
        String key = storage.fileKey(data.location());
        String meta = storage.metaKey(data.location());
        return storage.redis("remove", data.location(), j -> storage.script(j, RedisScripts.REMOVE, List.of(key, meta), List.of())) == 1;
    }

    @Override
    public boolean exists(FileData data) {
        String key = storage.fileKey(data.location());
        return storage.redis("check", data.location(), j -> j.exists(key));
    }

    /** The stored size; Redis keeps no write time of its own, so the age is unknown. */
    @Override
    public Optional<FileStat> stat(FileData data) {
        String key = storage.fileKey(data.location());
        Long size = storage.redis("stat", data.location(), j -> j.exists(key) ? j.strlen(key) : null);
        return size == null ? Optional.empty() : Optional.of(new FileStat(size, null));
    }

    @Override
    public FileData copy(Location target, FileData source, boolean overwrite) {
        String targetKey = storage.fileKey(target);
        Stored file = storage.stored("copy", source.location());
        if (!overwrite && storage.redis("check", target, j -> j.exists(targetKey))) {
            throw FilesException.existingFile(settings.name(), target);
        }
        // The server duplicates the string (COPY) into a staging one; no byte passes through the portal.
        Staged copy = new Staged(randomId(), file.size());
        byte[] staged = bytes(storage.stagingKey(copy.id()));
        boolean copied = storage.redis("copy " + source.location() + " to", target, j -> {
            if (!j.copy(bytes(storage.fileKey(source.location())), staged, true)) {
                return false;
            }
            j.pexpire(staged, connection.stagingTtlMillis());
            return true;
        });
        if (!copied) {
            throw FilesException.missingFile(settings.name(), source.location());
        }
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put("content_type", file.contentType());
        if (!file.hash().isEmpty()) {
            fields.put("hash", file.hash());
            fields.put("hash_algorithm", file.hashAlgorithm());
        }
        long result;
        try {
            result = storage.commit("copy to", target, overwrite, copy, fields, null);
        } catch (RuntimeException e) {
            storage.unlinkStaged(List.of(copy));
            throw e;
        }
        if (result != 1) {
            storage.unlinkStaged(List.of(copy));
            throw result == 0 ? FilesException.existingFile(settings.name(), target) : storage.expired(target);
        }
        return new FileData(target, file.size(), file.contentType(), file.hash(), file.hashAlgorithm(), Map.of());
    }

    @Override
    public FileData move(Location target, FileData source, boolean overwrite) {
        List<String> keys = List.of(storage.fileKey(source.location()), storage.metaKey(source.location()), storage.fileKey(target),
                storage.metaKey(target));
        long result = storage.redis("move " + source.location() + " to", target, j -> storage.script(j, RedisScripts.MOVE, keys,
                List.of(overwrite ? "1" : "0")));
        if (result == -1) {
            throw FilesException.missingFile(settings.name(), source.location());
        }
        if (result == 0) {
            throw FilesException.existingFile(settings.name(), target);
        }
        Stored file = storage.stored("move", target);
        return new FileData(target, file.size(), file.contentType(), file.hash(), file.hashAlgorithm(), Map.of());
    }

    /**
     * Every file, from {@code SCAN} (never {@code KEYS}) over the prefix, strings only, page by page.
     * As with any {@code SCAN}, a file may be reported twice if the server rehashes meanwhile.
     */
    @Override
    public Stream<Location> scan() {
        String prefix = storage.prefix();
        ScanParams params = new ScanParams().match(bytes(RedisStorage.glob(prefix) + "*")).count(SCAN_COUNT);
        byte[] stringType = bytes("string");
        Iterator<Location> locations = new Iterator<>() {
            private byte[] cursor = ScanParams.SCAN_POINTER_START_BINARY;
            private boolean done;
            private final Deque<Location> page = new ArrayDeque<>();

            @Override
            public boolean hasNext() {
                while (page.isEmpty() && !done) {
                    ScanResult<byte[]> result = storage.redis("list", null, j -> j.scan(cursor, params, stringType));
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
        Stored file = storage.stored("analyze", location);
        String hash = file.hash();
        if (hash.isEmpty() || !file.hashAlgorithm().equalsIgnoreCase(settings.hashingAlgorithm())) {
            // Assembled from multipart parts, written by another program or hashed otherwise: read once and remember it.
            MessageDigest digest = storage.digest();
            try (InputStream in = new RedisRangeStream(storage, location, 0, file.size())) {
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
            String key = storage.fileKey(location);
            String meta = storage.metaKey(location);
            storage.redis("analyze", location, j -> storage.script(j, RedisScripts.REMEMBER_HASH, List.of(key, meta),
                    List.of(file.version(), String.valueOf(file.size()), h, settings.hashingAlgorithm())));
        }
        return new FileData(location, file.size(), file.contentType(), hash, settings.hashingAlgorithm(), Map.of());
    }
}
