package dev.portalkit.runtime.files.fs;

import dev.portalkit.api.config.ConfigOption;
import dev.portalkit.api.files.Storage;
import dev.portalkit.api.files.StorageFactory;
import dev.portalkit.api.files.StorageSettings;
import java.util.List;

/**
 * {@code files:ckan_resource_fs} (ckanext-files' adapter of the same name): {@code files:fs} over
 * CKAN's classic resource folder, {@code <ckan.storage_path>/resources}, where the upload of resource
 * {@code abcdef...} is the file {@code abc/def/<rest of the id>}. Its files are read where they are:
 * a location is that path relative to the folder ({@code abc/def/ghij...}), so locations always have
 * sub-folders (there is no {@code recursive} option to set); {@code files scan} lists them and
 * {@code files migrate local-resources} reads the resource id back from the location.
 */
public class CkanResourceFsStorageFactory implements StorageFactory {
    public static final String TYPE = "files:ckan_resource_fs";

    private static final List<ConfigOption> OPTIONS = FsStorageFactory.OPTIONS.stream()
            .filter(o -> !o.key().equals("recursive"))
            .map(o -> o.key().equals("path")
                    ? ConfigOption.of("path", "CKAN's resource folder: ckan.storage_path followed by /resources.")
                            .type(o.type()).asRequired()
                    : o)
            .toList();

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public String description() {
        return "files:fs over CKAN's classic storage_path/resources folder (abc/def/<rest of the resource id>), read in place.";
    }

    @Override
    public List<ConfigOption> options() {
        return OPTIONS;
    }

    @Override
    public Storage create(StorageSettings settings) {
        return new FsStorage(settings, null, true);
    }
}
