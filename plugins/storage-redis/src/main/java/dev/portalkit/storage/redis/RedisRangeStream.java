package dev.portalkit.storage.redis;

import static dev.portalkit.storage.redis.RedisStorage.bytes;

import dev.portalkit.api.files.Location;
import java.io.IOException;
import java.io.InputStream;

/**
 * Bytes {@code from} to {@code to} of a file's string, fetched with {@code GETRANGE} one piece of
 * {@code chunk_size} at a time. A piece that comes back short means the file was replaced or removed
 * meanwhile: the read fails.
 */
final class RedisRangeStream extends InputStream {
    private final RedisStorage storage;
    private final Location location;
    private final byte[] key;
    private final long to;
    private final int piece;
    private long next;
    private byte[] current = new byte[0];
    private int position;

    RedisRangeStream(RedisStorage storage, Location location, long from, long to) {
        this.storage = storage;
        this.location = location;
        this.key = bytes(storage.fileKey(location));
        this.next = from;
        this.to = to;
        this.piece = storage.connection().chunkSize();
    }

    private boolean fill() throws IOException {
        while (position >= current.length) {
            if (next >= to) {
                return false;
            }
            long start = next;
            long length = Math.min(piece, to - start);
            byte[] got = storage.redis("read", location, j -> j.getrange(key, start, start + length - 1));
            if (got == null || got.length != length) {
                throw new IOException("storage " + storage.settings().name() + ": " + location + " changed or was removed while it was read");
            }
            next += length;
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
