package dev.portalkit.runtime.migration;

import dev.portalkit.api.PortalException;
import dev.portalkit.api.files.Capability;
import dev.portalkit.api.files.ManagedStorage;
import dev.portalkit.runtime.Portal;
import dev.portalkit.runtime.files.tracked.FileRelocation;
import dev.portalkit.runtime.model.UploadReferences;
import java.text.Normalizer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The resource uploads ckanext-cloudstorage left in a bucket or container, brought under the File
 * API where they are ({@code files migrate cloudstorage STORAGE}): every resource that is an upload
 * without a tracked file has its object at {@code resources/<resource id>/<munged file name>}
 * (ckanext-cloudstorage's {@code path_from_filename}); that object is registered in STORAGE
 * ({@code files_file_register}: no byte is copied), given to the resource (pinned) and the resource
 * pointed at it ({@link ReferenceMigration}, so a run resumes and reverts like the others). A
 * resource whose object is missing is reported and left as it was.
 */
public final class CloudStorageResources {
    private static final int PAGE = 500;
    private static final int MAX_TOTAL = 100;
    private static final int MAX_EXTENSION = 21;
    private static final int MIN_TOTAL = 3;

    private CloudStorageResources() {
    }

    /** The items: each resource to migrate, keyed by the object's location. */
    public static List<ReferenceMigration.Item> items(Portal portal) {
        UploadReferences references = new UploadReferences(() -> portal.transactions().em());
        List<ReferenceMigration.Item> items = new ArrayList<>();
        String after = "";
        while (true) {
            String from = after;
            List<Map.Entry<String, String>> page = portal.inTransaction(() -> references.uploadsWithoutFile(from, PAGE));
            for (Map.Entry<String, String> r : page) {
                String name = UploadReferences.uploadFileName(r.getValue(), "");
                if (!name.isEmpty()) { // without a file name there is no object ckanext-cloudstorage could have written
                    String location = location(r.getKey(), name);
                    items.add(new ReferenceMigration.Item(location, location, ReferenceMigration.RESOURCE, r.getKey(), null));
                }
            }
            if (page.size() < PAGE) {
                return items;
            }
            after = page.get(page.size() - 1).getKey();
        }
    }

    /** ckanext-cloudstorage's object key of a resource's file. */
    public static String location(String resourceId, String fileName) {
        return "resources/" + resourceId + "/" + mungeFilename(fileName);
    }

    /**
     * CKAN's {@code munge_filename}: the last path segment, lower case, ASCII letters, digits,
     * {@code _ . -} and spaces turned into dashes, runs of dashes as one, the extension at most 21
     * characters, the whole 3 to 100 (padded with {@code _}).
     */
    public static String mungeFilename(String fileName) {
        String name = fileName.substring(Math.max(fileName.lastIndexOf('/'), fileName.lastIndexOf('\\')) + 1);
        name = name.toLowerCase(Locale.ROOT).strip();
        name = Normalizer.normalize(name, Normalizer.Form.NFKD).replaceAll("\\p{M}", "");
        name = name.replaceAll("[^a-zA-Z0-9_. -]", "").replace(' ', '-').replaceAll("-+", "-");
        int dot = name.lastIndexOf('.');
        String base = dot > 0 ? name.substring(0, dot) : name;
        String ext = dot > 0 ? name.substring(dot) : "";
        if (ext.length() > MAX_EXTENSION) {
            ext = ext.substring(0, MAX_EXTENSION);
        }
        int min = Math.max(1, MIN_TOTAL - ext.length());
        int max = MAX_TOTAL - ext.length();
        if (base.length() < min) {
            base = base + "_".repeat(min - base.length());
        }
        if (base.length() > max) {
            base = base.substring(0, max);
        }
        return base + ext;
    }

    /** Registers each object in {@code storage} (or takes the file tracked there already). */
    public static ReferenceMigration.Tracker tracker(ManagedStorage storage, FileRelocation files) {
        if (!storage.supports(Capability.ANALYZE) || !storage.supports(Capability.STREAM)) {
            throw PortalException.badRequest("STORAGE: storage " + storage.name() + " cannot describe the objects it holds "
                    + "(needs ANALYZE and STREAM), so they cannot be registered in place");
        }
        return (item, prepared, system) -> {
            Map<String, Object> file = files.tracked(storage.name(), item.key());
            if (file != null) {
                return file;
            }
            Map<String, Object> data = new LinkedHashMap<>();
            data.put("storage", storage.name());
            data.put("location", item.key());
            @SuppressWarnings("unchecked")
            Map<String, Object> registered = (Map<String, Object>) system.call("files_file_register", data);
            return registered;
        };
    }
}
