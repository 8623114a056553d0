package dev.portalkit.api.files;

import dev.portalkit.api.action.ActionContext;

/**
 * Extension point to take over resource uploads and group / organization / user images (CKAN's
 * {@code IUploader}: {@code get_resource_uploader} / {@code get_uploader}).
 *
 * <p>When {@code resource_create} / {@code resource_update} receive an {@code upload}, or a
 * group, organization or user action an {@code image_upload}, the portal asks the enabled plugins
 * implementing this interface, in plugin order ({@code portal.plugins}); the first that returns a
 * handler stores the file. When none does, the portal's own uploader stores it as a tracked file
 * (File API) in the storage of the role ({@code portal.files.default_storages.resource},
 * {@code .group}, {@code .user}), owned by the entity and pinned to it.
 *
 * <p>A handler runs inside the action's transaction: if the action fails afterwards, what it
 * stored must go again (register undo work with the storage it uses, or store through the File
 * API's {@code files_file_create}, whose bytes the portal removes on rollback). Old files are
 * removed through {@link Handler#remove}, which must not delete bytes before the action commits:
 * queue a post-commit task ({@code ctx.tasks().add(...)}, with a handler of your {@code ITasks}).
 *
 * <pre>{@code
 * public final class ArchivePlugin implements PortalPlugin, IUploader {
 *     public Handler resourceUploader(ActionContext ctx) {
 *         return new Handler() {
 *             public Stored store(ActionContext c, String resourceId, Upload upload) { ... }
 *             public void remove(ActionContext c, String resourceId, Stored previous) { ... }
 *         };
 *     }
 * }
 * }</pre>
 */
public interface IUploader {
    /** What an image belongs to: a group or organization ({@code group}), a user, the site (admin). */
    enum ImageOwner { GROUP, USER, ADMIN }

    /**
     * The handler of resource uploads for this call, or {@code null} to leave them to the next
     * plugin (and finally to the portal's storages).
     */
    default Handler resourceUploader(ActionContext ctx) {
        return null;
    }

    /** The handler of images of {@code owner} for this call, or {@code null} to leave them to others. */
    default Handler imageUploader(ActionContext ctx, ImageOwner owner) {
        return null;
    }

    /** Stores and removes the files of one kind. */
    interface Handler {
        /**
         * Stores {@code upload} for the entity {@code ownerId} (a resource, group, organization
         * or user id; the entity exists in the running transaction). The size limit and content
         * checks are the handler's.
         *
         * @return what the entity records of the file
         * @throws dev.portalkit.api.PortalException TOO_LARGE, WRONG_TYPE, ... (shown to the client)
         */
        Stored store(ActionContext ctx, String ownerId, Upload upload);

        /**
         * The entity no longer uses {@code previous} (replaced, cleared, deleted). Called inside
         * the action; remove the bytes only after the commit (a post-commit task). Files stored
         * by the portal's own uploader ({@link Stored#fileId()} set) are removed by the portal
         * and never passed here.
         */
        void remove(ActionContext ctx, String ownerId, Stored previous);
    }

    /**
     * What an entity records of a stored file.
     *
     * @param url         a resource's {@code url} (the bare file name, served at the resource's
     *                    download route) or an image's {@code image_url}; an absolute
     *                    {@code http(s)} URL is where the download route redirects to
     * @param fileId      the tracked file holding the content, or {@code null} when the handler
     *                    keeps it elsewhere
     * @param size        bytes, or -1 when unknown
     * @param contentType the detected content type, or {@code null}
     * @param hash        the content hash, or {@code null}
     */
    record Stored(String url, String fileId, long size, String contentType, String hash) {
    }
}
