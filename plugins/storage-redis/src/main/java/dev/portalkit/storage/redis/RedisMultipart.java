package dev.portalkit.storage.redis;

import static dev.portalkit.storage.redis.RedisStorage.bytes;
import static dev.portalkit.storage.redis.RedisStorage.randomId;

import dev.portalkit.api.ErrorKind;
import dev.portalkit.api.files.FileData;
import dev.portalkit.api.files.FilesException;
import dev.portalkit.api.files.MultipartData;
import dev.portalkit.api.files.MultipartUploads;
import dev.portalkit.api.files.StorageSettings;
import dev.portalkit.api.files.Upload;
import dev.portalkit.storage.redis.RedisStorage.Staged;
import redis.clients.jedis.params.SetParams;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Multipart uploads to a {@code files:redis} storage: each part is a staging string recorded in the
 * upload's state hash; completion appends the parts in order into one staging string, a piece of
 * {@code chunk_size} at a time ({@code GETRANGE}, {@code APPEND}; the first part is copied on the
 * server), and commits it as the file.
 */
final class RedisMultipart implements MultipartUploads {
    private static final String UPLOAD_ID = "upload_id";

    private final RedisStorage storage;
    private final StorageSettings settings;
    private final RedisStorageFactory.RedisConnection connection;

    RedisMultipart(RedisStorage storage) {
        this.storage = storage;
        this.settings = storage.settings();
        this.connection = storage.connection();
    }

    @Override
    public MultipartData start(MultipartData data) {
        storage.fileKey(data.location());
        String id = randomId();
        String key = storage.stateKey(id);
        storage.redis("start a multipart upload of", data.location(), j -> {
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
        Map<String, String> state = storage.redis(operation, data.location(), j -> j.hgetAll(storage.stateKey(id)));
        if (state == null || state.isEmpty() || !data.location().value().equals(state.get("location"))) {
            throw new FilesException(ErrorKind.NOT_FOUND, "multipart upload " + id + " of " + data.location()
                    + " does not exist in storage " + settings.name() + " (completed, aborted or expired)");
        }
        return state;
    }

    @Override
    public MultipartData update(MultipartData data, int part, Upload content) {
        String id = uploadId(data);
        Map<String, String> state = state(data, id, "upload part " + part + " of");
        Staged segment;
        try (InputStream in = content.open()) {
            segment = storage.writeStaged("upload part " + part + " of", data.location(), in, null);
        } catch (IOException e) {
            throw new FilesException(ErrorKind.TRANSIENT, "storage " + settings.name() + ": cannot read part " + part + " for "
                    + data.location() + ": " + e.getMessage(), e);
        }
        long result = storage.redis("upload part " + part + " of", data.location(), j -> storage.script(j, RedisScripts.PART,
                List.of(storage.stateKey(id)), List.of("part:" + part, segment.toString(), storage.stagingPrefix(),
                        String.valueOf(connection.stagingTtlMillis()))));
        if (result != 1) {
            storage.unlinkStaged(List.of(segment));
            throw new FilesException(ErrorKind.NOT_FOUND, "multipart upload " + id + " of " + data.location()
                    + " does not exist in storage " + settings.name() + " (completed, aborted or expired)");
        }
        return data;
    }

    @Override
    public FileData complete(MultipartData data) {
        String id = uploadId(data);
        Map<String, String> state = state(data, id, "complete the multipart upload of");
        TreeMap<Integer, Staged> parts = new TreeMap<>();
        state.forEach((field, value) -> {
            if (field.startsWith("part:")) {
                parts.put(Integer.parseInt(field.substring(5)), Staged.parse(value));
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
        List<Staged> segments = new ArrayList<>(parts.values());
        Staged assembled = assemble(data, segments);
        long size = assembled.size();
        String type = state.getOrDefault("content_type", data.contentType());
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put("content_type", type);
        long result;
        try {
            result = storage.commit("complete the multipart upload of", data.location(), settings.overwriteExisting(), assembled, fields,
                    storage.stateKey(id));
        } catch (RuntimeException e) {
            storage.unlinkStaged(List.of(assembled));
            throw e;
        }
        if (result != 1) {
            storage.unlinkStaged(List.of(assembled));
        } else {
            storage.unlinkStaged(segments);
        }
        if (result == 0) {
            throw FilesException.existingFile(settings.name(), data.location());
        }
        if (result != 1) {
            throw storage.expired(data.location());
        }
        // No hash: the host reads the file back once and computes its own.
        return new FileData(data.location(), size, type, "", "", Map.of());
    }

    @Override
    public void abort(MultipartData data) {
        String id = uploadId(data);
        storage.fileKey(data.location());
        storage.redis("abort the multipart upload of", data.location(), j -> storage.script(j, RedisScripts.ABORT, List.of(storage.stateKey(id)),
                List.of(storage.stagingPrefix())));
    }

    /**
     * The parts appended in order into a new staging string, on the server side for the first part
     * ({@code COPY}) and a piece of {@code chunk_size} at a time for the others; the parts stay (the
     * commit's caller unlinks them).
     */
    private Staged assemble(MultipartData data, List<Staged> parts) {
        String operation = "complete the multipart upload of";
        Staged target = new Staged(randomId(), parts.stream().mapToLong(Staged::size).sum());
        byte[] key = bytes(storage.stagingKey(target.id()));
        int piece = connection.chunkSize();
        try {
            storage.redis(operation, data.location(), j -> {
                if (parts.isEmpty()) {
                    j.set(key, new byte[0], SetParams.setParams().px(connection.stagingTtlMillis()));
                    return null;
                }
                if (!j.copy(bytes(storage.stagingKey(parts.get(0).id())), key, true)) {
                    throw storage.expired(data.location());
                }
                j.pexpire(key, connection.stagingTtlMillis());
                for (Staged part : parts.subList(1, parts.size())) {
                    byte[] from = bytes(storage.stagingKey(part.id()));
                    for (long offset = 0; offset < part.size(); offset += piece) {
                        byte[] got = j.getrange(from, offset, Math.min(part.size(), offset + piece) - 1);
                        if (got == null || got.length != Math.min(piece, part.size() - offset)) {
                            throw storage.expired(data.location());
                        }
                        j.append(key, got);
                    }
                }
                return null;
            });
        } catch (RuntimeException e) {
            storage.unlinkStaged(List.of(target));
            throw e;
        }
        return target;
    }
}
