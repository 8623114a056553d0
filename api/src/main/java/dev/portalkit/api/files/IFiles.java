package dev.portalkit.api.files;

import dev.portalkit.api.action.ActionContext;
import java.util.List;
import java.util.Map;

/**
 * Extension point of the files subsystem (the seed's {@code IFiles}).
 */
public interface IFiles {
    /** Storage adapters this plugin provides. */
    default List<StorageFactory> storageFactories() {
        return List.of();
    }

    /** Owner lookups by owner type, e.g. {@code "package"}. */
    default Map<String, OwnerGetter> ownerGetters() {
        return Map.of();
    }

    /**
     * A permission hook consulted before the default rules for a file operation
     * ({@code show}, {@code update}, {@code delete}, {@code transfer}, {@code download}).
     * Hooks run in plugin order; the first answer other than {@link FilePermission#NO_OPINION} wins.
     *
     * @param file the file as {@code files_file_show} returns it
     */
    default FilePermission isAllowed(ActionContext context, Map<String, Object> file, String operation) {
        return FilePermission.NO_OPINION;
    }

    /** Extra location transformers by name. */
    default Map<String, LocationTransformer> locationTransformers() {
        return Map.of();
    }
}
