package dev.portalkit.integration.web;

import dev.portalkit.api.PortalException;
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
                    throw PortalException.badRequest("Malformed percent-encoding in the path");
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
            throw PortalException.badRequest("The path is not UTF-8");
        }
    }
}
