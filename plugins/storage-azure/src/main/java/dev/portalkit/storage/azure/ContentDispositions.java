package dev.portalkit.storage.azure;

import java.nio.charset.StandardCharsets;
import java.util.Locale;

/** {@code Content-Disposition: attachment} values for SAS links. */
final class ContentDispositions {
    private ContentDispositions() {
    }

    /** {@code attachment; filename="<ascii>"; filename*=UTF-8''<percent-encoded>} (RFC 6266). */
    static String attachment(String filename) {
        StringBuilder ascii = new StringBuilder();
        StringBuilder encoded = new StringBuilder();
        for (char c : filename.toCharArray()) {
            ascii.append(c >= 0x20 && c < 0x7f && c != '"' && c != '\\' ? c : '_');
        }
        for (byte b : filename.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xff;
            if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || "!#$&+-.^_`|~".indexOf(c) >= 0) {
                encoded.append((char) c);
            } else {
                encoded.append('%').append(String.format(Locale.ROOT, "%02X", c));
            }
        }
        return "attachment; filename=\"" + ascii + "\"; filename*=UTF-8''" + encoded;
    }
}
