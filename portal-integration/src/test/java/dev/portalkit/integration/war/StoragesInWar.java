package dev.portalkit.integration.war;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portalkit.testservers.Azurite;
import dev.portalkit.testservers.RedisServers;
import dev.portalkit.testservers.S3ProxyServer;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The cloud part of WildFlyIT: the storage plugins' drop-in jars ({@code target/it-plugins}, built
 * by plugins/storage-s3, -azure and -redis) in the WAR's {@code WEB-INF/lib}, where they share the
 * WAR's class loader with everything else there, and one storage of each on a server this test
 * starts (S3Proxy in process, Azurite, redis-server, as the plugins' own tests do). Configured as
 * an operator would: system properties for the storages, and the secrets where the server's
 * command line and log never show them: the environment for S3 (the AWS SDK's default chain) and
 * a properties file readable only by its owner, named by {@code PORTAL_CONFIG}, for Azure's key.
 * (An environment variable such as {@code PORTAL_FILES_STORAGE_AZURE_ACCOUNT_KEY} is not seen:
 * a storage's options are gathered by their dotted names, which environment variables lack.)
 */
final class StoragesInWar implements AutoCloseable {
    /** The storage plugins, as {@code portal.plugins} names them. */
    static final List<String> PLUGINS = List.of("storage-s3", "storage-azure", "storage-redis");

    private final String name;
    private final S3ProxyServer s3;
    private final Azurite azurite;
    private final RedisServers.Server redis;

    private StoragesInWar(String name, S3ProxyServer s3, Azurite azurite, RedisServers.Server redis) {
        this.name = name;
        this.s3 = s3;
        this.azurite = azurite;
        this.redis = redis;
    }

    /**
     * @param name the bucket's and the container's name (lower-case letters, digits, '-'): one per test class, as
     *     Azurite is shared by the test run
     */
    static StoragesInWar start(Path dir, String name) {
        S3ProxyServer s3 = S3ProxyServer.start(dir);
        try {
            return new StoragesInWar(name, s3, Azurite.shared(), RedisServers.start(null, null));
        } catch (RuntimeException | Error e) {
            s3.close();
            throw e;
        }
    }

    /** The S3 bucket's name. */
    String bucket() {
        return name;
    }

    /** The Azure container's name. */
    String container() {
        return name;
    }

    S3ProxyServer s3() {
        return s3;
    }

    Azurite azurite() {
        return azurite;
    }

    RedisServers.Server redis() {
        return redis;
    }

    /** System properties of the portal: the storages (the implicit default one, kept, and s3, azure, redis). */
    Map<String, String> portalProperties(Path dataDir) {
        Map<String, String> out = new LinkedHashMap<>();
        out.put("portal.files.storage.default.type", "files:fs");
        out.put("portal.files.storage.default.path", dataDir.resolve("storage").toString());
        out.put("portal.files.storage.default.create_path", "true");
        out.put("portal.files.storage.s3.type", "files:s3");
        out.put("portal.files.storage.s3.host", s3.endpoint().toString());
        out.put("portal.files.storage.s3.bucket", bucket());
        out.put("portal.files.storage.s3.create_bucket", "true");
        out.put("portal.files.storage.azure.type", "files:azure_blob");
        out.put("portal.files.storage.azure.account_name", Azurite.ACCOUNT);
        out.put("portal.files.storage.azure.endpoint", azurite.endpoint());
        out.put("portal.files.storage.azure.container", container());
        out.put("portal.files.storage.azure.create_container", "true");
        out.put("portal.files.storage.redis.type", "files:redis");
        out.put("portal.files.storage.redis.url", redis.url(0));
        return out;
    }

    /** The server's environment: the secrets, in it or in a file ({@code secrets.properties} in {@code dir}) it names. */
    Map<String, String> environment(Path dir) throws java.io.IOException {
        Path secrets = dir.resolve("secrets.properties");
        Files.writeString(secrets, "portal.files.storage.azure.account_key = " + Azurite.KEY + "\n");
        Files.setPosixFilePermissions(secrets, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
        return Map.of("AWS_ACCESS_KEY_ID", S3ProxyServer.ACCESS_KEY, "AWS_SECRET_ACCESS_KEY", S3ProxyServer.SECRET_KEY,
                "AWS_REGION", "us-east-1", "PORTAL_CONFIG", secrets.toString());
    }

    /** A copy of {@code war} with the storage plugins' jars in {@code WEB-INF/lib}. */
    static Path warWithStoragePlugins(Path war, Path dir) throws Exception {
        Path built = Path.of(System.getProperty("storage.plugins.dir", "target/it-plugins"));
        Path copy = Files.createDirectories(dir.resolve("war")).resolve(war.getFileName());
        Files.copy(war, copy, StandardCopyOption.REPLACE_EXISTING);
        try (FileSystem zip = FileSystems.newFileSystem(copy)) {
            for (String plugin : PLUGINS) {
                Path jar = built.resolve("portalkit-plugin-" + plugin + "-plugin.jar");
                assertThat(jar).as("the drop-in jar of plugins/" + plugin + ", copied by the build").exists();
                Files.copy(jar, zip.getPath("/WEB-INF/lib/" + jar.getFileName()));
            }
        }
        return copy;
    }

    @Override
    public void close() {
        try {
            s3.close();
        } finally {
            redis.close();
        }
    }
}
