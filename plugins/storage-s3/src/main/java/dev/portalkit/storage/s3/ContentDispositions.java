package dev.portalkit.storage.s3;

import java.nio.charset.StandardCharsets;

/** {@code Content-Disposition} values for presigned downloads (RFC 6266 with an RFC 8187 {@code filename*}). */
final class ContentDispositions {
    private ContentDispositions() {
    }

    /** {@code attachment; filename="..."; filename*=UTF-8''...}: an ASCII fallback and the exact name. */
    static String attachment(String filename) {
        String name = filename == null || filename.isBlank() ? "download" : filename;
        StringBuilder ascii = new StringBuilder();
        boolean plain = true;
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c < 0x20 || c > 0x7e || c == '"' || c == '\\' || c == ';') {
                ascii.append('_');
                plain = false;
            } else {
                ascii.append(c);
            }
        }
        String value = "attachment; filename=\"" + ascii + "\"";
        return plain ? value : value + "; filename*=UTF-8''" + encode(name);
    }

    private static String encode(String value) {
        StringBuilder out = new StringBuilder();
        for (byte b : value.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xff;
            if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || "!#$&+-.^_`|~".indexOf(c) >= 0) {
                out.append((char) c);
            } else {
                out.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
                        .append(Character.toUpperCase(Character.forDigit(c & 15, 16)));
            }
        }
        return out.toString();
    }
}
