package dev.portalkit.runtime.files.tracked;

import dev.portalkit.api.PortalException;
import dev.portalkit.api.action.ActionContext;
import dev.portalkit.api.files.Capability;
import dev.portalkit.api.files.ManagedStorage;
import dev.portalkit.api.files.StorageSettings;
import dev.portalkit.api.files.Upload;
import dev.portalkit.api.validation.ValidatedField;
import dev.portalkit.api.validation.Invalid;
import dev.portalkit.api.validation.Validator;
import dev.portalkit.api.validation.ValidatorFactory;
import dev.portalkit.runtime.config.ConfigValues;
import dev.portalkit.runtime.files.content.ContentTypes;
import dev.portalkit.runtime.files.FileLinks;
import dev.portalkit.runtime.files.content.FileNames;
import dev.portalkit.runtime.validation.WholeNumbers;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The files plugin's validators (seed 003's names and semantics), for plugins' schemas, and two
 * helpers the File API's own schemas use ({@code files_file_name}, {@code files_storage_name}).
 */
final class FileValidators {
    private final FileApi api;
    private final FileStore store;
    private final FilePermissions permissions;

    FileValidators(FileApi api, FileStore store, FilePermissions permissions) {
        this.api = api;
        this.store = store;
        this.permissions = permissions;
    }

    Map<String, Validator> validators() {
        Map<String, Validator> v = new LinkedHashMap<>();
        v.put("files_into_upload", FileValidators::intoUpload);
        v.put("files_parse_filesize", FileValidators::parseFilesize);
        v.put("files_file_id_exists", f -> forEachFile(f, id -> {
        }));
        v.put("files_verify_url_type_and_value", f -> {
            if (!"file".equals(f.data().get("url_type"))) {
                f.stop();
                return;
            }
            if (f.value() == null || (f.value() instanceof String s && s.isBlank())) {
                throw new Invalid("Missing value");
            }
        });
        v.put("files_id_into_resource_download_url", f -> {
            if (f.value() instanceof String id && !id.isBlank()) {
                FileRecord file = store.read(() -> store.file(id));
                if (file != null) {
                    Map<String, Object> dict = store.read(() -> store.dict(file));
                    f.set(api.host().links().downloadUrl(f.context(), dict).toString());
                }
            }
        });
        v.put("files_file_name", FileValidators::fileName);
        v.put("files_storage_name", this::storageName);
        return v;
    }

    Map<String, ValidatorFactory> factories() {
        Map<String, ValidatorFactory> v = new LinkedHashMap<>();
        v.put("files_ensure_name", args -> {
            String nameField = args.isEmpty() || args.get(0).isBlank() ? "name" : args.get(0);
            return f -> {
                Object name = f.data().get(nameField);
                if (f.value() instanceof Upload upload && (name == null || (name instanceof String s && s.isBlank()))) {
                    String filename = baseName(upload.filename());
                    if (!filename.isBlank()) {
                        f.data().put(nameField, filename);
                    }
                }
            };
        });
        v.put("files_accept_file_with_type", args -> {
            requireArguments(args, "files_accept_file_with_type", "a type such as image, pdf or text/csv");
            return f -> forEachFile(f, file -> {
                if (!ContentTypes.accepted(file.contentType, args)) {
                    throw new Invalid("File " + file.id + " has type " + file.contentType + "; accepted: " + String.join(", ", args));
                }
            });
        });
        v.put("files_accept_file_with_storage", args -> {
            requireArguments(args, "files_accept_file_with_storage", "a storage name");
            return f -> forEachFile(f, file -> {
                if (!args.contains(file.storage)) {
                    throw new Invalid("File " + file.id + " is in storage " + file.storage + "; accepted: " + String.join(", ", args));
                }
            });
        });
        v.put("files_validate_with_storage", args -> {
            if (args.size() != 1 || args.get(0).isBlank()) {
                throw new IllegalArgumentException("files_validate_with_storage takes one storage name");
            }
            return f -> validateWithStorage(f, args.get(0));
        });
        v.put("files_transfer_ownership", args -> {
            if (args.isEmpty() || args.size() > 2 || args.get(0).isBlank()) {
                throw new IllegalArgumentException("files_transfer_ownership takes an owner type and, optionally, the name of the"
                        + " owner's id field (default id)");
            }
            String ownerType = args.get(0);
            String idField = args.size() == 2 && !args.get(1).isBlank() ? args.get(1) : "id";
            api.requireOwnerType(ownerType);
            return f -> transferOwnership(f, ownerType, idField);
        });
        v.put("files_upload_as", args -> {
            if (args.size() != 6) {
                throw new IllegalArgumentException("files_upload_as takes 6 arguments: storage, owner type, owner id field, "
                        + "file attribute (public_url, download_url, id, ...), patch action, url field");
            }
            api.requireOwnerType(args.get(1));
            return f -> uploadAs(f, args);
        });
        v.put("files_content_type_from_file", args -> contentTypeFromFile(args.isEmpty() || args.get(0).isBlank() ? "url" : args.get(0)));
        return v;
    }

