package dev.portalkit.runtime.files.content;

import java.io.IOException;
import java.io.InputStream;

/**
 * An input stream that reads in blocks only: a subclass implements {@link #read(byte[], int, int)}
 * and the single-byte {@link #read()} goes through it.
 */
public abstract class BlockInputStream extends InputStream {
    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public abstract int read(byte[] b, int off, int len) throws IOException;
}
