package dev.portalkit.storage.opendal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portalkit.api.files.Capability;
import dev.portalkit.api.files.FileData;
import dev.portalkit.api.files.Location;
import dev.portalkit.api.files.ManagedStorage;
import dev.portalkit.api.files.Upload;
import dev.portalkit.testservers.S3ProxyServer;
import java.io.InputStream;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** files:opendal on OpenDAL's {@code s3} service against a real S3 API server, S3Proxy over a folder. */
class OpenDalS3ContractTest extends OpenDalContract {
    @TempDir
    static Path dir;
    private S3ProxyServer server;
    private String skipLarge;

    /** The 2 GiB case is left to files:opendal on fs, as on sftp: S3Proxy adds minutes for the same streaming code. */
    @BeforeAll
    void startServer() {
        skipLarge = System.getProperty(SKIP_LARGE);
        System.setProperty(SKIP_LARGE, "true");
        server = S3ProxyServer.start(dir);
        server.client().createBucket(b -> b.bucket("opendal"));
    }

    @AfterAll
    void stopServer() {
        if (skipLarge == null) {
            System.clearProperty(SKIP_LARGE);
        } else {
            System.setProperty(SKIP_LARGE, skipLarge);
        }
        if (server != null) {
            server.close();
        }
    }

    @Override
    protected String scheme() {
        return "s3";
    }

    @Override
    protected String params(String folder) {
        return "{\"bucket\": \"opendal\", \"endpoint\": " + json(server.endpoint().toString()) + ", \"region\": \"us-east-1\", "
                + "\"access_key_id\": " + json(S3ProxyServer.ACCESS_KEY) + ", \"secret_access_key\": " + json(S3ProxyServer.SECRET_KEY)
                + ", \"root\": " + json("/" + folder + "/") + ", \"disable_config_load\": true, \"disable_ec2_metadata\": true}";
    }

    /** What OpenDAL's s3 service can do, as the storage declares it (docs/storage-opendal.md lists it). */
    @Test
    void capabilitiesAreTheS3Services() {
        assertThat(declared()).isEqualTo(EnumSet.of(Capability.CREATE, Capability.MULTIPART, Capability.STREAM,
                Capability.RANGE, Capability.EXISTS, Capability.REMOVE, Capability.SCAN, Capability.COPY));
    }

    /** A file of many buffers (S3 parts must be 5 MiB but the last): streamed in, and back. */
    @Test
    void aFileOfTwelveMebibytesStreamsInAndOut() throws Exception {
        ManagedStorage storage = storage();
        byte[] content = new byte[12 * 1024 * 1024 + 3];
        new Random(7).nextBytes(content);
        FileData data = storage.uploader().upload(new Location("twelve.bin"), Upload.of(content, "twelve.bin", null), false);
        assertThat(data.size()).isEqualTo(content.length);
        MessageDigest md5 = MessageDigest.getInstance("MD5");
        try (InputStream in = storage.reader().stream(data)) {
            byte[] buffer = new byte[64 * 1024];
            for (int n; (n = in.read(buffer)) >= 0; ) {
                md5.update(buffer, 0, n);
            }
        }
        assertThat(HexFormat.of().formatHex(md5.digest())).isEqualTo(md5(content));
    }
}
