package dev.portalkit.runtime.files.managed;

import dev.portalkit.runtime.files.content.ContentTypes;
import dev.portalkit.runtime.files.content.OverlappedDigest;
import dev.portalkit.api.ErrorKind;
import dev.portalkit.api.files.FilesException;
import dev.portalkit.api.files.Upload;
import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.util.List;
import java.util.function.LongFunction;

/**
 * The upload an adapter is handed: the caller's upload, measured while the adapter streams it.
 * It counts and hashes the bytes as they pass, fails mid-stream (from inside {@code read}) once
 * more than {@code limit} bytes arrived, and detects the content type from the first
 * {@value ContentTypes#SNIFF_BYTES} bytes when it is opened, refusing types the storage does not
 * accept before the adapter sees a byte. The content is read once, never buffered beyond that
 * head. A failure raised inside the stream is remembered, so the host reports it with its kind
 * even when an adapter wraps it.
 */
final class MeasuredUpload implements Upload {
    private final Upload source;
    private final long limit;
    private final LongFunction<FilesException> overLimit;
    private final OverlappedDigest digest;
    private final TypeCheck typeCheck;
    private volatile FilesException failure;
    private volatile String detectedType;
    private volatile String hash;
    private long count;
    private boolean opened;
    private boolean ended;

    /** Detect the type at open and refuse what {@code supported} does not accept. */
    record TypeCheck(String storage, List<String> supported) {
        /** The refusal of {@code detected} (declared by the client as {@code declared}), or {@code null} when accepted. */
        FilesException refusal(String detected, String declared) {
            if (ContentTypes.accepted(detected, supported)) {
                return null;
            }
            return FilesException.wrongType(storage, detected, "the storage accepts " + String.join(" ", supported)
                    + " (detected from the content" + (sameBase(detected, declared) ? "" : "; declared " + declared) + ")");
        }
    }

    /**
     * @param limit     most bytes accepted ({@link Long#MAX_VALUE}: no limit)
     * @param overLimit the failure once the limit is passed, given the limit
     * @param digest    hashes the content, or {@code null}
     * @param typeCheck detects and checks the type at open, or {@code null}
     */
    MeasuredUpload(Upload source, long limit, LongFunction<FilesException> overLimit, MessageDigest digest, TypeCheck typeCheck) {
        this.source = source;
        this.limit = limit;
        this.overLimit = overLimit;
        this.digest = digest == null ? null : new OverlappedDigest(digest);
        this.typeCheck = typeCheck;
    }

    @Override
    public String filename() {
        return source.filename();
    }

    /** The detected type once opened (with a type check), else the declared one. */
    @Override
    public String contentType() {
        String detected = detectedType;
        return detected != null ? detected : source.contentType();
    }

    @Override
    public long size() {
        return source.size();
    }

    @Override
    public synchronized InputStream open() throws IOException {
        if (opened) {
            throw new IOException("an upload is read once; this one was opened already");
        }
        opened = true;
        InputStream in = source.open();
        try {
            byte[] head = new byte[0];
            if (typeCheck != null) {
                head = in.readNBytes(ContentTypes.SNIFF_BYTES);
                measure(head, 0, head.length);
                String type = ContentTypes.detect(head, head.length, source.filename(), source.contentType());
                detectedType = type;
                FilesException refused = typeCheck.refusal(type, source.contentType());
                if (refused != null) {
                    throw fail(refused);
                }
                if (head.length < ContentTypes.SNIFF_BYTES) {
                    end();
                }
            }
            return new Measuring(in, head);
        } catch (IOException | RuntimeException e) {
            in.close();
            throw e;
        }
    }

    private static boolean sameBase(String a, String b) {
        return b == null || a.equalsIgnoreCase(b.split(";")[0].trim());
    }

    /** Bytes that passed so far. */
    synchronized long count() {
        return count;
    }

    /** Whether the adapter read the content to its end. */
    synchronized boolean ended() {
        return ended;
    }

    /** The hash of the content, once it was read to the end. */
    String hash() {
        return hash == null ? "" : hash;
    }

    /** What the stream failed with, or {@code null}. */
    FilesException failure() {
        return failure;
    }

    /**
     * Runs an adapter call that reads this upload: a failure the stream raised wins over what the
     * adapter made of it, also when the adapter swallowed it and returned.
     */
    <T> T hand(java.util.function.Supplier<T> adapterCall) {
        T result;
        try {
            result = adapterCall.get();
        } catch (RuntimeException e) {
            throw failureOr(e);
        }
        if (failure != null) {
            throw failure;
        }
        return result;
    }

    /** The remembered failure if there is one, else {@code e}: adapters may wrap what the stream threw. */
    RuntimeException failureOr(RuntimeException e) {
        FilesException f = failure;
        if (f != null) {
            if (f != e) {
                f.addSuppressed(e);
            }
            return f;
        }
        return e;
    }

    private FilesException fail(FilesException e) {
        if (failure == null) {
            failure = e;
            if (digest != null) {
                digest.abandon();
            }
        }
        return failure;
    }

    private void measure(byte[] b, int off, int len) {
        if (len <= 0) {
            return;
        }
        count += len;
        if (count > limit) {
            throw fail(overLimit.apply(limit));
        }
        if (digest != null) {
            digest.update(b, off, len);
        }
    }

    private void end() {
        if (ended) {
            return;
        }
        long declared = source.size();
        if (declared >= 0 && declared != count) {
            throw fail(new FilesException(ErrorKind.BAD_REQUEST, "the upload declared " + declared + " bytes but "
                    + count + " arrived"));
        }
        ended = true;
        if (digest != null) {
            hash = digest.finish();
        }
    }

    /** The stream the adapter reads: the sniffed head, then the rest of the source. */
    private final class Measuring extends InputStream {
        private final InputStream in;
        private final byte[] head;
        private int headPos;

        Measuring(InputStream in, byte[] head) {
            this.in = in;
            this.head = head;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            int n = read(one, 0, 1);
            return n < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            synchronized (MeasuredUpload.this) {
                if (failure != null) {
                    throw failure;
                }
                if (len == 0) {
                    return 0;
                }
                if (headPos < head.length) {
                    int n = Math.min(len, head.length - headPos);
                    System.arraycopy(head, headPos, b, off, n);
                    headPos += n;
                    return n;
                }
                if (ended) {
                    return -1;
                }
                int n = in.read(b, off, len);
                if (n < 0) {
                    end();
                    return -1;
                }
                measure(b, off, n);
                return n;
            }
        }

        @Override
        public int available() throws IOException {
            return head.length - headPos + (ended ? 0 : in.available());
        }

        @Override
        public void close() throws IOException {
            synchronized (MeasuredUpload.this) {
                if (!ended && failure == null && digest != null) {
                    digest.abandon();
                }
            }
            in.close();
        }
    }
}
