package dev.portalkit.runtime.files.memory;

import dev.portalkit.api.ErrorKind;
import dev.portalkit.api.files.Capability;
import dev.portalkit.api.files.FileData;
import dev.portalkit.api.files.FileStat;
import dev.portalkit.api.files.FilesException;
import dev.portalkit.api.files.Location;
import dev.portalkit.api.files.Manager;
import dev.portalkit.api.files.MultipartData;
import dev.portalkit.api.files.MultipartUploads;
import dev.portalkit.api.files.StorageReader;
import dev.portalkit.api.files.Storage;
import dev.portalkit.api.files.StorageSettings;
import dev.portalkit.api.files.Upload;
import dev.portalkit.api.files.Uploader;
import dev.portalkit.runtime.files.content.ContentTypes;
import dev.portalkit.runtime.files.content.Hashing;
import dev.portalkit.runtime.files.content.LocationRules;
import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.stream.Stream;

/**
 * {@code files:memory}: files held in this process's memory, for tests and development. The
 * content is in memory by design (that is the point of the adapter), as immutable 1 MiB chunks,
 * so copies, moves and composes share them; everything still streams through the API. Gone when
 * the portal stops.
 */
public class MemoryStorage implements Storage {
    private static final int CHUNK = 1024 * 1024;
    private static final Set<Capability> WRITES = EnumSet.of(Capability.CREATE, Capability.MULTIPART);
    private static final Set<Capability> READS = EnumSet.of(Capability.STREAM, Capability.RANGE);
    private static final Set<Capability> MANAGES = EnumSet.of(Capability.REMOVE, Capability.EXISTS, Capability.SCAN,
            Capability.ANALYZE, Capability.COPY, Capability.MOVE, Capability.APPEND, Capability.COMPOSE);

    /** Immutable content: chunks one after the other. */
    record Content(List<byte[]> chunks, long size) {
        static final Content EMPTY = new Content(List.of(), 0);

        Content then(Content more) {
            List<byte[]> all = new ArrayList<>(chunks);
            all.addAll(more.chunks);
            return new Content(List.copyOf(all), size + more.size);
        }

        InputStream open(long start, long end) {
            return new ContentStream(this, start, Math.min(end, size));
        }
    }

    private final StorageSettings settings;
    private final Map<String, Content> files = new ConcurrentSkipListMap<>();
    private final Map<String, Map<Integer, Content>> uploads = new ConcurrentHashMap<>();
    private final Uploader uploader = new MemoryUploader();
    private final StorageReader reader = new MemoryReader();
    private final Manager manager = new MemoryManager();

    public MemoryStorage(StorageSettings settings) {
        this.settings = settings;
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
        files.clear();
        uploads.clear();
    }

    private String name() {
        return settings.name();
    }

    private static String key(Location location) {
        return LocationRules.check(location.value());
    }

    private Content content(Location location) {
        Content content = files.get(key(location));
        if (content == null) {
            throw FilesException.missingFile(name(), location);
        }
        return content;
    }

    private static Content read(Upload upload) {
        List<byte[]> chunks = new ArrayList<>();
        long size = 0;
        try (InputStream in = upload.open()) {
            while (true) {
                byte[] chunk = new byte[CHUNK];
                int n = in.readNBytes(chunk, 0, CHUNK);
                if (n > 0) {
                    chunks.add(n == CHUNK ? chunk : Arrays.copyOf(chunk, n));
                    size += n;
                }
                if (n < CHUNK) {
                    break;
                }
            }
        } catch (IOException e) {
            throw FilesException.backend("memory", "cannot read the upload", e);
        }
        return new Content(List.copyOf(chunks), size);
    }

    private void put(Location location, Content content, boolean overwrite) {
        String key = key(location);
        if (overwrite) {
            files.put(key, content);
        } else if (files.putIfAbsent(key, content) != null) {
            throw FilesException.existingFile(name(), location);
        }
    }

    private FileData described(Location location, Content content, String contentType, boolean hashed) {
        if (!hashed) {
            return new FileData(location, content.size(), contentType, "", "", Map.of());
        }
        MessageDigest digest = Hashing.digest(settings.hashingAlgorithm());
        content.chunks().forEach(digest::update);
        return new FileData(location, content.size(), contentType, Hashing.hex(digest), settings.hashingAlgorithm(), Map.of());
    }

    private final class MemoryUploader implements Uploader, MultipartUploads {
        @Override
        public Set<Capability> capabilities() {
            return WRITES;
        }

        @Override
        public FileData upload(Location location, Upload upload, boolean overwrite) {
            key(location);
            if (!overwrite && files.containsKey(location.value())) {
                throw FilesException.existingFile(name(), location);
            }
            Content content = read(upload);
            put(location, content, overwrite);
            return new FileData(location, content.size(), upload.contentType(), "", "", Map.of());
        }

        @Override
        public Optional<MultipartUploads> multipart() {
            return Optional.of(this);
        }

        @Override
        public MultipartData start(MultipartData data) {
            key(data.location());
            String id = UUID.randomUUID().toString();
            uploads.put(id, new ConcurrentHashMap<>());
            return data.withStorageData(Map.of("upload_id", id, "parts", Map.of()));
        }

        @Override
        public MultipartData update(MultipartData data, int part, Upload content) {
            parts(data).put(part, read(content));
            return refresh(data);
        }

