package dev.portalkit.storage.opendal;

import dev.portalkit.api.ErrorKind;
import dev.portalkit.api.files.Capability;
import dev.portalkit.api.files.FileData;
import dev.portalkit.api.files.FilesException;
import dev.portalkit.api.files.Location;
import dev.portalkit.api.files.StorageReader;
import java.io.IOException;
import java.io.InputStream;
import java.util.EnumSet;
import java.util.Set;
import org.apache.opendal.Metadata;
import org.apache.opendal.OperatorInputStream;

/** Reads a {@code files:opendal} storage: OpenDAL's input stream, and ranges read a buffer at a time. */
final class OpenDalReader implements StorageReader {
    private final OpenDalStorage storage;

    OpenDalReader(OpenDalStorage storage) {
        this.storage = storage;
    }

    @Override
    public Set<Capability> capabilities() {
        return storage.can().read ? EnumSet.of(Capability.STREAM, Capability.RANGE) : EnumSet.noneOf(Capability.class);
    }

    @Override
    public InputStream stream(FileData data) {
        Location location = data.location();
        String path = storage.path(location);
        storage.stat(path, location).orElseThrow(() -> FilesException.missingFile(storage.name(), location));
        OperatorInputStream in;
        try {
            in = storage.operator().createInputStream(path);
        } catch (RuntimeException e) {
            throw storage.failure("read", location, e);
        }
        return new Checked(in, location);
    }

    @Override
    public InputStream range(FileData data, long start, long end) {
        if (start < 0 || end < start) {
            throw new FilesException(ErrorKind.BAD_REQUEST, "range " + start + ".." + end + " is not a valid byte range");
        }
        Location location = data.location();
        String path = storage.path(location);
        Metadata m = storage.stat(path, location).orElseThrow(() -> FilesException.missingFile(storage.name(), location));
        long size = m.getContentLength();
        return new RangeStream(location, path, Math.min(start, size), Math.min(end, size));
    }

    /** OpenDAL's stream with its failures as the host's. */
    private final class Checked extends InputStream {
        private final OperatorInputStream in;
        private final Location location;

        Checked(OperatorInputStream in, Location location) {
            this.in = in;
            this.location = location;
        }

        @Override
        public int read() throws IOException {
            try {
                return in.read();
            } catch (RuntimeException e) {
                throw storage.failure("read", location, e);
            }
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            java.util.Objects.checkFromIndexSize(off, len, b.length);
            if (len == 0) {
                return 0;
            }
            try {
                int first = in.read();
                if (first < 0) {
                    return -1;
                }
                b[off] = (byte) first;
                int n = 1;
                // OpenDAL's stream reads a byte at a time from a native buffer of a chunk of the file.
                while (n < len) {
                    int c = in.read();
                    if (c < 0) {
                        break;
                    }
                    b[off + n++] = (byte) c;
                }
                return n;
            } catch (RuntimeException e) {
                throw storage.failure("read", location, e);
            }
        }

        @Override
        public void close() throws IOException {
            try {
                in.close();
            } catch (RuntimeException e) {
                throw storage.failure("close a read of", location, e);
            }
        }
    }

    /** Bytes {@code from} to {@code to} (already clipped to the size), read {@code buffer_size} at a time. */
    private final class RangeStream extends InputStream {
        private final Location location;
        private final String path;
        private long next;
        private final long to;
        private byte[] chunk = new byte[0];
        private int pos;

        RangeStream(Location location, String path, long from, long to) {
            this.location = location;
            this.path = path;
            this.next = from;
            this.to = to;
        }

        private boolean fill() {
            while (pos >= chunk.length) {
                if (next >= to) {
                    return false;
                }
                long want = Math.min(storage.bufferSize(), to - next);
                try {
                    chunk = storage.operator().read(path, next, want);
                } catch (RuntimeException e) {
                    throw storage.failure("read", location, e);
                }
                if (chunk.length == 0) {
                    // The file became shorter than its size when the range was opened.
                    throw new FilesException(ErrorKind.TRANSIENT, "storage " + storage.name() + ": " + location
                            + " ended before byte " + next + " while its range was read");
                }
                pos = 0;
                next += chunk.length;
            }
            return true;
        }

        @Override
        public int read() {
            return fill() ? chunk[pos++] & 0xff : -1;
        }

        @Override
        public int read(byte[] b, int off, int len) {
            java.util.Objects.checkFromIndexSize(off, len, b.length);
            if (len == 0) {
                return 0;
            }
            if (!fill()) {
                return -1;
            }
            int n = Math.min(len, chunk.length - pos);
            System.arraycopy(chunk, pos, b, off, n);
            pos += n;
            return n;
        }
    }
}
