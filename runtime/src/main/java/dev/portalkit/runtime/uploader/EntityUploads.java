package dev.portalkit.runtime.uploader;

import dev.portalkit.api.action.ActionContext;
import dev.portalkit.api.files.IUploader;
import dev.portalkit.api.files.Upload;
import dev.portalkit.runtime.Portal;
import dev.portalkit.runtime.files.FileLinks;
import dev.portalkit.runtime.files.FilesPlugin;
import dev.portalkit.runtime.files.registry.StorageRoles;
import dev.portalkit.runtime.files.UploadTarget;
import dev.portalkit.runtime.plugin.PluginSet;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Resource uploads and group / organization / user images for the portal model's actions: picks
 * the handler (the first enabled {@link IUploader} plugin that returns one, in plugin order, else
 * the portal's {@link StorageUploadHandler}), refuses uploads when {@code portal.uploads_enabled}
 * is false, releases replaced files, and turns stored image locations into URLs.
 */
public final class EntityUploads {
    /** Owner type of resource files in the File API. */
    public static final String RESOURCE = "resource";

    private final Portal portal;

    public EntityUploads(Portal portal) {
        this.portal = portal;
    }

    /** The handler of resource uploads; PERMISSION_DENIED on {@code field} when uploads are disabled. */
    public IUploader.Handler resources(ActionContext ctx, String field) {
        FilesPlugin.of(portal).storages().requireUploads(field);
        return resourceRemover(ctx);
    }

    /**
     * The storage the portal's own uploader keeps the uploads of {@code role} in; empty when an
     * enabled {@link IUploader} plugin may keep them elsewhere, or without the files plugin.
     */
    public Optional<String> ownStorage(StorageRoles.Role role) {
        if (!plugins().isEmpty() || portal.plugins().implementing(FilesPlugin.class).isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(FilesPlugin.of(portal).storages().roleName(role));
    }

    /**
     * Where the parts in {@code field} of an action that uploads for {@code role} go, for the
     * upload intake: the role's storage when the portal's own uploader keeps them; piped there
     * while they arrive under the name the portal's uploader will give them (a new random prefix).
     */
    public UploadTarget uploadTarget(StorageRoles.Role role, String field) {
        return UploadTarget.fixed(() -> ownStorage(role), StorageUploadHandler::predictedName, field);
    }

    /** The handler of resource uploads for releasing old files (also when uploads are disabled). */
    public IUploader.Handler resourceRemover(ActionContext ctx) {
        String field = "upload";
        for (PluginSet.Named<IUploader> p : plugins()) {
            IUploader.Handler h = p.plugin().resourceUploader(ctx);
            if (h != null) {
                return h;
            }
        }
        return new StorageUploadHandler(FilesPlugin.of(portal).storages(), StorageRoles.Role.RESOURCE, RESOURCE, field, false);
    }

    /** The handler of images of {@code owner}; PERMISSION_DENIED on {@code field} when uploads are disabled. */
    public IUploader.Handler images(ActionContext ctx, IUploader.ImageOwner owner, String field) {
        FilesPlugin.of(portal).storages().requireUploads(field);
        return imageRemover(ctx, owner, field);
    }

    /** The handler of images of {@code owner} for releasing old ones (also when uploads are disabled). */
    public IUploader.Handler imageRemover(ActionContext ctx, IUploader.ImageOwner owner, String field) {
        for (PluginSet.Named<IUploader> p : plugins()) {
            IUploader.Handler h = p.plugin().imageUploader(ctx, owner);
            if (h != null) {
                return h;
            }
        }
        StorageRoles.Role role = switch (owner) {
            case GROUP -> StorageRoles.Role.GROUP;
            case USER -> StorageRoles.Role.USER;
            case ADMIN -> StorageRoles.Role.ADMIN;
        };
        StorageUploadHandler.ImageTypes types = role == StorageRoles.Role.ADMIN ? null : new StorageUploadHandler.ImageTypes(
                StorageRoles.uploadTypesKey(role), lowerCase(portal.config().list(StorageRoles.uploadTypesKey(role))),
                StorageRoles.uploadMimetypesKey(role), lowerCase(portal.config().list(StorageRoles.uploadMimetypesKey(role))));
        return new StorageUploadHandler(FilesPlugin.of(portal).storages(), role, ownerType(owner), field, true, types);
    }

    private static List<String> lowerCase(List<String> values) {
        return values.stream().map(v -> v.strip().toLowerCase(java.util.Locale.ROOT)).filter(v -> !v.isEmpty()).toList();
    }

    /**
     * The entity no longer uses {@code previous}: a tracked file is deleted through the File API
     * (record now, bytes by a post-commit task); anything else goes to {@code handler}'s remove.
     * Nothing is removed before the action commits.
     */
    public void release(ActionContext ctx, IUploader.Handler handler, String ownerId, IUploader.Stored previous) {
        if (previous == null) {
            return;
        }
        if (previous.fileId() != null) {
            StorageUploadHandler.deleteTracked(ctx, previous.fileId());
        } else if (handler != null) {
            handler.remove(ctx, ownerId, previous);
        }
    }

    /**
     * The {@code image_url} a group, organization or user has after an action: a new
     * {@code imageUpload} is stored (and the old tracked image released, or an old image_url with a
     * scheme handed to the remove of a plugin's uploader, which tells its own images from links); {@code clear} releases
     * the old image and takes {@code given} (a link, or nothing); otherwise {@code given} is the new
     * value, and a tracked image no longer named by it is released. Call it once the entity exists
     * in the running transaction.
     *
     * @param given   the validated {@code image_url} of the call
     * @param current the entity's {@code image_url} before the call (null on create)
     */
    public String updateImage(ActionContext ctx, IUploader.ImageOwner owner, String ownerId, String current, String given,
                              Upload imageUpload, boolean clear) {
        IUploader.Stored previous = storedImage(ctx, owner, ownerId, current);
        if (previous == null && current != null && !current.isBlank() && !plugins().isEmpty()) {
            // A plugin's uploader records absolute URLs (its own store); it tells its images from links in remove.
            previous = new IUploader.Stored(current, null, -1, null, null);
        }
        if (imageUpload != null) {
            IUploader.Handler handler = images(ctx, owner, IMAGE_UPLOAD);
            IUploader.Stored stored = handler.store(ctx, ownerId, imageUpload);
            release(ctx, handler, ownerId, previous);
            return stored.url();
        }
        if (previous != null && (clear || !previous.url().equals(given))) {
            release(ctx, previous.fileId() != null ? null : imageRemover(ctx, owner, IMAGE_UPLOAD), ownerId, previous);
        }
        return given;
    }

    /** The multipart field of group, organization and user images (CKAN's name). */
    public static final String IMAGE_UPLOAD = "image_upload";
    /** The flag that drops an uploaded file or image (CKAN's name). */
    public static final String CLEAR_UPLOAD = "clear_upload";

    /**
     * What an entity's {@code image_url} records, as a {@link IUploader.Stored}: the tracked file
     * owned by the entity at that location (whatever storage holds it now), or a bare url.
     */
    public IUploader.Stored storedImage(ActionContext ctx, IUploader.ImageOwner owner, String ownerId, String imageUrl) {
        if (imageUrl == null || imageUrl.isBlank() || hasScheme(imageUrl)) {
            return null;
        }
        return trackedImage(ctx, owner, ownerId, imageUrl)
                .map(f -> new IUploader.Stored(imageUrl, String.valueOf(f.get("id")), -1, null, null))
                .orElseGet(() -> new IUploader.Stored(imageUrl, null, -1, null, null));
    }

    /**
     * CKAN's {@code image_display_url}: an {@code image_url} with a scheme as it is; a stored
     * location through the tracked file owned by the entity to the portal's public route of its
     * storage ({@code /files/public-download/<storage>/<location>}), or the portal's
     * {@code /files/download/<id>} when that storage is not public; {@code null} for none.
     *
     * <p>Not the storage's own public URL (an S3 object URL): that works only when the bucket lets
     * everyone read, which the implicit image storages derived from a private bucket's default
     * storage do not have; the route works on any storage and delivers as the storage does
     * (streamed, or a redirect to a presigned URL). {@code files_file_link} with
     * {@code type = public} still gives the storage's own URL.
     */
    public String displayUrl(ActionContext ctx, IUploader.ImageOwner owner, String ownerId, String imageUrl) {
        if (imageUrl == null || imageUrl.isBlank()) {
            return imageUrl;
        }
        if (hasScheme(imageUrl) || imageUrl.startsWith("/")) {
            return imageUrl;
        }
        Optional<Map<String, Object>> file = trackedImage(ctx, owner, ownerId, imageUrl);
        if (file.isEmpty()) {
            return imageUrl;
        }
        FilesPlugin files = FilesPlugin.of(portal);
        boolean publicStorage = Optional.ofNullable(files.storages().configured().get(String.valueOf(file.get().get("storage"))))
                .map(s -> s.publicStorage()).orElse(false);
        if (publicStorage) {
            return files.links().link(ctx.withIgnoreAuth(true), file.get(), FileLinks.Type.PUBLIC, null).toString();
        }
        return site(ctx) + "/files/download/" + URLEncoder.encode(String.valueOf(file.get().get("id")), StandardCharsets.UTF_8);
    }

    @SuppressWarnings("unchecked")
    private Optional<Map<String, Object>> trackedImage(ActionContext ctx, IUploader.ImageOwner owner, String ownerId, String location) {
        if (hasScheme(location) || portal.dispatcher().actions().get("files_file_search") == null) {
            return Optional.empty();
        }
        Map<String, Object> query = new LinkedHashMap<>();
        query.put("owner_type", ownerType(owner));
        query.put("owner_id", ownerId);
        query.put("location", location);
        Object found = ctx.withIgnoreAuth(true).call("files_file_search", query);
        if (found instanceof Map<?, ?> m && m.get("results") instanceof List<?> results && !results.isEmpty()
                && results.get(0) instanceof Map<?, ?> first) {
            return Optional.of((Map<String, Object>) first);
        }
        return Optional.empty();
    }

    /** The File API owner type of an image's entity ({@code group} also for organizations, as CKAN keeps both in one table). */
    public static String ownerType(IUploader.ImageOwner owner) {
        return switch (owner) {
            case GROUP -> "group";
            case USER -> "user";
            case ADMIN -> "admin";
        };
    }

    /** Whether {@code url} is absolute ({@code http:}, {@code https:}, ...), i.e. a plain link rather than a stored name. */
    public static boolean hasScheme(String url) {
        return url != null && url.matches("^[A-Za-z][A-Za-z0-9+.-]*:.*");
    }

    /** The {@code portal.site_url} without trailing slashes. */
    public static String site(ActionContext ctx) {
        String site = ctx.config().get("portal.site_url").orElse("http://localhost:5000");
        while (site.endsWith("/")) {
            site = site.substring(0, site.length() - 1);
        }
        return site;
    }

    /** The upload of {@code field} in an action's data, removed from it; null when absent or an empty file input. */
    public static Upload takeUpload(Map<String, Object> data, String field) {
        Object value = data.remove(field);
        if (value instanceof Upload u) {
            return u;
        }
        if (value == null || (value instanceof String s && s.isEmpty())) {
            return null;
        }
        throw dev.portalkit.api.ValidationException.of(field, "Must be a file sent as a multipart/form-data part");
    }

    /** A boolean flag of an action's data ({@code clear_upload=true}), removed from it. */
    public static boolean takeFlag(Map<String, Object> data, String field) {
        Object value = data.remove(field);
        if (value == null) {
            return false;
        }
        if (value instanceof Boolean b) {
            return b;
        }
        String s = String.valueOf(value).strip().toLowerCase(java.util.Locale.ROOT);
        return switch (s) {
            case "true", "yes", "on", "1", "t", "y" -> true;
            case "false", "no", "off", "0", "f", "n", "" -> false;
            default -> throw dev.portalkit.api.ValidationException.of(field, "Must be true or false (got '" + value + "')");
        };
    }

    private List<PluginSet.Named<IUploader>> plugins() {
        return portal.plugins().implementing(IUploader.class);
    }
}
