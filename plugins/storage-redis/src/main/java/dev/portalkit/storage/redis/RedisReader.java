package dev.portalkit.storage.redis;

import dev.portalkit.api.ErrorKind;
import dev.portalkit.api.files.Capability;
import dev.portalkit.api.files.FileData;
import dev.portalkit.api.files.FilesException;
import dev.portalkit.api.files.StorageReader;
import dev.portalkit.storage.redis.RedisStorage.Stored;
import java.io.InputStream;
import java.util.EnumSet;
import java.util.Set;

/** Reads files of a {@code files:redis} storage, whole or by byte range, as {@link RedisRangeStream}s. */
final class RedisReader implements StorageReader {
    private final RedisStorage storage;

    RedisReader(RedisStorage storage) {
        this.storage = storage;
    }

    @Override
    public Set<Capability> capabilities() {
        return EnumSet.of(Capability.STREAM, Capability.RANGE);
    }

    @Override
    public InputStream stream(FileData data) {
        Stored file = storage.stored("read", data.location());
        return new RedisRangeStream(storage, data.location(), 0, file.size());
    }

    @Override
    public InputStream range(FileData data, long start, long end) {
        if (start < 0 || end < start) {
            throw new FilesException(ErrorKind.BAD_REQUEST, "range " + start + ".." + end + " is not a valid byte range");
        }
        Stored file = storage.stored("read", data.location());
        long from = Math.min(start, file.size());
        long to = Math.min(end, file.size());
        return new RedisRangeStream(storage, data.location(), from, Math.max(from, to));
    }
}
