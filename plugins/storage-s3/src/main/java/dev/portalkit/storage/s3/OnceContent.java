package dev.portalkit.storage.s3;

import java.io.IOException;
import java.io.InputStream;
import software.amazon.awssdk.http.ContentStreamProvider;

/** A body read from {@code in} once; a retry is possible only as long as nothing was read. */
final class OnceContent implements ContentStreamProvider {
    private final InputStream in;
    private long read;
    private boolean given;

    OnceContent(InputStream in) {
        this.in = in;
    }

    @Override
    public InputStream newStream() {
        if (given && read > 0) {
            throw new IllegalStateException("the upload cannot be sent again after a failure: it streams from its source");
        }
        given = true;
        return new InputStream() {
            @Override
            public int read() throws IOException {
                int b = in.read();
                if (b >= 0) {
                    read++;
                }
                return b;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                int n = in.read(b, off, len);
                if (n > 0) {
                    read += n;
                }
                return n;
            }

            @Override
            public void close() {
                // the uploader closes the source
            }
        };
    }
}
