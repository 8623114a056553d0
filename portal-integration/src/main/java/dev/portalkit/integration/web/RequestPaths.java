package dev.portalkit.integration.web;

import dev.portalkit.api.PortalException;
import dev.portalkit.api.ValidationException;
import jakarta.servlet.http.HttpServletRequest;
import java.io.ByteArrayOutputStream;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** A request's path below the portal's root (the context path), read the same way by every servlet. */
public final class RequestPaths {
    private RequestPaths() {
    }

    /** The path below the context path, starting with {@code /} ({@code /} for the root). */
    public static String path(HttpServletRequest req) {
        String uri = req.getRequestURI();
        String context = req.getContextPath() == null ? "" : req.getContextPath();
        String path = uri.startsWith(context) ? uri.substring(context.length()) : uri;
        return path.isEmpty() ? "/" : path;
    }

    /** The path below {@code prefix}, split at {@code /} and decoded segment by segment ({@link #decode}); null when the path is elsewhere. */
    public static List<String> below(HttpServletRequest req, String prefix) {
        String path = path(req);
        if (!path.startsWith(prefix)) {
            return null;
        }
        List<String> segments = new ArrayList<>();
        for (String raw : path.substring(prefix.length()).split("/", -1)) {
            segments.add(decode(raw));
        }
        return segments;
    }

    /**
     * One percent-encoded path segment as text: the bytes must be UTF-8 ({@code +} stays a plus).
     *
     * @throws PortalException BAD_REQUEST for malformed percent-encoding or bytes that are not UTF-8
     */
    public static String decode(String raw) {
        return decode(raw, Part.PATH);
    }

    /**
     * The first value of the query parameter {@code name} (names and values percent-decoded as UTF-8,
     * {@code +} a space), or null when the query has none: read from the query string alone, as a
     * GET's parameters are (the container's {@code getParameter} would also look for a form body,
     * which costs a download more than the rest of its routing).
     *
     * @throws ValidationException naming {@code name} when its value is malformed (another
     *                             parameter's malformed name or value is not this one's concern)
     */
    public static String queryParameter(HttpServletRequest req, String name) {
        String query = req.getQueryString();
        if (query == null || query.isEmpty()) {
            return null;
        }
        for (String pair : query.split("&")) {
            int eq = pair.indexOf('=');
            String rawName = (eq < 0 ? pair : pair.substring(0, eq)).replace('+', ' ');
            String decodedName;
            try {
                decodedName = decode(rawName, Part.QUERY);
            } catch (PortalException e) {
                continue;
            }
            if (decodedName.equals(name)) {
                try {
                    return eq < 0 ? "" : decode(pair.substring(eq + 1).replace('+', ' '), Part.QUERY);
                } catch (PortalException e) {
                    throw ValidationException.of(name, e.getMessage());
                }
            }
        }
        return null;
    }

    /** The part of a request being decoded, as its error messages name it (inside a sentence, and starting one). */
    private enum Part {
        PATH("the path", "The path"), QUERY("the query", "The query");

        final String inSentence;
        final String starting;

        Part(String inSentence, String starting) {
            this.inSentence = inSentence;
            this.starting = starting;
        }
    }

    private static String decode(String raw, Part where) {
        if (raw.indexOf('%') < 0) {
            return raw;
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(raw.length());
        for (int i = 0; i < raw.length(); i++) {
            char c = raw.charAt(i);
            if (c == '%') {
                int hi = i + 2 < raw.length() ? Character.digit(raw.charAt(i + 1), 16) : -1;
                int lo = i + 2 < raw.length() ? Character.digit(raw.charAt(i + 2), 16) : -1;
                if (hi < 0 || lo < 0) {
                    throw PortalException.badRequest("Malformed percent-encoding in " + where.inSentence);
                }
                bytes.write(hi * 16 + lo);
                i += 2;
            } else {
                byte[] encoded = String.valueOf(c).getBytes(StandardCharsets.UTF_8);
                bytes.write(encoded, 0, encoded.length);
            }
        }
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(java.nio.ByteBuffer.wrap(bytes.toByteArray())).toString();
        } catch (CharacterCodingException e) {
            throw PortalException.badRequest(where.starting + " is not UTF-8");
        }
    }
}
