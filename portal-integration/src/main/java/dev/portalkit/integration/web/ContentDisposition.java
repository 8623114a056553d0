package dev.portalkit.integration.web;

import java.io.ByteArrayOutputStream;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The parameters of a part's {@code Content-Disposition: form-data; name="x"; filename="y"}
 * header: quoted strings with backslash escapes, and RFC 5987's {@code filename*=UTF-8''...}.
 */
final class ContentDisposition {
    private ContentDisposition() {
    }

    /** Parameter names in lower case; an empty map for a missing header. */
    static Map<String, String> parse(String header) {
        Map<String, String> params = new LinkedHashMap<>();
        if (header == null) {
            return params;
        }
        int i = header.indexOf(';');
        if (i < 0) {
            return params;
        }
        int n = header.length();
        i++;
        while (i < n) {
            while (i < n && (header.charAt(i) == ' ' || header.charAt(i) == '\t' || header.charAt(i) == ';')) {
                i++;
            }
            int nameStart = i;
            while (i < n && header.charAt(i) != '=' && header.charAt(i) != ';') {
                i++;
            }
            String name = header.substring(nameStart, i).trim().toLowerCase(Locale.ROOT);
            String value = "";
            if (i < n && header.charAt(i) == '=') {
                i++;
                while (i < n && header.charAt(i) == ' ') {
                    i++;
                }
                if (i < n && header.charAt(i) == '"') {
                    StringBuilder sb = new StringBuilder();
                    i++;
                    while (i < n && header.charAt(i) != '"') {
                        char c = header.charAt(i);
                        // Browsers do not escape backslashes in file names (C:\path\file): only \" and \\ are escapes.
                        if (c == '\\' && i + 1 < n && (header.charAt(i + 1) == '"' || header.charAt(i + 1) == '\\')) {
                            c = header.charAt(++i);
                        }
                        sb.append(c);
                        i++;
                    }
                    i++; // closing quote
                    value = sb.toString();
                } else {
                    int valueStart = i;
                    while (i < n && header.charAt(i) != ';') {
                        i++;
                    }
                    value = header.substring(valueStart, i).trim();
                }
            }
            if (!name.isEmpty()) {
                params.put(name, name.endsWith("*") ? decodeExtended(value) : value);
            }
        }
        return params;
    }

    /** {@code UTF-8'lang'percent-encoded} (RFC 5987); the raw value when it is not in that form. */
    static String decodeExtended(String value) {
        int first = value.indexOf('\'');
        int second = first < 0 ? -1 : value.indexOf('\'', first + 1);
        if (second < 0) {
            return value;
        }
        Charset charset;
        try {
            charset = Charset.forName(value.substring(0, first));
        } catch (RuntimeException e) {
            charset = StandardCharsets.UTF_8;
        }
        String encoded = value.substring(second + 1);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        for (int i = 0; i < encoded.length(); i++) {
            char c = encoded.charAt(i);
            if (c == '%' && i + 2 < encoded.length()) {
                int hi = Character.digit(encoded.charAt(i + 1), 16);
                int lo = Character.digit(encoded.charAt(i + 2), 16);
                if (hi >= 0 && lo >= 0) {
                    bytes.write(hi * 16 + lo);
                    i += 2;
                    continue;
                }
            }
            bytes.write((byte) c);
        }
        return bytes.toString(charset);
    }
}
