package dev.portalkit.storage.redis;

import static dev.portalkit.storage.redis.RedisStorage.randomId;

import dev.portalkit.api.ErrorKind;
import dev.portalkit.api.files.FileData;
import dev.portalkit.api.files.FilesException;
import dev.portalkit.api.files.MultipartData;
import dev.portalkit.api.files.MultipartUploads;
import dev.portalkit.api.files.StorageSettings;
import dev.portalkit.api.files.Upload;
import dev.portalkit.storage.redis.RedisStorage.Segment;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Multipart uploads to a {@code files:redis} storage: each part is a staged segment recorded in the
 * upload's state hash, and completion commits the parts in order as the file, writing no content.
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
        if (!String.valueOf(connection.chunkSize()).equals(state.get("chunk_size"))) {
            throw new FilesException(ErrorKind.CONFLICT, "multipart upload " + id + " began with another chunk_size");
        }
        Segment segment;
        try (InputStream in = content.open()) {
            segment = storage.writeSegment("upload part " + part + " of", data.location(), in, null);
        } catch (IOException e) {
            throw new FilesException(ErrorKind.TRANSIENT, "storage " + settings.name() + ": cannot read part " + part + " for "
                    + data.location() + ": " + e.getMessage(), e);
        }
        long result = storage.redis("upload part " + part + " of", data.location(), j -> storage.script(j, RedisScripts.PART,
                List.of(storage.stateKey(id)), List.of("part:" + part, segment.toString(), storage.dataPrefix(),
                        String.valueOf(connection.stagingTtlMillis()))));
        if (result != 1) {
            storage.unlinkSegments(List.of(segment));
            throw new FilesException(ErrorKind.NOT_FOUND, "multipart upload " + id + " of " + data.location()
                    + " does not exist in storage " + settings.name() + " (completed, aborted or expired)");
        }
        return data;
    }

    @Override
    public FileData complete(MultipartData data) {
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
        long result = storage.commit("complete the multipart upload of", data.location(), settings.overwriteExisting(), segments, fields,
                storage.stateKey(id));
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
                List.of(storage.dataPrefix())));
    }
}
