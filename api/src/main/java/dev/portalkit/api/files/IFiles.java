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

    /**
     * Owner lookups by owner type, e.g. {@code "package"}: files can be transferred to owners of
     * these types (the files plugin registers {@code package}, {@code resource}, {@code group},
     * {@code organization} and {@code user}; a configured plugin's getter replaces a built-in one).
     */
    default Map<String, OwnerGetter> ownerGetters() {
        return Map.of();
    }

    /**
     * A permission hook consulted before the default rules of the File API. Hooks of enabled
     * plugins run in plugin order; the first answer other than {@link FilePermission#NO_OPINION}
     * wins. Sysadmins and calls with {@code ignore_auth} pass without asking (as for every auth
     * function). Operations:
     * <ul>
     *   <li>{@code create}: {@code files_file_create}, {@code files_multipart_start}; {@code file}
     *       holds only the requested {@code storage} and {@code name};</li>
     *   <li>{@code register}: {@code files_file_register}; {@code file} holds {@code storage} and {@code location};</li>
     *   <li>{@code show}: reading the file's record ({@code files_file_show}, {@code files_file_link});</li>
     *   <li>{@code update}: rename, pin, unpin, and continuing a multipart upload ({@code file} is then
     *       the upload's dict, with {@code "multipart": true});</li>
     *   <li>{@code delete}: {@code files_file_delete};</li>
     *   <li>{@code transfer}: {@code files_transfer_ownership}, see {@link #isAllowed(ActionContext, Map, String, Map)};</li>
     *   <li>{@code download}: reserved for the download routes.</li>
     * </ul>
     *
     * @param file the file as {@code files_file_show} returns it (see the operations for exceptions)
     */
    default FilePermission isAllowed(ActionContext context, Map<String, Object> file, String operation) {
        return FilePermission.NO_OPINION;
    }

    /**
     * The hook the host calls: {@link #isAllowed(ActionContext, Map, String)} plus the owner a
     * {@code transfer} would give the file ({@code owner_type}, {@code owner_id}; {@code null} for
     * other operations). Override this one to judge transfers by their target, the three-argument
     * one otherwise.
     */
    default FilePermission isAllowed(ActionContext context, Map<String, Object> file, String operation,
                                     Map<String, Object> nextOwner) {
        return isAllowed(context, file, operation);
    }

    /** Extra location transformers by name. */
    default Map<String, LocationTransformer> locationTransformers() {
        return Map.of();
    }
}
