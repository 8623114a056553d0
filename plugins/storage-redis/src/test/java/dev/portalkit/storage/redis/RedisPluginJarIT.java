package dev.portalkit.storage.redis;

import dev.portalkit.runtime.testing.PluginJarContract;
import dev.portalkit.testservers.RedisServers;
import java.util.List;
import java.util.Map;

/**
 * The built drop-in jar ({@code target/*-plugin.jar}), with the host alone on the class path: the
 * plugin's classes, Jedis and its libraries are not there (failsafe leaves them out), so what works
 * here works from the jar ({@link PluginJarContract}).
 */
class RedisPluginJarIT extends PluginJarContract {
    @Override
    protected String plugin() {
        return "storage-redis";
    }

    @Override
    protected String adapterType() {
        return "files:redis";
    }

    @Override
    protected List<String> ownClasses() {
        return List.of("dev.portalkit.storage.redis.RedisStoragePlugin", "dev.portalkit.storage.redis.shaded.redis.clients.jedis.Jedis",
                "redis.clients.jedis.Jedis", "org.apache.commons.pool2.ObjectPool");
    }

    @Override
    protected Map<String, String> storageOptions() {
        return Map.of("url", RedisServers.shared().url(7));
    }
}
