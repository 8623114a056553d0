package dev.portalkit.runtime.files.registry;

import dev.portalkit.runtime.files.content.ContentTypes;
import dev.portalkit.runtime.files.content.LocationRules;
import dev.portalkit.api.files.FilesException;
import dev.portalkit.api.files.LocationTransformer;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The location transformers the files plugin provides (its {@code IFiles.locationTransformers}).
 * Prefixes go in front of the file name (the last segment), so folders stay as they were.
 */
public final class BuiltInTransformers {
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyy-MM-dd-HHmmss.SSSSSS");

    private BuiltInTransformers() {
    }

    public static Map<String, LocationTransformer> all() {
        Map<String, LocationTransformer> all = new LinkedHashMap<>();
        // A random UUID instead of the given name.
        all.put("uuid", (location, sample, settings) -> UUID.randomUUID().toString());
        // A random UUID in front of the file name: a1b2...photo.jpg.
        all.put("uuid_prefix", (location, sample, settings) -> prefixName(location, UUID.randomUUID().toString()));
        // A random UUID with the file's extension: a1b2....jpg.
        all.put("uuid_with_extension", (location, sample, settings) -> UUID.randomUUID() + extension(location));
        // The UTC time in front of the file name: 2024-06-14-133840.539670photo.jpg.
        all.put("datetime_prefix", (location, sample, settings) -> prefixName(location, now()));
        // The UTC time with the file's extension: 2024-06-14-133840.539670.jpg.
        all.put("datetime_with_extension", (location, sample, settings) -> now() + extension(location));
        // The extension that matches the upload's type: photo.png declared image/jpeg becomes photo.jpg.
        all.put("fix_extension", (location, sample, settings) -> {
            if (sample == null) {
                return location;
            }
            String ext = ContentTypes.extensionFor(sample.contentType());
            if (ext.isEmpty()) {
                return location;
            }
            String ownExt = extension(location);
            return location.substring(0, location.length() - ownExt.length()) + ext;
        });
        // Whatever was given, made a relative path: backslashes become slashes; empty, '.' and '..'
        // segments, control characters and leading slashes are dropped.
        all.put("safe_relative_path", (location, sample, settings) -> safeRelativePath(location));
        return all;
    }

    private static String now() {
        return LocalDateTime.now(ZoneOffset.UTC).format(STAMP);
    }

    private static String prefixName(String location, String prefix) {
        int slash = location.lastIndexOf('/');
        return location.substring(0, slash + 1) + prefix + location.substring(slash + 1);
    }

    /** The extension of the file name, with its dot, or "" ({@code .tar.gz} counts as {@code .gz}). */
    static String extension(String location) {
        String name = LocationRules.fileName(location);
        int dot = name.lastIndexOf('.');
        return dot <= 0 ? "" : name.substring(dot);
    }

    static String safeRelativePath(String location) {
        StringBuilder clean = new StringBuilder();
        for (int i = 0; i < location.length(); i++) {
            char c = location.charAt(i);
            if (c == '\\') {
                clean.append('/');
            } else if (!Character.isISOControl(c)) {
                clean.append(c);
            }
        }
        List<String> segments = new ArrayList<>();
        for (String segment : clean.toString().split("/")) {
            boolean drive = segments.isEmpty() && segment.matches("[A-Za-z]:");
            if (!drive && !segment.isBlank() && !segment.equals(".") && !segment.equals("..")) {
                segments.add(segment);
            }
        }
        if (segments.isEmpty()) {
            throw FilesException.badLocation(location, "nothing is left of it once made a safe relative path");
        }
        return String.join("/", segments);
    }
}
