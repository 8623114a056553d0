package dev.portalkit.runtime.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.portalkit.api.files.FileData;
import dev.portalkit.api.files.Location;
import dev.portalkit.api.files.ManagedStorage;
import dev.portalkit.api.files.Upload;
import dev.portalkit.runtime.files.FilesPlugin;
import java.io.File;
import java.io.InputStream;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a storage plugin's drop-in jar must do, for its integration test (a failsafe {@code *IT}
 * run with the host alone on the class path: the plugin's classes and libraries left out, the jar
 * at the system property {@code portalkit.plugin.jar}). Extend it and say what the plugin is:
 *
 * <pre>{@code
 * class RedisPluginJarIT extends PluginJarContract {
 *     protected String plugin() { return "storage-redis"; }
 *     protected String adapterType() { return "files:redis"; }
 *     protected List<String> ownClasses() { return List.of("dev.portalkit.storage.redis.RedisStoragePlugin", "redis.clients.jedis.Jedis"); }
 *     protected Map<String, String> storageOptions() { return Map.of("url", redis.url(7)); }
 * }
 * }</pre>
 *
 * The tests: none of the plugin's classes is on the host's class path; the jar holds only classes
 * in the plugin's own package (its libraries relocated below it), none the host has, and its
 * services file and {@code beans.xml}; a portal with the jar in its plugins directory lists the
 * adapter ({@code files adapters -v}) and a storage of it stores, streams and removes a file,
 * made by the jar's class loader; without the jar the type is unknown, named in a clear error that
 * shows no secret; the jar beside the host in one class loader (as in a WAR) works too.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class PluginJarContract {
    private static final String CONTENT = "from the drop-in jar";

    /** The plugin's name, as {@code portal.plugins} enables it. */
    protected abstract String plugin();

    /** The storage adapter type the jar brings. */
    protected abstract String adapterType();

    /** Classes that are in the jar and nowhere on the host's class path: the plugin's class and its libraries' (binary names). */
    protected abstract List<String> ownClasses();

    /** The options of a working storage of {@link #adapterType()} here (keys relative to the storage, without {@code type}). */
    protected abstract Map<String, String> storageOptions();

    /** A value of {@link #storageOptions()} no output may show (a password, a key). */
    protected Optional<String> secret() {
        return Optional.empty();
    }

    /** The folder (slash-separated, with a trailing slash) of every class in the jar: by default, the first own class's package. */
    protected String classFolder() {
        String first = ownClasses().get(0);
        return first.substring(0, first.lastIndexOf('.') + 1).replace('.', '/');
    }

    /** More checks on a working storage of the plugin, after the file {@code stored} was written and read back. */
    protected void moreChecks(ManagedStorage storage, FileData stored) throws Exception {
    }

    /** The plugin's drop-in jar. */
    protected Path jar() {
        String given = System.getProperty("portalkit.plugin.jar");
        assertThat(given).as("the system property portalkit.plugin.jar (failsafe's systemPropertyVariables)").isNotNull();
        return Path.of(given);
    }

    @BeforeAll
    void registerDrivers() {
        assertThat(jar()).as("the drop-in jar, built by `package`").exists();
        // JDBC drivers register once per JVM, from the first context that asks: the host's, not the WAR-like loader's.
        java.sql.DriverManager.getDrivers();
    }

    @Test
    void theHostAloneIsOnTheClassPath() {
        for (String name : ownClasses()) {
            assertThatThrownBy(() -> Class.forName(name)).as(name).isInstanceOf(ClassNotFoundException.class);
        }
    }

    @Test
    void theJarHoldsOnlyItsOwnClassesThatNothingOnTheHostClassPathHas() throws Exception {
        List<String> classes = new ArrayList<>();
        try (JarFile file = new JarFile(jar().toFile())) {
            for (JarEntry entry : Collections.list(file.entries())) {
                if (entry.getName().endsWith(".class") && !entry.getName().endsWith("module-info.class")) {
                    classes.add(entry.getName());
                }
            }
            assertThat(file.getEntry("META-INF/services/dev.portalkit.api.plugin.PortalPlugin")).isNotNull();
            assertThat(file.getEntry("META-INF/beans.xml")).isNotNull();
        }
        assertThat(classes).isNotEmpty().allMatch(c -> c.startsWith(classFolder()));
        assertThat(classes).contains(ownClasses().get(0).replace('.', '/') + ".class");
        ClassLoader host = getClass().getClassLoader();
        assertThat(classes).filteredOn(c -> host.getResource(c) != null).isEmpty();
    }

    @Test
    void aPortalWithTheJarInItsPluginsDirectoryHasTheAdapterAndItWorks(@TempDir Path work) throws Exception {
        Path plugins = Files.createDirectories(work.resolve("plugins"));
        Files.copy(jar(), plugins.resolve(jar().getFileName()));
        CliRun adapters = CliRun.in(work.resolve("data"), "files", "adapters", "-v", "--plugins-dir", plugins.toString(),
                "-o", "portal.plugins=" + plugin());
        assertThat(adapters.code()).as(adapters.err()).isZero();
        assertThat(adapters.out()).contains(adapterType()).contains(plugin());

        TestPortal.Builder builder = TestPortal.builder().dataDir(work.resolve("data")).pluginsDir(plugins).plugins(plugin())
                .runPendingTasks(false).option("portal.files.storage.cloud.type", adapterType())
                .option("portal.files.default_storage", "cloud");
        storageOptions().forEach((k, v) -> builder.option("portal.files.storage.cloud." + k, v));
        try (TestPortal portal = builder.start()) {
            assertThat(FilesPlugin.of(portal.portal()).adapters().get(adapterType()).factory().getClass().getClassLoader().getName())
                    .isEqualTo("plugin:" + jar().getFileName());
            ManagedStorage storage = FilesPlugin.of(portal.portal()).storages().get("cloud");
            FileData data = storage.uploader().upload(new Location("docs/readme.txt"),
                    Upload.of(CONTENT.getBytes(StandardCharsets.UTF_8), "readme.txt", "text/plain"), false);
            assertThat(data.hash()).isEqualTo(md5(CONTENT));
            try (InputStream in = storage.reader().stream(data)) {
                assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8)).isEqualTo(CONTENT);
            }
            moreChecks(storage, data);
            assertThat(storage.manager().remove(data)).isTrue();
        }
    }

    @Test
    void withoutTheJarTheTypeIsUnknownAndTheAvailableAdaptersAreListed(@TempDir Path work) throws Exception {
        Path plugins = Files.createDirectories(work.resolve("plugins"));
        CliRun adapters = CliRun.in(work.resolve("data"), "files", "adapters", "--plugins-dir", plugins.toString());
        assertThat(adapters.code()).as(adapters.err()).isZero();
        assertThat(adapters.out()).doesNotContain(adapterType());
        List<String> args = new ArrayList<>(List.of("files", "storages", "--plugins-dir", plugins.toString(),
                "-o", "portal.files.storage.cloud.type=" + adapterType(), "-o", "portal.files.default_storage=cloud"));
        storageOptions().forEach((k, v) -> args.addAll(List.of("-o", "portal.files.storage.cloud." + k + "=" + v)));
        CliRun storages = CliRun.in(work.resolve("data"), args);
        assertThat(storages.code()).isNotZero();
        assertThat(storages.err()).contains("portal.files.storage.cloud.type: unknown adapter '" + adapterType()
                + "' (available: files:ckan_resource_fs, files:db, files:fs, files:memory, files:public_fs)");
        secret().ifPresent(s -> assertThat(storages.err() + storages.out()).doesNotContain(s));
    }

    @Test
    void theJarBesideTheHostInOneClassLoaderAsInAWar() throws Exception {
        List<URL> urls = new ArrayList<>();
        urls.add(jar().toUri().toURL());
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            urls.add(Path.of(entry).toUri().toURL());
        }
        String[] options = storageOptions().entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).toArray(String[]::new);
        ClassLoader previous = Thread.currentThread().getContextClassLoader();
        try (URLClassLoader war = new URLClassLoader("war", urls.toArray(URL[]::new), ClassLoader.getPlatformClassLoader())) {
            Thread.currentThread().setContextClassLoader(war);
            Class<?> probe = war.loadClass(SharedLoaderProbe.class.getName());
            assertThat(probe.getClassLoader()).isSameAs(war);
            String result = (String) probe.getMethod("run", String.class, String.class, String[].class)
                    .invoke(null, plugin(), adapterType(), options);
            assertThat(result).isEqualTo(SharedLoaderProbe.TEXT + " | " + md5(SharedLoaderProbe.TEXT) + " | same loader");
        } finally {
            Thread.currentThread().setContextClassLoader(previous);
            for (java.sql.Driver driver : Collections.list(java.sql.DriverManager.getDrivers())) {
                if (driver.getClass().getClassLoader() instanceof URLClassLoader l && "war".equals(l.getName())) {
                    java.sql.DriverManager.deregisterDriver(driver);
                }
            }
        }
    }

    private static String md5(String text) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(text.getBytes(StandardCharsets.UTF_8)));
    }
}
