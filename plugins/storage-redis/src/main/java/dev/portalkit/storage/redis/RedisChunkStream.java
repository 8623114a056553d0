package dev.portalkit.storage.redis;

import static dev.portalkit.storage.redis.RedisStorage.bytes;

import dev.portalkit.api.files.Location;
import dev.portalkit.storage.redis.RedisStorage.Segment;
import dev.portalkit.storage.redis.RedisStorage.Stored;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * Bytes {@code from} to {@code to} of a file, fetched one chunk (or the needed part of one) at
 * a time. A chunk that is gone means the file was replaced or removed meanwhile: the read fails.
 */
final class RedisChunkStream extends InputStream {
    private final RedisStorage storage;
    private final Location location;
    private final Deque<long[]> pieces = new ArrayDeque<>();
    private final List<String> keys = new ArrayList<>();
    private byte[] current = new byte[0];
    private int position;

    /** Plans the pieces: {segment index, chunk, offset in chunk, length}. */
    RedisChunkStream(RedisStorage storage, Location location, Stored file, long from, long to) {
        this.storage = storage;
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
                    keys.add(storage.chunkKey(segment.id(), chunk));
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
            byte[] got = storage.redis("read", location, j -> whole ? j.get(key) : j.getrange(key, offset, offset + length - 1));
            if (got == null || got.length != length) {
                throw new IOException("storage " + storage.settings().name() + ": " + location + " changed or was removed while it was read");
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