    // ---- uploads ---------------------------------------------------------------------------------

    /** Turns the field's value into an {@link Upload}: an upload stays, text and bytes become content. */
    private static void intoUpload(ValidatedField f) {
        Object value = f.value();
        if (value == null || value instanceof Upload) {
            return;
        }
        if (value instanceof String s) {
            f.set(Upload.of(s.getBytes(StandardCharsets.UTF_8), "", null));
        } else if (value instanceof byte[] bytes) {
            f.set(Upload.of(bytes, "", null));
        } else {
            throw new Invalid("Must be a file upload");
        }
    }

    private static void parseFilesize(ValidatedField f) {
        Object value = f.value();
        if (value == null || "".equals(value)) {
            return;
        }
        try {
            long size = value instanceof Number ? WholeNumbers.parse(value) : ConfigValues.parseSize(String.valueOf(value));
            if (size < 0) {
                throw new IllegalArgumentException();
            }
            f.set(size);
        } catch (RuntimeException e) {
            throw new Invalid("Must be a size such as 42, 10MiB or 2GB");
        }
    }

    /**
     * The file name of a client's path ({@code C:\fakepath\cv.pdf} gives {@code cv.pdf}) without the
     * invisible and direction characters the client did not choose knowingly ({@link FileNames#clean}).
     */
    static String baseName(String filename) {
        return FileNames.clean(filename);
    }

    /**
     * Checks an upload against a storage's settings before it is stored: the declared size against
     * {@code max_size}, and the type (from the declared type and the file name) against
     * {@code supported_types}. The storage checks the content again when it stores it.
     */
    private void validateWithStorage(ValidatedField f, String storageName) {
        if (!(f.value() instanceof Upload upload)) {
            return;
        }
        if (!api.host().storages().configured().containsKey(storageName)) {
            throw new Invalid("Storage " + storageName + " is not configured");
        }
        StorageSettings settings = api.host().storages().configured().get(storageName);
        if (settings.maxSize() > 0 && upload.size() > settings.maxSize()) {
            throw new Invalid("The file is larger than the " + settings.maxSize() + " bytes storage " + storageName + " accepts");
        }
        String type = ContentTypes.detect(new byte[0], 0, baseName(upload.filename()), upload.contentType());
        if (!ContentTypes.accepted(type, settings.supportedTypes())) {
            throw new Invalid("Type " + type + " is not accepted by storage " + storageName + " (accepted: "
                    + String.join(" ", settings.supportedTypes()) + ")");
        }
    }

    // ---- names and storages ----------------------------------------------------------------------

    /** A display name: a plain file name ({@link FileNames#problem}: no separators, dots only, control or invisible characters). */
    private static void fileName(ValidatedField f) {
        if (!(f.value() instanceof String name)) {
            if (f.value() != null) {
                throw new Invalid("Must be a string");
            }
            return;
        }
        String problem = FileNames.problem(name);
        if (problem != null) {
            throw new Invalid(problem);
        }
    }

    /** A configured storage's name; empty means {@code portal.files.default_storage}. */
    private void storageName(ValidatedField f) {
        Object value = f.value();
        String name;
        if (value == null || (value instanceof String s && s.isBlank())) {
            name = FileActions.storageName(f.context(), Map.of());
        } else if (value instanceof String s) {
            name = s.strip();
        } else {
            throw new Invalid("Must be a string");
        }
        if (!api.host().storages().configured().containsKey(name)) {
            throw new Invalid("Storage " + name + " is not configured");
        }
        f.set(name);
    }

    // ---- file ids --------------------------------------------------------------------------------

    private interface FileCheck {
        void check(FileRecord file);
    }

    /** Applies {@code check} to every file the field names (an id, or a list of ids); unknown ids are errors. */
    private void forEachFile(ValidatedField f, FileCheck check) {
        for (String id : ids(f)) {
            FileRecord file = store.read(() -> store.file(id));
            if (file == null) {
                throw new Invalid("File not found: " + id);
            }
            check.check(file);
        }
    }

    private static List<String> ids(ValidatedField f) {
        Object value = f.value();
        List<String> out = new ArrayList<>();
        if (value == null || "".equals(value)) {
            return out;
        }
        if (value instanceof String s) {
            out.add(s.strip());
        } else if (value instanceof Collection<?> list) {
            for (Object item : list) {
                if (!(item instanceof String s) || s.isBlank()) {
                    throw new Invalid("Must be a file id or a list of file ids");
                }
                out.add(s.strip());
            }
        } else {
            throw new Invalid("Must be a file id or a list of file ids");
        }
        return out;
    }

    private Validator contentTypeFromFile(String fileField) {
        return f -> {
            if (f.value() != null && !(f.value() instanceof String s && s.isBlank())) {
                return;
            }
            if (f.data().get(fileField) instanceof String id && !id.isBlank()) {
                FileRecord file = store.read(() -> store.file(id.strip()));
                if (file != null) {
                    f.set(file.contentType);
                }
            }
        };
    }

