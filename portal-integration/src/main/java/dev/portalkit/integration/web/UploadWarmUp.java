package dev.portalkit.integration.web;

import dev.portalkit.runtime.files.content.Hashing;
import dev.portalkit.runtime.files.content.OverlappedDigest;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Runs the upload path's hot loops once in the background while {@code serve} boots: a synthetic
 * multipart body of {@value #ROUNDS} × {@value #MIB_PER_ROUND} MiB read by {@link MultipartReader}
 * (the delimiter search) into an {@link OverlappedDigest} (the copy into its buffers and the hash on
 * its helper thread), in memory, nothing written to disk or sent over the network. Without it the
 * first large upload of a fresh process runs these loops in the interpreter and in C1 code while
 * the JIT catches up (measured: 0.56× md5sum for the first 1 GiB, 0.80–0.96× for the next ones;
 * docs/bench-scale.md). Several rounds, so the methods themselves (not only their loops, by
 * on-stack replacement) get compiled; it runs beside the boot because once the server answers, the
 * first upload may come at once. It costs a fraction of a second of one core, on a daemon thread;
 * a failure is logged and changes nothing else.
 */
public final class UploadWarmUp {
    private static final Logger LOG = Logger.getLogger(UploadWarmUp.class.getName());
    static final int ROUNDS = 4;
    static final int MIB_PER_ROUND = 8;
    private static final int MIB = 1 << 20;
    private static final String BOUNDARY = "portalkit-warm-up";
    /** The storages' default {@code hashing_algorithm}. */
    public static final String DEFAULT_HASH = "md5";

    private UploadWarmUp() {
    }

    /** Starts the warm-up on a daemon thread of the lowest priority and returns at once. */
    public static Thread startInBackground(String hashAlgorithm) {
        Thread thread = new Thread(() -> {
            try {
                run(hashAlgorithm, ROUNDS, MIB_PER_ROUND);
            } catch (IOException | RuntimeException e) {
                LOG.log(Level.FINE, "the upload path's warm-up failed (uploads are not affected)", e);
            }
        }, "portalkit-upload-warm-up");
        thread.setDaemon(true);
        thread.setPriority(Thread.MIN_PRIORITY);
        thread.start();
        return thread;
    }

    /** What a warm-up did: part bytes hashed over all rounds, and the last round's hash (hex). */
    record Result(long bytes, String lastHash) {
    }

    /** The warm-up's 1 MiB block, repeated to make each part body. */
    static byte[] block() {
        byte[] block = new byte[MIB];
        new Random(16).nextBytes(block);
        return block;
    }

    /**
     * Reads {@code rounds} synthetic bodies of {@code mib} MiB each through the multipart reader
     * into an overlapped digest of {@code hashAlgorithm}.
     */
    static Result run(String hashAlgorithm, int rounds, int mib) throws IOException {
        byte[] block = block();
        long hashed = 0;
        String hash = null;
        for (int round = 0; round < rounds; round++) {
            MultipartReader reader = new MultipartReader(new SyntheticBody(block, mib), BOUNDARY, Long.MAX_VALUE);
            if (reader.nextPart() == null) {
                throw new IOException("the warm-up body has no part");
            }
            OverlappedDigest digest = new OverlappedDigest(Hashing.digest(hashAlgorithm));
            long[] count = {0};
            reader.readBody((bytes, off, len) -> {
                digest.update(bytes, off, len);
                count[0] += len;
            });
            hash = digest.finish();
            if (reader.nextPart() != null) {
                throw new IOException("the warm-up body has a second part");
            }
            hashed += count[0];
        }
        return new Result(hashed, hash);
    }

    /** {@code --B CRLF headers CRLF CRLF}, {@code mib} copies of the block, {@code CRLF --B-- CRLF}; generated as read. */
    private static final class SyntheticBody extends InputStream {
        private final byte[] head = ("--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"upload\"; filename=\"warm-up.bin\"\r\n"
                + "Content-Type: application/octet-stream\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1);
        private final byte[] tail = ("\r\n--" + BOUNDARY + "--\r\n").getBytes(StandardCharsets.ISO_8859_1);
        private final byte[] block;
        private final long total;
        private long pos;

        SyntheticBody(byte[] block, int mib) {
            this.block = block;
            this.total = head.length + (long) mib * block.length + tail.length;
        }

        @Override
        public int read() {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) {
            if (pos >= total) {
                return -1;
            }
            long bodyEnd = total - tail.length;
            int n;
            if (pos < head.length) {
                n = (int) Math.min(len, head.length - pos);
                System.arraycopy(head, (int) pos, b, off, n);
            } else if (pos < bodyEnd) {
                int at = (int) ((pos - head.length) % block.length);
                n = (int) Math.min(Math.min(len, block.length - at), bodyEnd - pos);
                System.arraycopy(block, at, b, off, n);
            } else {
                n = (int) Math.min(len, total - pos);
                System.arraycopy(tail, (int) (pos - bodyEnd), b, off, n);
            }
            pos += n;
            return n;
        }
    }
}
