package dev.portalkit.runtime.files.tracked;

import dev.portalkit.api.ValidationException;
import dev.portalkit.api.files.Upload;
import java.io.FilterInputStream;
import java.io.IOException;

/** A part's content, counted as the storage reads it, failing from inside the stream once it passes what is left. */
final class PartBudget implements Upload {
    private final Upload upload;
    private final int part;
    private final MultipartRecord m;
    private final long left;
    volatile long received;
    volatile ValidationException refusal;

    PartBudget(Upload upload, int part, MultipartRecord m, long left) {
        this.upload = upload;
        this.part = part;
        this.m = m;
        this.left = left;
    }

    @Override
    public String filename() {
        return upload.filename();
    }

    @Override
    public String contentType() {
        return upload.contentType();
    }

    @Override
    public long size() {
        return upload.size();
    }

    @Override
    public java.io.InputStream open() throws IOException {
        return new FilterInputStream(upload.open()) {
            @Override
            public int read() throws IOException {
                int b = super.read();
                if (b >= 0) {
                    count(1);
                }
                return b;
            }

            @Override
            public int read(byte[] buffer, int off, int len) throws IOException {
                int n = super.read(buffer, off, len);
                if (n > 0) {
                    count(n);
                }
                return n;
            }
        };
    }

    private void count(int n) {
        received += n;
        if (received > left) {
            if (refusal == null) {
                refusal = MultipartActions.pastTheSize(part, -1, m, left);
            }
            throw refusal;
        }
    }
}
