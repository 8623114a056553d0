package dev.portalkit.runtime.uploader;

import dev.portalkit.api.ErrorKind;
import dev.portalkit.api.PortalException;
import dev.portalkit.api.ValidationException;
import dev.portalkit.api.action.ActionContext;
import dev.portalkit.api.files.IUploader;
import dev.portalkit.api.files.Upload;
import dev.portalkit.runtime.files.content.ContentTypes;
import dev.portalkit.runtime.files.content.FileNames;
import dev.portalkit.runtime.files.managed.LocalUpload;
import dev.portalkit.runtime.files.registry.StorageRoles;
import dev.portalkit.runtime.files.registry.Storages;
import dev.portalkit.runtime.action.FieldFailure;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * The portal's own uploader: the file becomes a tracked file (File API) in the storage of the
 * role, owned by the entity and pinned to it. Its location is unique per upload (a random prefix
 * in front of the client's file name), so a replaced file's bytes stay untouched until the
 * post-commit removal; its name is the client's file name.
 */
final class StorageUploadHandler implements IUploader.Handler {
    /** What the site's admin uploads (the logo) may be, whatever the storage accepts: raster types a browser shows without running code. */
    static final List<String> IMAGE_TYPES = List.of("image/png", "image/gif", "image/jpeg", "image/webp");

    private final Storages storages;
    private final StorageRoles.Role role;
    private final String ownerType;
    private final String field;
    private final boolean image;
    private final ImageTypes imageTypes;

    /**
     * What a group or user image may be (CKAN's {@code ckan.upload.*.types} / {@code .mimetypes}
     * check, on the detected type): both lists empty allows nothing; a list whose first entry is
     * {@code *} allows anything; otherwise the type must be in {@code mimetypes} (when given) and
     * its top-level type in {@code types} (when given).
     */
    record ImageTypes(String typesKey, List<String> types, String mimetypesKey, List<String> mimetypes) {
        /** Null when allowed, else why not. */
        String refusal(String contentType) {
            if (types.isEmpty() && mimetypes.isEmpty()) {
                // Unreachable through config (an empty value is the default), kept for CKAN's rule.
                return "No image uploads are allowed here: " + typesKey + " and " + mimetypesKey + " are empty";
            }
            String type = contentType == null ? "" : contentType.split(";")[0].strip().toLowerCase(java.util.Locale.ROOT);
            if (!mimetypes.isEmpty() && !"*".equals(mimetypes.get(0)) && !mimetypes.contains(type)) {
                return "Unsupported upload type: the content is " + contentType + " (" + mimetypesKey + ": " + String.join(" ", mimetypes) + ")";
            }
            String top = type.contains("/") ? type.substring(0, type.indexOf('/')) : type;
            if (!types.isEmpty() && !"*".equals(types.get(0)) && !types.contains(top)) {
                return "Unsupported upload type: the content is " + contentType + " (" + typesKey + ": " + String.join(" ", types) + ")";
            }
            return null;
        }
    }

    StorageUploadHandler(Storages storages, StorageRoles.Role role, String ownerType, String field, boolean image) {
        this(storages, role, ownerType, field, image, null);
    }

    /** @param imageTypes the configured lists for group and user images; null: {@link #IMAGE_TYPES} (the site's admin uploads) */
    StorageUploadHandler(Storages storages, StorageRoles.Role role, String ownerType, String field, boolean image, ImageTypes imageTypes) {
        this.storages = storages;
        this.role = role;
        this.ownerType = ownerType;
        this.field = field;
        this.image = image;
        this.imageTypes = imageTypes;
    }

    @Override
    @SuppressWarnings("unchecked")
    public IUploader.Stored store(ActionContext ctx, String ownerId, Upload upload) {
        ActionContext sys = ctx.withIgnoreAuth(true);
        String filename = fileName(upload.filename());
        String storage = storages.roleName(role);
        Map<String, Object> create = new LinkedHashMap<>();
        create.put("storage", storage);
        create.put("name", uniqueName(upload, storage, filename));
        create.put("upload", upload);
        Map<String, Object> file;
        try {
            file = (Map<String, Object>) sys.call("files_file_create", create);
        } catch (PortalException e) {
            throw onField(e);
        }
        String id = String.valueOf(file.get("id"));
        String contentType = (String) file.get("content_type");
        // The bytes go again with the action's rollback.
        if (image && imageTypes != null) {
            String refusal = imageTypes.refusal(contentType);
            if (refusal != null) {
                throw FieldFailure.of(ErrorKind.WRONG_TYPE, field, refusal);
            }
        } else if (image && !ContentTypes.accepted(contentType, IMAGE_TYPES)) {
            throw FieldFailure.of(ErrorKind.WRONG_TYPE, field, "Not an image: the content is " + contentType
                    + " (accepted: " + String.join(", ", IMAGE_TYPES) + ")");
        }
        sys.call("files_file_rename", Map.of("id", id, "name", filename));
        Map<String, Object> transfer = new LinkedHashMap<>();
        transfer.put("id", id);
        transfer.put("owner_type", ownerType);
        transfer.put("owner_id", ownerId);
        transfer.put("pin", true);
        transfer.put("force", true);
        sys.call("files_transfer_ownership", transfer);
        long size = file.get("size") instanceof Number n ? n.longValue() : -1;
        return new IUploader.Stored(image ? String.valueOf(file.get("location")) : filename, id, size, contentType,
                (String) file.get("hash"));
    }

    @Override
    public void remove(ActionContext ctx, String ownerId, IUploader.Stored previous) {
        if (previous.fileId() != null) {
            deleteTracked(ctx, previous.fileId());
        }
    }

    /** Deletes a tracked file: its record in this transaction, its bytes by a post-commit task. */
    static void deleteTracked(ActionContext ctx, String fileId) {
        try {
            ctx.withIgnoreAuth(true).call("files_file_delete", Map.of("id", fileId));
        } catch (PortalException e) {
            if (e.kind() != ErrorKind.NOT_FOUND) {
                throw e;
            }
            // Deleted already (files_file_delete by hand): nothing left to release.
        }
    }

    /**
     * The client's file name without any folder part and without invisible or text direction
     * characters ({@link FileNames#clean}); {@code upload} when it gave none (the client did not choose
     * a name here knowingly, so nothing is refused).
     */
    static String fileName(String given) {
        String name = FileNames.clean(given);
        return name.isEmpty() ? "upload" : name;
    }

    /**
     * The name a new upload is created under: a random prefix in front of the file name; the name
     * the upload intake predicted ({@link #predictedName}) when the part was piped under it into
     * {@code storage} while it arrived, so the piped file is kept.
     */
    private static String uniqueName(Upload upload, String storage, String filename) {
        if (upload instanceof LocalUpload local) {
            Optional<String> piped = local.pipe().flatMap(p -> p.nameIn(storage)).filter(n -> n.endsWith("-" + filename));
            if (piped.isPresent()) {
                return piped.get();
            }
        }
        return predictedName(filename);
    }

    /** A new name for an upload of {@code given} (a client's file name): unique per upload. */
    static String predictedName(String given) {
        return UUID.randomUUID() + "-" + fileName(given);
    }

    /** A failure of the File API call, attributed to this handler's field ({@code upload}, {@code image_upload}). */
    private PortalException onField(PortalException e) {
        if (e instanceof ValidationException v) {
            Object why = v.details().values().stream().findFirst().orElse(v.getMessage());
            ValidationException out = ValidationException.of(field, why instanceof List<?> l && !l.isEmpty()
                    ? String.valueOf(l.get(0)) : String.valueOf(why));
            out.initCause(e);
            return out;
        }
        return switch (e.kind()) {
            case TOO_LARGE, WRONG_TYPE, PERMISSION_DENIED, UNSUPPORTED -> FieldFailure.of(e.kind(), field, e.getMessage());
            default -> e;
        };
    }
}
