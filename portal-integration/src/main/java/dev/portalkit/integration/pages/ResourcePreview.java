package dev.portalkit.integration.pages;

import java.util.Locale;
import java.util.Map;
import java.util.Set;

/** Which preview a resource page shows: an image, or none (the download link stays). */
final class ResourcePreview {
    private static final Set<String> IMAGE_FORMATS = Set.of("png", "jpg", "jpeg", "gif", "webp");

    private ResourcePreview() {
    }

    static String kind(Map<String, Object> res) {
        String format = String.valueOf(res.getOrDefault("format", "")).toLowerCase(Locale.ROOT).strip();
        String mimetype = String.valueOf(res.getOrDefault("mimetype", "")).toLowerCase(Locale.ROOT).strip();
        if (IMAGE_FORMATS.contains(format) || (mimetype.startsWith("image/") && !mimetype.contains("svg"))) {
            return "image";
        }
        if (format.equals("csv") || mimetype.equals("text/csv")) {
            return "table";
        }
        if (format.equals("txt") || format.equals("text") || mimetype.startsWith("text/plain")) {
            return "text";
        }
        return null;
    }
}
