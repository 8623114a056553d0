package dev.portalkit.integration.web;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import dev.portalkit.api.ErrorKind;
import dev.portalkit.api.PortalException;
import dev.portalkit.api.files.Upload;
import dev.portalkit.runtime.Json;
import dev.portalkit.runtime.intake.FileParts;
import dev.portalkit.runtime.intake.IncomingFile;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URLDecoder;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The data of one action request, as CKAN reads it: the query parameters of a GET; the JSON
 * object of a POST (also when sent as {@code application/x-www-form-urlencoded}, as
 * {@code curl -d '{...}'} does); the fields of a form; or the parts of a
 * {@code multipart/form-data} POST, whose text fields become strings and whose file parts are
 * streamed into the request's {@link FileParts} (the portal's upload intake, which decides each
 * before anything of it is written and makes it an {@link Upload}). Repeated names become lists.
 * Closing releases what the file parts left.
 */
public final class ActionInput implements AutoCloseable {
    /** What of a body is read after the closing boundary of a multipart body (an epilogue is ignored). */
    private static final int MAX_EPILOGUE = 64 * 1024;

    /**
     * Limits and the intake of file parts for reading a request.
     *
     * @param maxParts  the most parts of a multipart body ({@code portal.http.max_parts})
     * @param fileParts takes each file part (the portal's upload intake); closed with this input
     */
    public record Limits(long maxBodySize, long maxUploadSize, int maxParts, FileParts fileParts) {
    }

    private final Map<String, Object> data = new LinkedHashMap<>();
    private FileParts fileParts;

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
        input.fileParts = limits.fileParts();
        try {
            if (contentType != null && contentType.equals("multipart/form-data")) {
                if (contentLength > limits.maxUploadSize()) {
                    throw tooLarge(limits.maxUploadSize());
                }
                input.readMultipart(body, boundary, limits, contentLength);
                skipEpilogue(body);
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

    /** Reads what follows the closing boundary up to the body's end (at most {@link #MAX_EPILOGUE} bytes), so the connection can be reused. */
    private static void skipEpilogue(InputStream body) throws IOException {
        byte[] buffer = new byte[8192];
        long skipped = 0;
        for (int n; skipped <= MAX_EPILOGUE && (n = body.read(buffer)) >= 0; ) {
            skipped += n;
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
            // One JSON value and nothing after it: "{}x" is malformed, not {}.
            value = Json.MAPPER.readerFor(Object.class).with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS).readValue(bytes);
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
        int parts = 0;
        for (MultipartReader.PartHeaders part; (part = reader.nextPart()) != null; ) {
            if (++parts > limits.maxParts()) {
                throw PortalException.badRequest("The request has more than " + limits.maxParts() + " parts ("
                        + WebPlugin.MAX_PARTS + ")");
            }
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
                long remaining = contentLength < 0 ? -1 : contentLength - reader.bodyOffset();
                // A part is piped only when its size can be predicted; a wrong prediction only costs the pipe.
                long expected = contentLength < 0 ? -1 : remaining - reader.closingLength();
                readFilePart(reader, name, filename, type, limits.fileParts(), remaining, expected);
            }
        }
    }

    /**
     * Streams one file part into the {@link IncomingFile} the intake opens for it; a part the
     * intake refuses ends the request with its error.
     */
    private void readFilePart(MultipartReader reader, String field, String filename, String type, FileParts fileParts,
                              long remaining, long expected) throws IOException {
        IncomingFile file = fileParts.open(field, filename, type, data, remaining, expected);
        Optional<Upload> upload;
        try {
            reader.readBody(file::write);
            upload = file.finish();
        } catch (IOException | RuntimeException e) {
            file.abort();
            throw e;
        }
        upload.ifPresent(u -> add(field, u));
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

    /** Values of a repeated name (a list marked as built here, so a JSON list is never appended to). */
    private static final class RepeatedValues extends ArrayList<Object> {
    }

    /** Releases what the request's file parts left (spools, pipes the action did not keep). */
    @Override
    public void close() {
        if (fileParts != null) {
            fileParts.close();
        }
    }
}
