package dev.portalkit.storage.opendal;

import dev.portalkit.api.ErrorKind;
import dev.portalkit.api.files.FileData;
import dev.portalkit.api.files.FilesException;
import dev.portalkit.api.files.Location;
import dev.portalkit.api.files.MultipartData;
import dev.portalkit.api.files.MultipartUploads;
import dev.portalkit.api.files.Upload;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.TreeMap;

/**
 * Multipart uploads to a {@code files:opendal} storage. OpenDAL's Java writer lives in one JVM and
 * cannot be resumed by another node nor take parts out of order, so each part is a file of its own
 * in the staging folder ({@code .portalkit-staging/multipart-<id>/<n>}, next to the marker
 * {@code started}); completion streams the parts in order through one writer into place and
 * removes them. This works on every service that can write, read and delete; it costs one more
 * pass over the bytes at completion.
 */
final class OpenDalMultipart implements MultipartUploads {
    private static final String UPLOAD_ID = "upload_id";
    private static final String PARTS = "parts";
    private static final String MARKER = "started";

    private final OpenDalStorage storage;

    OpenDalMultipart(OpenDalStorage storage) {
        this.storage = storage;
    }

    @Override
    public MultipartData start(MultipartData data) {
        storage.path(data.location());
        String folder = OpenDalStorage.stagingPath("multipart");
        try {
            storage.operator().write(folder + "/" + MARKER, new byte[0]);
        } catch (RuntimeException e) {
            throw storage.failure("start a multipart upload of", data.location(), e);
        }
        return data.withStorageData(Map.of(UPLOAD_ID, folder.substring(folder.lastIndexOf('/') + 1), PARTS, Map.of()));
    }

    @Override
    public MultipartData update(MultipartData data, int part, Upload content) {
        if (part < 1 || part > MultipartData.MAX_PARTS) {
            throw new FilesException(ErrorKind.BAD_REQUEST, "part number " + part + " is not between 1 and " + MultipartData.MAX_PARTS);
        }
        String folder = folder(data);
        if (storage.stat(folder + "/" + MARKER, data.location()).isEmpty()) {
            throw new FilesException(ErrorKind.NOT_FOUND, "multipart upload " + data.storageData().get(UPLOAD_ID) + " of "
                    + data.location() + " does not exist in storage " + storage.name() + " (completed or aborted)");
        }
        long size;
        try (InputStream in = content.open()) {
            size = storage.write(folder + "/" + part, in, data.location());
        } catch (IOException e) {
            throw FilesException.backend(storage.name(), "cannot read part " + part + " for " + data.location(), e);
        }
        Map<String, Object> parts = new TreeMap<>(parts(data));
        parts.put(String.valueOf(part), size);
        Map<String, Object> state = new LinkedHashMap<>(data.storageData());
        state.put(PARTS, parts);
        return data.withStorageData(state);
    }

    @Override
    public FileData complete(MultipartData data) {
        String folder = folder(data);
        TreeMap<Integer, Long> parts = new TreeMap<>();
        parts(data).forEach((k, v) -> parts.put(Integer.parseInt(k), ((Number) v).longValue()));
        long total = parts.values().stream().mapToLong(Long::longValue).sum();
        int last = parts.isEmpty() ? 0 : parts.lastKey();
        if (parts.size() != last || total < data.size()) {
            throw new FilesException(ErrorKind.BAD_REQUEST, "multipart upload of " + data.location() + " misses parts: "
                    + parts.size() + " of " + Math.max(last, 1) + " parts, " + total + " of " + data.size() + " bytes received");
        }
        Location location = data.location();
        String path = storage.path(location);
        long size;
        try (InputStream all = new SequenceInputStream(new PartStreams(folder, last, location))) {
            size = storage.place(path, all, location);
        } catch (IOException e) {
            throw FilesException.backend(storage.name(), "cannot read the parts of " + location, e);
        }
        removeFolder(folder, parts.keySet());
        return new FileData(location, size, data.contentType(), "", "", Map.of());
    }

    @Override
    public void abort(MultipartData data) {
        TreeMap<Integer, Long> parts = new TreeMap<>();
        parts(data).keySet().forEach(k -> parts.put(Integer.parseInt(k), 0L));
        removeFolder(folder(data), parts.keySet());
    }

    private void removeFolder(String folder, java.util.Set<Integer> parts) {
        for (int part : parts) {
            storage.deleteQuietly(folder + "/" + part);
        }
        storage.deleteQuietly(folder + "/" + MARKER);
        storage.deleteQuietly(folder + "/");
    }

    /** The staging folder of the upload, from its id (checked: it is a path). */
    private String folder(MultipartData data) {
        Object id = data.storageData().get(UPLOAD_ID);
        if (!(id instanceof String s) || !s.matches("multipart-[0-9a-f]{24}")) {
            throw new FilesException(ErrorKind.BAD_REQUEST, "multipart upload of " + data.location() + " has no valid " + UPLOAD_ID);
        }
        return OpenDalStorage.STAGING + "/" + s;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> parts(MultipartData data) {
        Object parts = data.storageData().get(PARTS);
        return parts instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
    }

    /** The parts' streams, each opened when the previous one has been read. */
    private final class PartStreams implements Enumeration<InputStream> {
        private final String folder;
        private final int last;
        private final Location location;
        private int next = 1;

        PartStreams(String folder, int last, Location location) {
            this.folder = folder;
            this.last = last;
            this.location = location;
        }

        @Override
        public boolean hasMoreElements() {
            return next <= last;
        }

        @Override
        public InputStream nextElement() {
            if (next > last) {
                throw new NoSuchElementException();
            }
            String part = folder + "/" + next++;
            try {
                return storage.operator().createInputStream(part);
            } catch (RuntimeException e) {
                throw storage.failure("read a part of", location, e);
            }
        }
    }
}