        @Override
        public MultipartData refresh(MultipartData data) {
            Map<String, Object> parts = new LinkedHashMap<>();
            new TreeMap<>(parts(data)).forEach((n, c) -> parts.put(Integer.toString(n), c.size()));
            Map<String, Object> state = new LinkedHashMap<>(data.storageData());
            state.put("parts", parts);
            return data.withStorageData(state);
        }

        @Override
        public FileData complete(MultipartData data) {
            Map<Integer, Content> parts = new TreeMap<>(parts(data));
            if (parts.isEmpty()) {
                throw new FilesException(ErrorKind.BAD_REQUEST, "multipart upload of " + data.location() + " has no parts");
            }
            Content all = Content.EMPTY;
            for (int n = 1; n <= parts.size(); n++) {
                Content part = parts.get(n);
                if (part == null) {
                    throw new FilesException(ErrorKind.BAD_REQUEST, "multipart upload of " + data.location() + ": part " + n
                            + " is missing");
                }
                all = all.then(part);
            }
            put(data.location(), all, settings.overwriteExisting());
            uploads.remove(data.storageData().get("upload_id").toString());
            return described(data.location(), all, data.contentType(), true);
        }

        @Override
        public void abort(MultipartData data) {
            Object id = data.storageData().get("upload_id");
            if (id != null) {
                uploads.remove(id.toString());
            }
        }

        private Map<Integer, Content> parts(MultipartData data) {
            key(data.location());
            Object id = data.storageData().get("upload_id");
            Map<Integer, Content> parts = id == null ? null : uploads.get(id.toString());
            if (parts == null) {
                throw new FilesException(ErrorKind.NOT_FOUND, "multipart upload " + id + " of " + data.location()
                        + " does not exist in storage " + name() + " (completed or aborted)");
            }
            return parts;
        }
    }

    private final class MemoryReader implements StorageReader {
        @Override
        public Set<Capability> capabilities() {
            return READS;
        }

        @Override
        public InputStream stream(FileData data) {
            Content content = content(data.location());
            return content.open(0, content.size());
        }

        @Override
        public InputStream range(FileData data, long start, long end) {
            return content(data.location()).open(start, end);
        }
    }

    private final class MemoryManager implements Manager {
        @Override
        public Set<Capability> capabilities() {
            return MANAGES;
        }

        @Override
        public boolean remove(FileData data) {
            return files.remove(key(data.location())) != null;
        }

        @Override
        public boolean exists(FileData data) {
            return files.containsKey(key(data.location()));
        }

        /** The size; memory keeps no write time. */
        @Override
        public Optional<FileStat> stat(FileData data) {
            Content content = files.get(key(data.location()));
            return content == null ? Optional.empty() : Optional.of(new FileStat(content.size(), null));
        }

        @Override
        public FileData copy(Location target, FileData source, boolean overwrite) {
            Content content = content(source.location());
            put(target, content, overwrite);
            return described(target, content, source.contentType(), false);
        }

        @Override
        public FileData move(Location target, FileData source, boolean overwrite) {
            synchronized (files) {
                Content content = content(source.location());
                put(target, content, overwrite);
                files.remove(source.location().value());
                return described(target, content, source.contentType(), false);
            }
        }

        @Override
        public Stream<Location> scan() {
            return List.copyOf(files.keySet()).stream().map(Location::new);
        }

        @Override
        public FileData append(FileData data, Upload content) {
            Content more = read(content);
            Content after = files.computeIfPresent(key(data.location()), (k, before) -> before.then(more));
            if (after == null) {
                throw FilesException.missingFile(name(), data.location());
            }
            return described(data.location(), after, data.contentType(), false);
        }

        @Override
        public FileData compose(Location target, List<FileData> sources, boolean overwrite) {
            Content all = Content.EMPTY;
            for (FileData source : sources) {
                all = all.then(content(source.location()));
            }
            put(target, all, overwrite);
            return described(target, all, sources.get(0).contentType(), true);
        }

        @Override
        public FileData analyze(Location location) {
            Content content = content(location);
            byte[] head;
            try (InputStream in = content.open(0, ContentTypes.SNIFF_BYTES)) {
                head = in.readAllBytes();
            } catch (IOException e) {
                throw FilesException.backend(name(), "cannot read " + location, e);
            }
            String type = ContentTypes.detect(head, head.length, LocationRules.fileName(location.value()), null);
            return described(location, content, type, true);
        }
    }

    /** Reads bytes {@code start..end} of a content, chunk by chunk. */
    private static final class ContentStream extends InputStream {
        private final List<byte[]> chunks;
        private int chunk;
        private int offset;
        private long left;

        ContentStream(Content content, long start, long end) {
            this.chunks = content.chunks();
            this.left = Math.max(0, end - start);
            long skip = start;
            while (chunk < chunks.size() && skip >= chunks.get(chunk).length) {
                skip -= chunks.get(chunk).length;
                chunk++;
            }
            this.offset = (int) skip;
        }

        @Override
        public int read() {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) {
            if (len == 0) {
                return 0;
            }
            while (chunk < chunks.size() && offset >= chunks.get(chunk).length) {
                chunk++;
                offset = 0;
            }
            if (left <= 0 || chunk >= chunks.size()) {
                return -1;
            }
            byte[] current = chunks.get(chunk);
            int n = (int) Math.min(Math.min(len, current.length - offset), left);
            System.arraycopy(current, offset, b, off, n);
            offset += n;
            left -= n;
            return n;
        }
    }
}
