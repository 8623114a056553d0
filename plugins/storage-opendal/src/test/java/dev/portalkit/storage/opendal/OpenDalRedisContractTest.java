package dev.portalkit.storage.opendal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portalkit.api.files.Capability;
import dev.portalkit.testservers.RedisServers;
import java.util.EnumSet;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * files:opendal on OpenDAL's {@code redis} service against a real redis-server (embedded-redis'),
 * each case under a root of its own. OpenDAL keeps a file as one Redis value.
 */
class OpenDalRedisContractTest extends OpenDalContract {
    private RedisServers.Server redis;

    @BeforeAll
    void startServer() {
        redis = RedisServers.shared();
    }

    @Override
    protected String scheme() {
        return "redis";
    }

    @Override
    protected String params(String folder) {
        return "{\"endpoint\": \"tcp://127.0.0.1:" + redis.port() + "\", \"db\": 3, \"root\": " + json("/" + folder + "/") + "}";
    }

    /** OpenDAL's redis service keeps a file as one value, written in one request: no 2 GiB file. */
    @Override
    protected boolean canHold(long bytes) {
        return bytes <= 16L * 1024 * 1024;
    }

    /** What OpenDAL's redis service can do, as the storage declares it (docs/storage-opendal.md lists it). */
    @Test
    void capabilitiesAreTheRedisServices() {
        assertThat(declared()).isEqualTo(EnumSet.of(Capability.CREATE, Capability.MULTIPART, Capability.STREAM,
                Capability.RANGE, Capability.EXISTS, Capability.REMOVE));
    }
}
