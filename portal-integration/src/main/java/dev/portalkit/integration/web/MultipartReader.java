package dev.portalkit.integration.web;

import dev.portalkit.api.ErrorKind;
import dev.portalkit.api.PortalException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * A streaming {@code multipart/form-data} reader (RFC 7578): one pass over the request body with
 * a fixed buffer, part bodies handed to a {@link Sink} as they arrive, so a file part of any
 * size goes to disk without being held in memory. The delimiter is found with
 * Boyer-Moore-Horspool, which skips most bytes of a part without looking at them.
 */
final class MultipartReader {
    /** Where the bytes of a part body go. */
    interface Sink {
        void write(byte[] bytes, int offset, int length) throws IOException;
    }

    /** The headers of one part, names in lower case. */
    record PartHeaders(Map<String, String> headers) {
        String get(String name) {
            return headers.get(name);
        }
    }

    static final Sink DISCARD = (b, off, len) -> { };

    private static final int BUFFER_SIZE = 256 * 1024;
    private static final int MAX_HEADER_BYTES = 16 * 1024;

    private final InputStream in;
    private final byte[] delimiter;
    private final int[] shift = new int[256];
    private final byte[] buf;
    private final long maxBytes;
    private int pos;
    private int limit;
    private boolean eof;
    private long total;
    private boolean started;
    private boolean finished;

    /**
     * @param boundary the {@code boundary} parameter of the content type
     * @param maxBytes the most body bytes to read; more is a TOO_LARGE failure
     */
    MultipartReader(InputStream in, String boundary, long maxBytes) {
        if (boundary == null || boundary.isEmpty() || boundary.length() > 200) {
            throw PortalException.badRequest("multipart/form-data needs a boundary parameter of 1 to 200 characters");
        }
        this.in = in;
        this.maxBytes = maxBytes;
        this.delimiter = ("\r\n--" + boundary).getBytes(StandardCharsets.ISO_8859_1);
        this.buf = new byte[BUFFER_SIZE];
        int m = delimiter.length;
        Arrays.fill(shift, m);
        for (int i = 0; i < m - 1; i++) {
            shift[delimiter[i] & 0xff] = m - 1 - i;
        }
        // The body may start right with "--boundary": a virtual CRLF in front makes it a delimiter like the others.
        buf[0] = '\r';
        buf[1] = '\n';
        limit = 2;
    }

    /** Body bytes read so far. */
    long bytesRead() {
        return total;
    }

    /** The offset in the body of the next byte the reader hands on (after {@link #nextPart}: the part body's first). */
    long bodyOffset() {
        return total - (limit - pos);
    }

    /** The length of the closing delimiter as common clients send it, {@code CRLF--boundary--CRLF}. */
    int closingLength() {
        return delimiter.length + 4;
    }

    /**
     * Moves to the next part and returns its headers, or {@code null} after the closing delimiter.
     * The previous part's body must have been read with {@link #readBody}.
     */
    PartHeaders nextPart() throws IOException {
        if (finished) {
            return null;
        }
        if (!started) {
            started = true;
            readBody(DISCARD); // the preamble, up to and including the first delimiter
        }
        ensure(2);
        if (buf[pos] == '-' && buf[pos + 1] == '-') {
            finished = true;
            return null;
        }
        // Transport padding, then the CRLF that ends the delimiter line.
        while (true) {
            ensure(1);
            if (buf[pos] == ' ' || buf[pos] == '\t') {
                pos++;
            } else {
                break;
            }
        }
        ensure(2);
        if (buf[pos] != '\r' || buf[pos + 1] != '\n') {
            throw malformed("a delimiter line is not followed by CRLF");
        }
        pos += 2;
        return new PartHeaders(readHeaders());
    }

