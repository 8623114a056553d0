package dev.portalkit.runtime.files;

import dev.portalkit.runtime.files.registry.Storages;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;

/** The upload targets of the File API's upload-taking actions. */
final class FileUploadTargets {
    private FileUploadTargets() {
    }

    /**
     * Where the File API's file parts go, for the upload intake: {@code files_file_create} into the
     * storage named by a {@code storage} field sent before the part (else it is not known yet: the
     * field may follow the part); piped, as a guess, into that storage or else the default one, under
     * the {@code name} sent before it, else the part's file name. {@code files_multipart_update} into
     * the storage of its upload (known only to the action).
     */
    static Map<String, UploadTarget> of(Supplier<Storages> storages) {
        UploadTarget create = new UploadTarget() {
            @Override
            public Set<String> fileFields() {
                return Set.of("upload");
            }

            @Override
            public Optional<String> storage(String field, Map<String, Object> fields) {
                return fields.get("storage") instanceof String s && !s.isBlank() ? Optional.of(s.strip()) : Optional.empty();
            }

            @Override
            public boolean fixedStorage() {
                return false;
            }

            @Override
            public Optional<Destination> predicted(String field, String filename, Map<String, Object> fields) {
                Object given = fields.get("storage");
                String storage = given instanceof String s && !s.isBlank() ? s.strip()
                        : given == null || given instanceof String ? storages.get().defaultName() : null;
                String name = fields.get("name") instanceof String n && !n.isBlank() ? n.strip() : filename;
                return storage == null ? Optional.empty() : Optional.of(new Destination(storage, name));
            }
        };
        return Map.of("files_file_create", create, "files_multipart_update", UploadTarget.fixed(Optional::empty, "upload"));
    }
}
