package dev.portalkit.storage.opendal;

import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/** files:opendal on OpenDAL's {@code fs} service, in a temporary folder (with the 2 GiB case). */
class OpenDalFsContractTest extends OpenDalContract {
    @TempDir
    static Path dir;

    @Override
    protected String scheme() {
        return "fs";
    }

    @Override
    protected String params(String folder) {
        return "{\"root\": " + json(dir.resolve(folder).toAbsolutePath().toString()) + "}";
    }
}
