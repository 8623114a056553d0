package dev.portalkit.storage.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.portalkit.api.files.FileData;
import dev.portalkit.api.files.Location;
import dev.portalkit.api.files.ManagedStorage;
import dev.portalkit.api.files.Upload;
import dev.portalkit.runtime.cli.PortalCli;
import dev.portalkit.runtime.files.FilesPlugin;
import dev.portalkit.runtime.testing.TestPortal;
import dev.portalkit.testservers.RedisServers;
import java.io.File;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The built drop-in jar ({@code target/*-plugin.jar}), with the host alone on the class path: the
 * plugin's classes, Jedis and its libraries are not there (failsafe leaves them out), so what works
 * here works from the jar.
 */
class RedisPluginJarIT {
    private static final String TYPE = "files:redis";
    private static Path jar;
    private static RedisServers.Server redis;

    record Run(int code, String out, String err) {
    }

    @BeforeAll
    static void setUp() {
        jar = Path.of(System.getProperty("portalkit.plugin.jar"));
        assertThat(jar).exists();
        redis = RedisServers.shared();
        // JDBC drivers register once per JVM, from the first context that asks: the host's, not the WAR-like loader's.
        java.sql.DriverManager.getDrivers();
    }

    static Run cli(String... args) {
        CommandLine cli = PortalCli.commandLine();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(err));
        int code = cli.execute(args);
        return new Run(code, out.toString(), err.toString());
    }

    @Test
    void theHostAloneIsOnTheClassPath() {
        assertThatThrownBy(() -> Class.forName("dev.portalkit.storage.redis.RedisStoragePlugin")).isInstanceOf(ClassNotFoundException.class);
        assertThatThrownBy(() -> Class.forName("redis.clients.jedis.Jedis")).isInstanceOf(ClassNotFoundException.class);
        assertThatThrownBy(() -> Class.forName("org.apache.commons.pool2.ObjectPool")).isInstanceOf(ClassNotFoundException.class);
    }

    @Test
    void theJarBundlesOnlyRelocatedClassesThatNothingOnTheHostClassPathHas() throws Exception {
        List<String> classes = new ArrayList<>();
        try (JarFile file = new JarFile(jar.toFile())) {
            for (JarEntry entry : Collections.list(file.entries())) {
                if (entry.getName().endsWith(".class")) {
                    classes.add(entry.getName());
                }
            }
            assertThat(file.getEntry("META-INF/services/dev.portalkit.api.plugin.PortalPlugin")).isNotNull();
            assertThat(file.getEntry("META-INF/beans.xml")).isNotNull();
        }
        assertThat(classes).hasSizeGreaterThan(500).allMatch(c -> c.startsWith("dev/portalkit/storage/redis/"));
        assertThat(classes).contains("dev/portalkit/storage/redis/RedisStoragePlugin.class",
                "dev/portalkit/storage/redis/shaded/redis/clients/jedis/Jedis.class");
        ClassLoader host = getClass().getClassLoader();
        assertThat(classes).filteredOn(c -> host.getResource(c) != null).isEmpty();
    }

    @Test
    void aPortalWithTheJarInItsPluginsDirectoryHasTheAdapterAndItWorks(@TempDir Path work) throws Exception {
        Path plugins = Files.createDirectories(work.resolve("plugins"));
        Files.copy(jar, plugins.resolve(jar.getFileName()));

        Run adapters = cli("files", "adapters", "-v", "--data-dir", work.resolve("data").toString(), "--plugins-dir", plugins.toString(),
                "-o", "portal.plugins=storage-redis");
        assertThat(adapters.code()).as(adapters.err()).isZero();
        assertThat(adapters.out()).contains(TYPE).contains("storage-redis").contains("(string, optional, secret)")
                .contains("(string, optional, default portal:files:<storage>:file_content:)");

        try (TestPortal portal = TestPortal.builder().pluginsDir(plugins).plugins("storage-redis").runPendingTasks(false)
                .option("portal.files.storage.memory.type", TYPE)
                .option("portal.files.storage.memory.url", redis.url(7))
                .option("portal.files.default_storage", "memory")
                .start()) {
            ManagedStorage storage = FilesPlugin.of(portal.portal()).storages().get("memory");
            assertThat(FilesPlugin.of(portal.portal()).adapters().get(TYPE).factory().getClass().getClassLoader().getName())
                    .isEqualTo("plugin:" + jar.getFileName());
            FileData data = storage.uploader().upload(new Location("hello.txt"),
                    Upload.of("hello world".getBytes(StandardCharsets.UTF_8), "hello.txt", "text/plain"), false);
            assertThat(data.hash()).isEqualTo("5eb63bbbe01eeed093cb22bb8f5acdc3");
            try (InputStream in = storage.reader().stream(data)) {
                assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("hello world");
            }
            assertThat(storage.manager().remove(data)).isTrue();
        }
    }

    @Test
    void withoutTheJarTheTypeIsUnknownAndTheAvailableAdaptersAreListed(@TempDir Path work) throws Exception {
        Path plugins = Files.createDirectories(work.resolve("plugins"));
        Run adapters = cli("files", "adapters", "--data-dir", work.resolve("data").toString(), "--plugins-dir", plugins.toString());
        assertThat(adapters.code()).as(adapters.err()).isZero();
        assertThat(adapters.out()).doesNotContain(TYPE);
        Run storages = cli("files", "storages", "--data-dir", work.resolve("data").toString(), "--plugins-dir", plugins.toString(),
                "-o", "portal.files.storage.memory.type=" + TYPE, "-o", "portal.files.storage.memory.url=redis://:hunter2@localhost/0",
                "-o", "portal.files.default_storage=memory");
        assertThat(storages.code()).isNotZero();
        assertThat(storages.err()).contains("portal.files.storage.memory.type: unknown adapter 'files:redis' "
                + "(available: files:db, files:fs, files:memory, files:public_fs)").doesNotContain("hunter2");
    }

    @Test
    void theJarBesideTheHostInOneClassLoaderAsInAWar() throws Exception {
        List<URL> urls = new ArrayList<>();
        urls.add(jar.toUri().toURL());
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            urls.add(Path.of(entry).toUri().toURL());
        }
        ClassLoader previous = Thread.currentThread().getContextClassLoader();
        try (URLClassLoader war = new URLClassLoader("war", urls.toArray(URL[]::new), ClassLoader.getPlatformClassLoader())) {
            Thread.currentThread().setContextClassLoader(war);
            Class<?> probe = war.loadClass(SharedLoaderProbe.class.getName());
            assertThat(probe.getClassLoader()).isSameAs(war);
            String result = (String) probe.getMethod("run", String.class, String.class, String.class).invoke(null, TYPE, redis.url(8), "");
            String md5 = HexFormat.of().formatHex(java.security.MessageDigest.getInstance("MD5")
                    .digest("hello from a shared loader".getBytes(StandardCharsets.UTF_8)));
            assertThat(result).isEqualTo("hello from a shared loader | " + md5 + " | same loader");
        } finally {
            Thread.currentThread().setContextClassLoader(previous);
            for (java.sql.Driver driver : Collections.list(java.sql.DriverManager.getDrivers())) {
                if (driver.getClass().getClassLoader() instanceof URLClassLoader l && "war".equals(l.getName())) {
                    java.sql.DriverManager.deregisterDriver(driver);
                }
            }
        }
    }
}
