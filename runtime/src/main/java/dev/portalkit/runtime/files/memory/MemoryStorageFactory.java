package dev.portalkit.runtime.files.memory;

import dev.portalkit.api.config.ConfigOption;
import dev.portalkit.api.files.Storage;
import dev.portalkit.api.files.StorageFactory;
import dev.portalkit.api.files.StorageSettings;
import java.util.List;

/** {@code files:memory}: files in this process's memory, for tests and development; lost on stop. */
public class MemoryStorageFactory implements StorageFactory {
    public static final String TYPE = "files:memory";

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public String description() {
        return "Files held in the portal process's memory (tests, development); lost when it stops.";
    }

    @Override
    public List<ConfigOption> options() {
        return List.of();
    }

    @Override
    public Storage create(StorageSettings settings) {
        return new MemoryStorage(settings);
    }
}
