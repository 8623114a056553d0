package dev.portalkit.integration.web;

import dev.portalkit.api.files.StorageSettings;
import dev.portalkit.runtime.Portal;
import dev.portalkit.runtime.files.FilesPlugin;
import dev.portalkit.runtime.files.Storages;
import java.util.Map;
import java.util.function.Function;

/**
 * How the action API spools a request's file part, from the storages of the files plugin, so that
 * the one pass over the bytes that writes the spool also does the storage's work: the part is
 * hashed with the algorithm of the storage named by a {@code storage} field sent before it (else
 * the one all storages share, else the default storage's), and a part for
 * {@code files_file_create} into a named storage is refused once it passes that storage's
 * {@code max_size}. Without the files plugin, parts are spooled plainly.
 */
final class UploadSpooling {
    static final String FILE_CREATE = "files_file_create";

    private UploadSpooling() {
    }

    static Function<Map<String, Object>, ActionInput.FilePart> rules(Portal portal, String action) {
        if (portal.plugins().implementing(FilesPlugin.class).isEmpty()) {
            return fields -> ActionInput.FilePart.PLAIN;
        }
        Storages storages = FilesPlugin.of(portal).storages();
        Map<String, StorageSettings> configured = storages.configured();
        return fields -> {
            StorageSettings named = fields.get("storage") instanceof String s ? configured.get(s.strip()) : null;
            String algorithm = named != null ? named.hashingAlgorithm() : sharedAlgorithm(configured, storages.defaultName());
            long max = named != null && FILE_CREATE.equals(action) && named.maxSize() > 0 ? named.maxSize() : Long.MAX_VALUE;
            return new ActionInput.FilePart(algorithm, max, named == null ? null : named.name());
        };
    }

    /** The algorithm every storage records, else the default storage's (or none without storages). */
    private static String sharedAlgorithm(Map<String, StorageSettings> configured, String defaultName) {
        long distinct = configured.values().stream().map(s -> s.hashingAlgorithm().toLowerCase(java.util.Locale.ROOT)).distinct().count();
        if (distinct == 1) {
            return configured.values().iterator().next().hashingAlgorithm();
        }
        StorageSettings fallback = configured.get(defaultName);
        return fallback == null ? null : fallback.hashingAlgorithm();
    }
}
