package dev.portalkit.api.files;

/**
 * Reshapes or sanitises a location before a file is stored (the storage's
 * {@code location_transformers}, applied in order by {@code prepareLocation}). Built in:
 * {@code uuid}, {@code uuid_prefix}, {@code uuid_with_extension}, {@code datetime_prefix},
 * {@code datetime_with_extension}, {@code fix_extension}, {@code safe_relative_path}.
 */
@FunctionalInterface
public interface LocationTransformer {
    /**
     * @param location the location so far
     * @param sample   the upload being stored, or {@code null} (e.g. for its content type)
     * @param settings the storage's settings
     * @throws FilesException BAD_REQUEST when the location cannot be made acceptable
     */
    String transform(String location, Upload sample, StorageSettings settings);
}
