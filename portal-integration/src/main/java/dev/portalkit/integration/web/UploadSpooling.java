package dev.portalkit.integration.web;

import dev.portalkit.api.action.UserRef;
import dev.portalkit.api.files.StorageSettings;
import dev.portalkit.runtime.Portal;
import dev.portalkit.runtime.files.FilesPlugin;
import dev.portalkit.runtime.files.ManagedStorageImpl;
import dev.portalkit.runtime.files.Storages;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * How the action API spools a request's file part, from the storages of the files plugin, so that
 * the one pass over the bytes that writes the spool also does the storage's work: the part is
 * hashed with the algorithm of the storage named by a {@code storage} field sent before it (else
 * the one all storages share, else the default storage's), and a part for
 * {@code files_file_create} into a named storage is refused once it passes that storage's
 * {@code max_size}. With {@code portal.http.pipe_uploads}, a part of {@code files_file_create} by an
 * authenticated caller is also piped, while it is spooled, into the storage it is predicted to go to when that storage takes uploads
 * in parts ({@link dev.portalkit.runtime.files.UploadPipe}; docs/uploads.md). Without the files
 * plugin, parts are spooled plainly.
 */
final class UploadSpooling {
    static final String FILE_CREATE = "files_file_create";

    private UploadSpooling() {
    }

    /**
     * @param piper the caller, when a part may be piped while it is spooled ({@code portal.http.pipe_uploads} is on and the
     *              caller presented a valid token); empty otherwise
     */
    static Function<Map<String, Object>, ActionInput.FilePart> rules(Portal portal, String action, Optional<UserRef> piper) {
        if (portal.plugins().implementing(FilesPlugin.class).isEmpty()) {
            return fields -> ActionInput.FilePart.PLAIN;
        }
        Storages storages = FilesPlugin.of(portal).storages();
        Map<String, StorageSettings> configured = storages.configured();
        return fields -> {
            StorageSettings named = fields.get("storage") instanceof String s ? configured.get(s.strip()) : null;
            String algorithm = named != null ? named.hashingAlgorithm() : sharedAlgorithm(configured, storages.defaultName());
            long max = named != null && FILE_CREATE.equals(action) && named.maxSize() > 0 ? named.maxSize() : Long.MAX_VALUE;
            boolean pipes = FILE_CREATE.equals(action) && piper.isPresent() && (named != null || !fields.containsKey("storage"));
            ActionInput.PipeTarget pipe = pipes ? pipeTarget(portal, piper, storages, named, fields) : null;
            return new ActionInput.FilePart(algorithm, max, named == null ? null : named.name(), pipe);
        };
    }

    /**
     * For {@code files_file_create}: the part is piped into the storage named before it, else the
     * default one, at the location that storage makes of the {@code name} sent before the part, else
     * of the part's file name (what the action does when no field after the part changes it). Only
     * when the caller passes the action's auth check on the fields sent so far: the pipe writes to the
     * backend before the action runs, and a caller the action will refuse should not get that far.
     */
    private static ActionInput.PipeTarget pipeTarget(Portal portal, Optional<UserRef> piper, Storages storages, StorageSettings named,
                                                     Map<String, Object> fields) {
        String storageName = named != null ? named.name() : storages.defaultName();
        if (!(storages.all().get(storageName) instanceof ManagedStorageImpl storage)) {
            return null;
        }
        String givenName = fields.get("name") instanceof String n && !n.isBlank() ? n.strip() : null;
        return (filename, contentType, spool, expected) -> mayCreate(portal, piper, fields)
                ? storage.pipe(givenName != null ? givenName : filename, filename, contentType, spool, expected)
                : Optional.empty();
    }

    /** Whether {@code user} passes the auth check of {@code files_file_create} with the fields sent so far. */
    private static boolean mayCreate(Portal portal, Optional<UserRef> user, Map<String, Object> fields) {
        Map<String, Object> sofar = new LinkedHashMap<>(fields);
        try {
            return portal.inTransaction(() -> portal.context(user, false).checkAccess(FILE_CREATE, sofar).allowed());
        } catch (RuntimeException e) {
            return false; // the action reports what is wrong
        }
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
