package dev.portalkit.runtime.files.fs;

import dev.portalkit.api.config.ConfigOption;
import dev.portalkit.api.config.ConfigType;
import dev.portalkit.api.files.Storage;
import dev.portalkit.api.files.StorageFactory;
import dev.portalkit.api.files.StorageSettings;
import java.util.List;

/** {@code files:fs}: files in a local folder. */
public class FsStorageFactory implements StorageFactory {
    public static final String TYPE = "files:fs";

    /** See docs/bench-fsync.md: what flushing costs an upload. */
    static final String FSYNC_DEFAULT = "false";

    static final List<ConfigOption> OPTIONS = List.of(
            ConfigOption.of("path", "Folder where the files are stored.").type(ConfigType.PATH).asRequired(),
            ConfigOption.of("create_path", "Create the folder at start if it does not exist.").type(ConfigType.BOOLEAN).defaultValue("false"),
            ConfigOption.of("recursive", "Allow locations in sub-folders (a/b/c.txt); without it a location is a plain file name.")
                    .type(ConfigType.BOOLEAN).defaultValue("false"),
            ConfigOption.of("fsync", "Flush a stored file's bytes and its folder to the disk before its record is committed, so "
                    + "that a file that answered 200 survives a power loss or an OS crash, not only a crash of the portal "
                    + "(the database must be durable too: PostgreSQL is; H2 does not flush its commits).")
                    .type(ConfigType.BOOLEAN).defaultValue(FSYNC_DEFAULT));

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public String description() {
        return "Files in a local folder; streams, ranges and zero-copy downloads from disk.";
    }

    @Override
    public List<ConfigOption> options() {
        return OPTIONS;
    }

    @Override
    public Storage create(StorageSettings settings) {
        return new FsStorage(settings, null);
    }
}
