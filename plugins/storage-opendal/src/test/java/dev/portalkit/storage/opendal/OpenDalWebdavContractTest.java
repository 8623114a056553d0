package dev.portalkit.storage.opendal;

import dev.portalkit.testservers.Rclone;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

/** files:opendal on OpenDAL's {@code webdav} service against a real WebDAV server, {@code rclone serve webdav}. */
class OpenDalWebdavContractTest extends OpenDalContract {
    @TempDir
    static Path dir;
    private Rclone.Server server;

    @BeforeAll
    void startServer() {
        server = Rclone.webdav(dir);
    }

    @AfterAll
    void stopServer() {
        if (server != null) {
            server.close();
        }
    }

    @Override
    protected String scheme() {
        return "webdav";
    }

    @Override
    protected String params(String folder) {
        return "{\"endpoint\": " + json(server.url()) + ", \"root\": " + json("/" + folder + "/") + "}";
    }
}
