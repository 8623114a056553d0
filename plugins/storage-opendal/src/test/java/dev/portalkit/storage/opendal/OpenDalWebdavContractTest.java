package dev.portalkit.storage.opendal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portalkit.api.ErrorKind;
import dev.portalkit.api.files.Capability;
import dev.portalkit.api.files.FileData;
import dev.portalkit.api.files.ManagedStorage;
import dev.portalkit.api.files.Upload;
import dev.portalkit.testservers.Rclone;
import java.nio.file.Path;
import java.util.EnumSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
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

    /**
     * OpenDAL's webdav writer takes a whole file in one request (OneShotWriter), so the adapter holds
     * a file being written in memory, up to one_shot_max_size (16 MiB by default): no 2 GiB file.
     */
    @Override
    protected boolean canHold(long bytes) {
        return bytes <= 16L * 1024 * 1024;
    }

    @Override
    protected String scheme() {
        return "webdav";
    }

    @Override
    protected String params(String folder) {
        return "{\"endpoint\": " + json(server.url()) + ", \"root\": " + json("/" + folder + "/") + "}";
    }

    /** What OpenDAL's webdav service can do, as the storage declares it (docs/storage-opendal.md lists it). */
    @Test
    void capabilitiesAreTheWebdavServices() {
        assertThat(declared()).isEqualTo(EnumSet.of(Capability.CREATE, Capability.MULTIPART, Capability.STREAM,
                Capability.RANGE, Capability.EXISTS, Capability.REMOVE, Capability.SCAN, Capability.COPY, Capability.MOVE));
    }

    /**
     * A file of many buffers goes in one request (OpenDAL's webdav writer takes one write only), and
     * one over one_shot_max_size is refused naming the option, leaving nothing behind.
     */
    @Test
    void webdavWritesAreOneRequestUpToOneShotMaxSize() {
        ManagedStorage storage = storage("buffer_size", "4KiB", "one_shot_max_size", "64KiB");
        byte[] fits = new byte[64 * 1024];
        java.util.Arrays.fill(fits, (byte) 'x');
        FileData data = storage.uploader().upload(at("fits.bin"), Upload.of(fits, "fits.bin", null), false);
        assertThat(read(storage.reader().stream(data))).isEqualTo(fits);
        byte[] over = new byte[64 * 1024 + 1];
        assertFails(ErrorKind.TOO_LARGE, () -> storage.uploader().upload(at("over.bin"), Upload.of(over, "over.bin", null), false));
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> storage.uploader().upload(at("over.bin"), Upload.of(over, "over.bin", null), false))
                .hasMessageContaining("portal.files.storage." + storage.settings().name() + ".one_shot_max_size");
        assertThat(storage.manager().exists(file("over.bin"))).isFalse();
    }
}
