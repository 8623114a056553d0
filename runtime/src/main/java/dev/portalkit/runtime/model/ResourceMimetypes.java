package dev.portalkit.runtime.model;

import dev.portalkit.api.PortalException;
import dev.portalkit.api.config.ConfigDeclaration;
import dev.portalkit.api.config.ConfigOption;
import dev.portalkit.api.config.ConfigType;
import dev.portalkit.api.config.PortalConfig;
import dev.portalkit.runtime.files.content.ContentTypes;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A resource's {@code mimetype}, as CKAN's {@code ckan.mimetype_guess} decides it when the caller
 * gives none ({@code portal.mimetype_guess}):
 * <ul>
 *   <li>{@code file_ext} (default): from the name: the uploaded file's, else the path of the
 *       resource's url; unknown names give none;</li>
 *   <li>{@code file_contents}: an upload's type as detected from its bytes; links get none;</li>
 *   <li>{@code none}: never stored.</li>
 * </ul>
 * Names are looked up in {@code portal.mimetypes_file} first (mime.types format: {@code type ext...}
 * per line, as CKAN plugins add types with Python's {@code mimetypes.add_type}), then in Apache
 * Tika's name patterns. Only the resource's metadata uses these guesses: a file's own
 * {@code content_type}, and so how it is served, always comes from its bytes.
 */
public final class ResourceMimetypes {
    public static final String GUESS = "portal.mimetype_guess";
    public static final String TYPES_FILE = "portal.mimetypes_file";

    private record Loaded(FileTime modified, Map<String, String> types) {
    }

    private static final Map<Path, Loaded> FILES = new ConcurrentHashMap<>();

    private ResourceMimetypes() {
    }

    static void declare(ConfigDeclaration d) {
        d.option(ConfigOption.of(GUESS, "How a resource's mimetype is guessed when the caller gives none: file_ext (from the "
                + "file's name or the url's path), file_contents (an upload's bytes) or none (not stored). CKAN: "
                + "ckan.mimetype_guess.").defaultValue("file_ext").oneOf("file_ext", "file_contents", "none", "None"));
        d.option(ConfigOption.of(TYPES_FILE, "A file of extra types by extension in mime.types format (\"application/geo+json "
                + "geojson\" per line, # comments), looked up before the built-in ones when a type is guessed from a name.")
                .type(ConfigType.PATH));
    }

    /** Checks the types file at start: it must be readable and well formed; the problem names the key. */
    static void check(PortalConfig config) {
        config.get(TYPES_FILE).filter(s -> !s.isBlank()).ifPresent(p -> types(Path.of(p.strip())));
    }

    /**
     * Sets {@code r.mimetype} once its url and upload are settled: the caller's value for a link,
     * else the guess ({@code uploadedType}: the stored file's detected type, or {@code null} for a link).
     */
    static void settle(PortalConfig config, ResourceRecord r, Map<String, Object> valid, String uploadedType) {
        Object given = valid.get("mimetype");
        if (uploadedType == null && given instanceof String s && !s.isBlank()) {
            return; // apply() took the caller's value
        }
        String mode = config.get(GUESS).orElse("file_ext").strip().toLowerCase(Locale.ROOT);
        r.mimetype = switch (mode) {
            case "none" -> null;
            case "file_contents" -> uploadedType;
            default -> byName(config, uploadedType != null ? r.url : urlPath(r.url)).orElse(null);
        };
    }

    /** The type a name stands for: the types file's, else Tika's name patterns; none when neither knows it. */
    public static Optional<String> byName(PortalConfig config, String name) {
        if (name == null || name.isBlank()) {
            return Optional.empty();
        }
        String file = name.substring(name.lastIndexOf('/') + 1).toLowerCase(Locale.ROOT);
        int dot = file.lastIndexOf('.');
        Optional<String> custom = config.get(TYPES_FILE).filter(s -> !s.isBlank())
                .map(p -> types(Path.of(p.strip())).get(dot < 0 ? "" : file.substring(dot + 1)));
        if (custom.isPresent()) {
            return custom;
        }
        String tika = ContentTypes.byName(file);
        return ContentTypes.OCTET_STREAM.equals(tika) ? Optional.empty() : Optional.of(tika);
    }

    private static String urlPath(String url) {
        if (url == null || url.isBlank()) {
            return null;
        }
        try {
            URI uri = new URI(url.strip());
            return uri.getScheme() == null ? url : uri.getPath();
        } catch (java.net.URISyntaxException e) {
            return null;
        }
    }

    /** The types file's extension map, read again when the file changed. */
    static Map<String, String> types(Path file) {
        FileTime modified;
        try {
            modified = Files.getLastModifiedTime(file);
        } catch (IOException e) {
            throw PortalException.config(TYPES_FILE + ": cannot read " + file + " (" + e.getClass().getSimpleName() + ")");
        }
        Loaded loaded = FILES.get(file);
        if (loaded != null && loaded.modified.equals(modified)) {
            return loaded.types;
        }
        Map<String, String> types = new HashMap<>();
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw PortalException.config(TYPES_FILE + ": cannot read " + file + " (" + e.getClass().getSimpleName() + ")");
        }
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).replaceAll("#.*$", "").strip();
            if (line.isEmpty()) {
                continue;
            }
            String[] words = line.split("\\s+");
            if (!words[0].matches("[a-zA-Z0-9.+-]+/[a-zA-Z0-9.+-]+") || words.length < 2) {
                throw PortalException.config(TYPES_FILE + ": line " + (i + 1) + " of " + file
                        + " is not 'type/subtype extension...': " + lines.get(i).strip());
            }
            for (int w = 1; w < words.length; w++) {
                types.put(words[w].replaceFirst("^\\.", "").toLowerCase(Locale.ROOT), words[0].toLowerCase(Locale.ROOT));
            }
        }
        FILES.put(file, new Loaded(modified, Map.copyOf(types)));
        return Map.copyOf(types);
    }
}
