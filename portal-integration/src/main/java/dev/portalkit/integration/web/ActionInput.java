package dev.portalkit.integration.web;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.portalkit.api.ErrorKind;
import dev.portalkit.api.PortalException;
import dev.portalkit.api.files.FilesException;
import dev.portalkit.runtime.Json;
import dev.portalkit.runtime.files.ContentTypes;
import dev.portalkit.runtime.files.Hashing;
import dev.portalkit.runtime.files.OverlappedDigest;
import dev.portalkit.runtime.files.UploadPipe;
import dev.portalkit.runtime.files.tracked.FieldFailure;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URLDecoder;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.stream.Stream;

/**
 * The data of one action request, as CKAN reads it: the query parameters of a GET; the JSON
 * object of a POST (also when sent as {@code application/x-www-form-urlencoded}, as
 * {@code curl -d '{...}'} does); the fields of a form; or the parts of a
 * {@code multipart/form-data} POST, whose text fields become strings and whose file parts
 * become {@link dev.portalkit.api.files.Upload}s spooled to {@code <data-dir>/tmp}. Repeated
 * names become lists. Closing deletes the spooled files.
 */
public final class ActionInput implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(ActionInput.class.getName());
    static final String SPOOL_PREFIX = "upload-";
    static final String SPOOL_SUFFIX = ".part";

    /**
     * Limits and the spool directory for reading a request.
     *
     * @param filePart what applies to a file part while it is spooled, given the text fields read before it
     */
    public record Limits(long maxBodySize, long maxUploadSize, Path tmpDir, Function<Map<String, Object>, FilePart> filePart) {
        /** Without hashing or a storage limit while spooling. */
        public Limits(long maxBodySize, long maxUploadSize, Path tmpDir) {
            this(maxBodySize, maxUploadSize, tmpDir, fields -> FilePart.PLAIN);
        }
    }

    /**
     * What applies to a file part while it is spooled.
     *
     * @param hashAlgorithm the configured name of the algorithm to hash it with (on a helper thread,
     *                      overlapping the write), or {@code null} for none
     * @param maxSize       the most bytes the target storage accepts ({@link Long#MAX_VALUE}: not known)
     * @param storage       the storage that sets {@code maxSize}, for the error, or {@code null}
     */
    public record FilePart(String hashAlgorithm, long maxSize, String storage, PipeTarget pipe) {
        static final FilePart PLAIN = new FilePart(null, Long.MAX_VALUE, null);

        /** Without piping. */
        public FilePart(String hashAlgorithm, long maxSize, String storage) {
            this(hashAlgorithm, maxSize, storage, null);
        }
    }

    /** Where a file part is predicted to be stored: starts piping it there while it is spooled, when that storage can. */
    @FunctionalInterface
    public interface PipeTarget {
        /**
         * @param filename the part's file name as the upload will carry it
         * @param expected the part's predicted size: what the request's Content-Length leaves for it when it is the
         *                 last part, closed as common clients close a body ({@code CRLF--boundary--CRLF})
         */
        Optional<UploadPipe> start(String filename, String contentType, Path spool, long expected);
    }

    private final Map<String, Object> data = new LinkedHashMap<>();
    private final List<Path> spooled = new ArrayList<>();
    private final List<UploadPipe> pipes = new ArrayList<>();

    private ActionInput() {
    }

    public Map<String, Object> data() {
        return data;
    }

    /** From query parameters (a GET): one value stays a string, repeated ones become a list. */
    public static ActionInput fromQuery(Map<String, List<String>> parameters) {
        ActionInput input = new ActionInput();
        parameters.forEach((name, values) -> values.forEach(v -> input.add(name, v)));
        return input;
    }

    /**
     * From a POST body.
     *
     * @param contentType   the request's media type without parameters (lower case), or {@code null}
     * @param boundary      the multipart boundary parameter, or {@code null}
     * @param charset       the charset parameter, or {@code null}
     * @param contentLength the declared length, or -1
     */
    public static ActionInput fromBody(String contentType, String boundary, String charset, long contentLength,
                                       InputStream body, Limits limits) {
        ActionInput input = new ActionInput();
        try {
            if (contentType != null && contentType.equals("multipart/form-data")) {
                if (contentLength > limits.maxUploadSize()) {
                    throw tooLarge(limits.maxUploadSize());
                }
                input.readMultipart(body, boundary, limits, contentLength);
            } else if (contentType == null || isJson(contentType) || contentType.equals("application/x-www-form-urlencoded")) {
                if (contentLength > limits.maxBodySize()) {
                    throw tooLarge(limits.maxBodySize());
                }
                byte[] bytes = readAtMost(body, limits.maxBodySize());
                if (contentType != null && contentType.equals("application/x-www-form-urlencoded") && !looksLikeJson(bytes)) {
                    input.readForm(new String(bytes, charset(charset)));
                } else {
                    input.readJson(bytes);
                }
            } else {
                throw new PortalException(ErrorKind.WRONG_TYPE, "Unsupported content type '" + contentType
                        + "': send application/json, application/x-www-form-urlencoded or multipart/form-data");
            }
            return input;
        } catch (IOException e) {
            input.close();
            throw PortalException.badRequest("The request body could not be read: " + e.getMessage());
        } catch (RuntimeException e) {
            input.close();
            throw e;
        }
    }

    private static boolean isJson(String type) {
        return type.equals("application/json") || type.endsWith("+json");
    }

    private static boolean looksLikeJson(byte[] bytes) {
        for (byte b : bytes) {
            if (b == '{') {
                return true;
            }
            if (b != ' ' && b != '\t' && b != '\r' && b != '\n') {
                return false;
            }
        }
        return false;
    }

    private static Charset charset(String name) {
        try {
            return name == null ? StandardCharsets.UTF_8 : Charset.forName(name);
        } catch (RuntimeException e) {
            throw PortalException.badRequest("Unknown charset '" + name + "'");
        }
    }

    private static byte[] readAtMost(InputStream in, long max) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buffer = new byte[16 * 1024];
        long total = 0;
        for (int n; (n = in.read(buffer)) >= 0; ) {
            total += n;
            if (total > max) {
                throw tooLarge(max);
            }
            out.write(buffer, 0, n);
        }
        return out.toByteArray();
    }

    static PortalException tooLarge(long max) {
        return new PortalException(ErrorKind.TOO_LARGE, "The request body is larger than the limit of " + max + " bytes");
    }

    /** {@link #tooLarge(long)} naming the option that sets the limit. */
    static PortalException tooLarge(long max, String option) {
        return new PortalException(ErrorKind.TOO_LARGE, "The request body is larger than the limit of " + max + " bytes ("
                + option + ")");
    }

    private void readJson(byte[] bytes) {
        if (looksBlank(bytes)) {
            return;
        }
        Object value;
        try {
            value = Json.MAPPER.readValue(bytes, Object.class);
        } catch (JsonProcessingException e) {
            throw PortalException.badRequest("Error decoding JSON data: " + e.getOriginalMessage()
                    + (e.getLocation() == null ? "" : " (line " + e.getLocation().getLineNr() + ", column "
                    + e.getLocation().getColumnNr() + ")"));
        } catch (IOException e) {
            // Bytes that are no text in the encoding Jackson detects (e.g. "UTF-32" with characters above U+10FFFF).
            throw PortalException.badRequest("Error decoding JSON data: the body is not valid UTF-8, UTF-16 or UTF-32 text");
        }
        if (!(value instanceof Map<?, ?> map)) {
            throw PortalException.badRequest("Request data JSON decoded to " + describe(value)
                    + " but it needs to be an object");
        }
        map.forEach((k, v) -> data.put(String.valueOf(k), v));
    }

    private static boolean looksBlank(byte[] bytes) {
        for (byte b : bytes) {
            if (b != ' ' && b != '\t' && b != '\r' && b != '\n') {
                return false;
            }
        }
        return true;
    }

    private static String describe(Object value) {
        if (value == null) {
            return "null";
        }
        if (value instanceof List<?>) {
            return "an array";
        }
        if (value instanceof String) {
            return "a string";
        }
        if (value instanceof Number) {
            return "a number";
        }
        if (value instanceof Boolean) {
            return "a boolean";
        }
        return "a value";
    }

    private void readForm(String body) {
        for (String pair : body.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            try {
                String name = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
                String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
                add(name, value);
            } catch (IllegalArgumentException e) {
                throw PortalException.badRequest("Malformed form data: " + e.getMessage());
            }
        }
    }

    /** @param contentLength the body's length, or -1 when not known */
    private void readMultipart(InputStream body, String boundary, Limits limits, long contentLength) throws IOException {
        MultipartReader reader = new MultipartReader(body, boundary, limits.maxUploadSize());
        long[] textBudget = {limits.maxBodySize()};
        for (MultipartReader.PartHeaders part; (part = reader.nextPart()) != null; ) {
            Map<String, String> disposition = ContentDisposition.parse(part.get("content-disposition"));
            String name = disposition.get("name");
            if (name == null) {
                reader.readBody(MultipartReader.DISCARD);
                continue;
            }
            String filename = disposition.containsKey("filename*") ? disposition.get("filename*") : disposition.get("filename");
            String type = part.get("content-type");
            if (filename == null) {
                ByteArrayOutputStream text = new ByteArrayOutputStream();
                reader.readBody((bytes, off, len) -> {
                    textBudget[0] -= len;
                    if (textBudget[0] < 0) {
                        throw tooLarge(limits.maxBodySize());
                    }
                    text.write(bytes, off, len);
                });
                add(name, text.toString(charset(charsetOf(type))));
            } else {
                // A part is piped only when its size can be predicted; a wrong prediction only costs the pipe.
                long expected = contentLength < 0 ? -1 : contentLength - reader.bodyOffset() - reader.closingLength();
                spool(reader, name, filename, type, limits.tmpDir(), limits.filePart().apply(data), expected);
            }
        }
    }

    /**
     * Writes a file part to {@code <tmp>/upload-*.part}, hashing it on a helper thread as it goes
     * (when the target's algorithm is known), keeping its head for type detection and refusing it
     * once it passes the target storage's {@code max_size} (when the storage is known). A refused
     * part's file is deleted with the others when the request ends.
     */
    private void spool(MultipartReader reader, String name, String filename, String type, Path tmpDir, FilePart rules,
                       long expected) throws IOException {
        Files.createDirectories(tmpDir);
        Path file = Files.createTempFile(tmpDir, SPOOL_PREFIX, SPOOL_SUFFIX);
        spooled.add(file);
        String clean = baseName(filename);
        String uploadName = clean.isEmpty() ? "upload" : clean;
        String contentType = type == null || type.isBlank() ? "application/octet-stream" : type;
        UploadPipe pipe = rules.pipe() == null || expected <= 0 ? null
                : rules.pipe().start(uploadName, contentType, file, expected).orElse(null);
        if (pipe != null) {
            pipes.add(pipe);
        }
        OverlappedDigest digest = rules.hashAlgorithm() == null ? null : new OverlappedDigest(Hashing.digest(rules.hashAlgorithm()));
        byte[] head = new byte[ContentTypes.SNIFF_BYTES];
        long size;
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
            long[] written = {0};
            reader.readBody((bytes, off, len) -> {
                if (written[0] + len > rules.maxSize()) {
                    throw FieldFailure.on(name, FilesException.tooLarge(rules.storage(), rules.maxSize()));
                }
                if (written[0] < head.length) {
                    System.arraycopy(bytes, off, head, (int) written[0], (int) Math.min(len, head.length - written[0]));
                }
                if (digest != null) {
                    digest.update(bytes, off, len);
                }
                ByteBuffer chunk = ByteBuffer.wrap(bytes, off, len);
                try {
                    while (chunk.hasRemaining()) {
                        channel.write(chunk);
                    }
                } catch (IOException e) {
                    throw new SpoolFailure(e);
                }
                written[0] += len;
                if (pipe != null) {
                    pipe.grew(written[0]);
                }
            });
            size = written[0];
        } catch (SpoolFailure e) {
            abandon(digest);
            abort(pipe);
            // Our disk, not the client's request: e.g. no space left in <data-dir>/tmp.
            throw new PortalException(ErrorKind.TRANSIENT, "The upload could not be stored for processing", e.getCause());
        } catch (IOException | RuntimeException e) {
            abandon(digest);
            abort(pipe);
            throw e;
        }
        if (clean.isEmpty() && size == 0) {
            // A file input left empty in an HTML form: no file was sent.
            abort(pipe);
            spooled.remove(file);
            Files.deleteIfExists(file);
            return;
        }
        if (pipe != null) {
            pipe.ended(size);
        }
        String hash = digest == null ? null : digest.finish();
        add(name, new SpooledUpload(uploadName, contentType, file, size,
                Arrays.copyOf(head, (int) Math.min(size, head.length)), rules.hashAlgorithm(), hash, pipe));
    }

    private static void abort(UploadPipe pipe) {
        if (pipe != null) {
            pipe.abort();
        }
    }

    private static void abandon(OverlappedDigest digest) {
        if (digest != null) {
            digest.abandon();
        }
    }

    private static String charsetOf(String contentType) {
        if (contentType == null) {
            return null;
        }
        for (String param : contentType.split(";")) {
            String p = param.trim();
            if (p.toLowerCase(Locale.ROOT).startsWith("charset=")) {
                return p.substring(8).replace("\"", "").trim();
            }
        }
        return null;
    }

    /** The last segment of a client's file name (browsers on Windows used to send full paths), without control characters. */
    static String baseName(String filename) {
        String name = filename;
        int cut = Math.max(name.lastIndexOf('/'), name.lastIndexOf('\\'));
        if (cut >= 0) {
            name = name.substring(cut + 1);
        }
        StringBuilder out = new StringBuilder(name.length());
        name.codePoints().filter(c -> !Character.isISOControl(c)).forEach(out::appendCodePoint);
        String clean = out.toString().trim();
        return clean.equals(".") || clean.equals("..") ? "" : clean;
    }

    @SuppressWarnings("unchecked")
    private void add(String name, Object value) {
        Object existing = data.get(name);
        if (existing == null && !data.containsKey(name)) {
            data.put(name, value);
        } else if (existing instanceof RepeatedValues list) {
            list.add(value);
        } else {
            RepeatedValues list = new RepeatedValues();
            list.add(existing);
            list.add(value);
            data.put(name, list);
        }
    }

    /** A failed write of a spooled part, told apart from failed reads of the request. */
    private static final class SpoolFailure extends RuntimeException {
        SpoolFailure(IOException cause) {
            super(cause);
        }
    }

    /** Values of a repeated name (a list marked as built here, so a JSON list is never appended to). */
    private static final class RepeatedValues extends ArrayList<Object> {
    }

    /** Aborts what was piped and not stored (nothing of a rejected upload stays at a backend), and deletes the spooled files. */
    @Override
    public void close() {
        for (UploadPipe pipe : pipes) {
            try {
                pipe.abort();
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "cannot abort " + pipe + ": " + e.getMessage(), e);
            }
        }
        pipes.clear();
        for (Path file : spooled) {
            try {
                Files.deleteIfExists(file);
            } catch (IOException e) {
                LOG.log(Level.WARNING, "cannot delete spooled upload " + file + ": " + e.getMessage());
            }
        }
        spooled.clear();
    }

    /** Deletes spooled uploads older than {@code age} left by a process that died mid-request. */
    public static void deleteStaleSpools(Path tmpDir, Duration age) {
        if (!Files.isDirectory(tmpDir)) {
            return;
        }
        Instant cutoff = Instant.now().minus(age);
        try (Stream<Path> files = Files.list(tmpDir)) {
            files.filter(f -> {
                String n = f.getFileName().toString();
                return n.startsWith(SPOOL_PREFIX) && n.endsWith(SPOOL_SUFFIX);
            }).forEach(f -> {
                try {
                    if (Files.getLastModifiedTime(f).toInstant().isBefore(cutoff)) {
                        Files.deleteIfExists(f);
                    }
                } catch (IOException e) {
                    LOG.log(Level.FINE, "cannot delete stale upload " + f, e);
                }
            });
        } catch (IOException e) {
            LOG.log(Level.WARNING, "cannot list " + tmpDir + ": " + e.getMessage());
        }
    }
}