    // ---- ownership -------------------------------------------------------------------------------

    /**
     * Checks now that the caller may hand each file over (it may update the file, and it is not
     * pinned to another owner), and queues the transfer to the action's result, pinned, for after
     * the commit: if the action fails, the files stay where they are.
     */
    private void transferOwnership(ValidatedField f, String ownerType, String idField) {
        ActionContext ctx = f.context();
        Object self = f.data().get(idField);
        for (String id : ids(f)) {
            FileRecord file = store.read(() -> store.file(id));
            if (file == null) {
                throw new Invalid("File not found: " + id);
            }
            Map<String, Object> dict = store.read(() -> store.dict(file));
            boolean ownedBySelf = ownerType.equals(dict.get("owner_type")) && self != null && String.valueOf(self).equals(dict.get("owner_id"));
            if (!ownedBySelf) {
                if (!permissions.may(ctx, dict, FilePermissions.UPDATE)) {
                    throw new Invalid("You are not allowed to attach file " + id);
                }
                if (Boolean.TRUE.equals(dict.get("pinned"))) {
                    throw new Invalid("File " + id + " is pinned to " + dict.get("owner_type") + " " + dict.get("owner_id"));
                }
            }
            Map<String, Object> payload = new LinkedHashMap<>();
            payload.put("file_id", id);
            payload.put("owner_type", ownerType);
            payload.put("id_field", idField);
            payload.put("result_path", parentPath(f.path()));
            ctx.tasks().add(FileTasks.TRANSFER_TASK, payload);
        }
    }

    /**
     * Where the validated object sits in the action's result: {@code resources.0} for the field
     * {@code resources.0.url} of a dataset, so that a resource validated inside {@code package_create}
     * is found in the dataset it returns; empty for a top-level field.
     */
    static String parentPath(String path) {
        int dot = path == null ? -1 : path.lastIndexOf('.');
        return dot < 0 ? "" : path.substring(0, dot);
    }

    /**
     * {@code files_upload_as(storage, owner_type, id_field, attribute, patch_action, url_field)}:
     * stores the uploaded file now, as a file of the caller (the bytes are removed if the action
     * fails), puts its {@code attribute} into {@code url_field} of the data being validated and the
     * file id into this field, and queues the transfer to the action's result (pinned) and, when
     * the result does not show the URL, a call of {@code patch_action} to set it.
     */
    private void uploadAs(ValidatedField f, List<String> args) {
        if (!(f.value() instanceof Upload upload)) {
            return;
        }
        String storageName = args.get(0);
        ActionContext ctx = f.context();
        String name = baseName(upload.filename());
        if (name.isBlank()) {
            name = "upload";
        }
        FileRecord file;
        try {
            file = api.files().createFile(ctx, storageName, name, upload, FileActions.callerAsOwner(ctx));
        } catch (PortalException e) {
            throw new Invalid(e.getMessage());
        }
        Map<String, Object> dict = store.dict(file);
        String attribute = args.get(3);
        String link = attribute(ctx, dict, attribute);
        String urlField = args.get(5);
        if (!urlField.isBlank() && link != null) {
            f.data().put(urlField, link);
        }
        f.set(file.id);
        Map<String, Object> payload = new LinkedHashMap<>();
        payload.put("file_id", file.id);
        payload.put("owner_type", args.get(1));
        payload.put("id_field", args.get(2).isBlank() ? "id" : args.get(2));
        payload.put("result_path", parentPath(f.path()));
        payload.put("patch_action", args.get(4));
        payload.put("url_field", urlField);
        payload.put("url", link);
        ctx.tasks().add(FileTasks.TRANSFER_TASK, payload);
    }

    /** {@code public_url}, {@code download_url}, or a key of the file dict. */
    private String attribute(ActionContext ctx, Map<String, Object> dict, String attribute) {
        switch (attribute) {
            case "public_url" -> {
                ManagedStorage storage = api.storage((String) dict.get("storage"), "storage");
                if (storage.supports(Capability.PUBLIC_LINK)) {
                    return storage.reader().publicLink(FileStore.fileData(store.file((String) dict.get("id")))).toString();
                }
                try {
                    return api.host().links().link(ctx, dict, FileLinks.Type.PUBLIC, null).toString();
                } catch (PortalException e) {
                    throw new Invalid("Storage " + dict.get("storage") + " cannot make public links: " + e.getMessage());
                }
            }
            case "download_url" -> {
                return api.host().links().downloadUrl(ctx, dict).toString();
            }
            default -> {
                if (!dict.containsKey(attribute)) {
                    throw new Invalid("Files have no attribute " + attribute);
                }
                Object value = dict.get(attribute);
                return value == null ? null : String.valueOf(value);
            }
        }
    }

    private static void requireArguments(List<String> args, String name, String what) {
        if (args.isEmpty() || args.stream().anyMatch(String::isBlank)) {
            throw new IllegalArgumentException(name + " takes at least one argument: " + what);
        }
    }
}
