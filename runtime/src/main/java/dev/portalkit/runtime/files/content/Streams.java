package dev.portalkit.runtime.files.content;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.security.MessageDigest;

/** Small stream helpers for adapters and the managed storage. */
public final class Streams {
    /** Buffer size of copies: large enough for few system calls, small enough to stay in cache. */
    public static final int BUFFER = 256 * 1024;

    private Streams() {
    }

    /** At most {@code length} bytes of {@code in}; closing it closes {@code in}. */
    public static InputStream limited(InputStream in, long length) {
        return new InputStream() {
            private long left = length;

            @Override
            public int read() throws IOException {
                if (left <= 0) {
                    return -1;
                }
                int b = in.read();
                if (b >= 0) {
                    left--;
                }
                return b;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                if (left <= 0) {
                    return len == 0 ? 0 : -1;
                }
                int n = in.read(b, off, (int) Math.min(len, left));
                if (n > 0) {
                    left -= n;
                }
                return n;
            }

            @Override
            public long skip(long n) throws IOException {
                long skipped = in.skip(Math.min(n, left));
                left -= skipped;
                return skipped;
            }

            @Override
            public void close() throws IOException {
                in.close();
            }
        };
    }

    /** Skips {@code n} bytes, or to the end when there are fewer; returns how many were skipped. */
    public static long skip(InputStream in, long n) throws IOException {
        long done = 0;
        while (done < n) {
            long s = in.skip(n - done);
            if (s > 0) {
                done += s;
                continue;
            }
            if (in.read() < 0) {
                break;
            }
            done++;
        }
        return done;
    }

    /** Copies to the end, updating {@code digest} (may be null); returns the byte count. */
    public static long copy(InputStream in, OutputStream out, MessageDigest digest) throws IOException {
        byte[] buffer = new byte[BUFFER];
        long total = 0;
        int n;
        while ((n = in.read(buffer)) >= 0) {
            if (n == 0) {
                continue;
            }
            out.write(buffer, 0, n);
            if (digest != null) {
                digest.update(buffer, 0, n);
            }
            total += n;
        }
        return total;
    }
}
