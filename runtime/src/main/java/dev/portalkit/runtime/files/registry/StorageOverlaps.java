package dev.portalkit.runtime.files.registry;

import dev.portalkit.api.files.StorageSettings;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Which other storages keep their files inside a storage's own: the implicit {@code resources},
 * {@code groups}, {@code users} and {@code admin} storages are sub-folders (or key prefixes) of the
 * default one, so a scan of the default storage lists their files too. Maintenance must not take
 * those for the default storage's orphans.
 *
 * <p>Storages with a {@code path} option nest when one's folder is inside the other's; storages of
 * the same type with a {@code prefix} option, when one's prefix extends the other's (other options,
 * a bucket say, are not compared: a false nesting only hides locations from one storage's check,
 * a missed one would let a sweep remove another storage's files).
 */
public final class StorageOverlaps {
    private static final String PATH = "path";
    private static final String PREFIX = "prefix";

    private StorageOverlaps() {
    }

    /**
     * The storages whose files a scan of {@code name} lists, each with the location prefix its files
     * have there ({@code "resources/"}; {@code ""} for a storage over the very same folder or prefix).
     */
    public static Map<String, String> inside(String name, Map<String, StorageSettings> configured) {
        StorageSettings outer = configured.get(name);
        Map<String, String> out = new LinkedHashMap<>();
        if (outer == null) {
            return out;
        }
        for (StorageSettings inner : configured.values()) {
            if (inner.name().equals(name)) {
                continue;
            }
            String sub = nested(outer, inner);
            if (sub != null) {
                out.put(inner.name(), sub);
            }
        }
        return out;
    }

    /** The prefix of {@code inner}'s files in {@code outer}'s locations, or null when they do not nest. */
    static String nested(StorageSettings outer, StorageSettings inner) {
        String outerPath = outer.option(PATH);
        String innerPath = inner.option(PATH);
        if (outerPath != null && innerPath != null) {
            try {
                Path o = Path.of(outerPath.trim()).toAbsolutePath().normalize();
                Path i = Path.of(innerPath.trim()).toAbsolutePath().normalize();
                if (!i.startsWith(o)) {
                    return null;
                }
                String relative = o.relativize(i).toString().replace('\\', '/');
                return relative.isEmpty() ? "" : relative + "/";
            } catch (InvalidPathException e) {
                return null;
            }
        }
        if (outer.type().equals(inner.type()) && outer.options().containsKey(PREFIX) && inner.options().containsKey(PREFIX)) {
            String o = folder(outer.option(PREFIX));
            String i = folder(inner.option(PREFIX));
            return i.startsWith(o) ? i.substring(o.length()) : null;
        }
        return null;
    }

    private static String folder(String prefix) {
        String p = prefix == null ? "" : prefix.trim();
        return p.isEmpty() || p.endsWith("/") ? p : p + "/";
    }
}
