package dev.portalkit.storage.opendal;

import dev.portalkit.testservers.Rclone;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

/**
 * files:opendal on OpenDAL's {@code sftp} service against a real SFTP server, {@code rclone serve sftp}
 * with a key pair made for the test; OpenDAL connects through the system's {@code ssh}.
 */
class OpenDalSftpContractTest extends OpenDalContract {
    @TempDir
    static Path dir;
    private Rclone.Server server;

    @BeforeAll
    void startServer() {
        server = Rclone.sftp(dir);
    }

    @AfterAll
    void stopServer() {
        if (server != null) {
            server.close();
        }
    }

    @Override
    protected String scheme() {
        return "sftp";
    }

    @Override
    protected String params(String folder) {
        return "{\"endpoint\": " + json(server.sshEndpoint("portal")) + ", \"root\": " + json("/" + folder)
                + ", \"key\": " + json(server.privateKey().toString()) + ", \"known_hosts_strategy\": \"accept\"}";
    }
}