    /** Streams the current part's body into {@code sink}, up to the next delimiter. */
    void readBody(Sink sink) throws IOException {
        int m = delimiter.length;
        while (true) {
            int at = indexOfDelimiter(pos, limit);
            if (at >= 0) {
                if (at > pos) {
                    sink.write(buf, pos, at - pos);
                }
                pos = at + m;
                return;
            }
            int safe = limit - (m - 1);
            if (safe > pos) {
                sink.write(buf, pos, safe - pos);
                pos = safe;
            }
            if (!fill(buf.length / 2)) {
                throw malformed("the body ended before the closing boundary");
            }
        }
    }

    private Map<String, String> readHeaders() throws IOException {
        int searched = pos;
        while (true) {
            // An empty header block: the part starts with CRLF right away.
            if (limit - pos >= 2 && buf[pos] == '\r' && buf[pos + 1] == '\n') {
                pos += 2;
                return Map.of();
            }
            for (int i = Math.max(pos, searched - 3); i + 3 < limit; i++) {
                if (buf[i] == '\r' && buf[i + 1] == '\n' && buf[i + 2] == '\r' && buf[i + 3] == '\n') {
                    String block = new String(buf, pos, i - pos, StandardCharsets.UTF_8);
                    pos = i + 4;
                    return parseHeaders(block);
                }
            }
            searched = limit;
            if (limit - pos > MAX_HEADER_BYTES) {
                throw malformed("the headers of a part are longer than " + MAX_HEADER_BYTES + " bytes");
            }
            int before = pos;
            if (!fill(0)) {
                throw malformed("the body ended inside the headers of a part");
            }
            searched -= before - pos;
        }
    }

    private static Map<String, String> parseHeaders(String block) {
        Map<String, String> headers = new LinkedHashMap<>();
        for (String line : block.split("\r\n")) {
            int colon = line.indexOf(':');
            if (colon > 0) {
                headers.put(line.substring(0, colon).trim().toLowerCase(Locale.ROOT), line.substring(colon + 1).trim());
            }
        }
        return headers;
    }

    /** Boyer-Moore-Horspool over {@code buf[from, to)}. */
    private int indexOfDelimiter(int from, int to) {
        byte[] d = delimiter;
        int last = d.length - 1;
        byte lastByte = d[last];
        int i = from;
        int end = to - d.length;
        while (i <= end) {
            byte b = buf[i + last];
            if (b == lastByte) {
                int j = last - 1;
                while (j >= 0 && buf[i + j] == d[j]) {
                    j--;
                }
                if (j < 0) {
                    return i;
                }
            }
            i += shift[b & 0xff];
        }
        return -1;
    }

    private void ensure(int n) throws IOException {
        while (limit - pos < n) {
            if (!fill(0)) {
                throw malformed("the body ended early");
            }
        }
    }

    /**
     * Keeps the unread bytes (moved to the front) and reads more: at least once, then on while
     * more has arrived, until {@code want} bytes are buffered (never waiting for bytes the client
     * has not sent yet, so what arrived is handed on). Returns false when the body had already ended.
     */
    private boolean fill(int want) throws IOException {
        if (eof) {
            return false;
        }
        if (pos > 0) {
            System.arraycopy(buf, pos, buf, 0, limit - pos);
            limit -= pos;
            pos = 0;
        }
        if (limit == buf.length) {
            throw new PortalException(ErrorKind.INTERNAL, "multipart buffer full");
        }
        boolean read = false;
        do {
            int n = in.read(buf, limit, buf.length - limit);
            if (n < 0) {
                eof = true;
                break;
            }
            read = true;
            total += n;
            if (total > maxBytes) {
                throw new PortalException(ErrorKind.TOO_LARGE, "The request body is larger than the limit of "
                        + maxBytes + " bytes");
            }
            limit += n;
        } while (limit < want && limit < buf.length && in.available() > 0);
        return read;
    }

    private static PortalException malformed(String why) {
        return PortalException.badRequest("Malformed multipart/form-data body: " + why);
    }
}
