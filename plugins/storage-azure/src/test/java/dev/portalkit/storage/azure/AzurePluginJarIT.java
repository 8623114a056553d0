package dev.portalkit.storage.azure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.portalkit.api.files.FileData;
import dev.portalkit.api.files.Location;
import dev.portalkit.api.files.ManagedStorage;
import dev.portalkit.api.files.Upload;
import dev.portalkit.runtime.cli.PortalCli;
import dev.portalkit.runtime.files.FilesPlugin;
import dev.portalkit.runtime.testing.TestPortal;
import dev.portalkit.testservers.Azurite;
import java.io.File;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.URL;
import java.net.URLClassLoader;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The built drop-in jar ({@code target/*-plugin.jar}), with the host alone on the class path: the
 * plugin's classes and the Azure SDK are not there (failsafe leaves them out), so what works here
 * works from the jar.
 */
class AzurePluginJarIT {
    private static final String TYPE = "files:azure_blob";
    private static Path jar;
    private static Azurite azurite;

    record Run(int code, String out, String err) {
    }

    @BeforeAll
    static void setUp() {
        jar = Path.of(System.getProperty("portalkit.plugin.jar"));
        assertThat(jar).exists();
        azurite = Azurite.shared();
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
        assertThatThrownBy(() -> Class.forName("dev.portalkit.storage.azure.AzureStoragePlugin")).isInstanceOf(ClassNotFoundException.class);
        assertThatThrownBy(() -> Class.forName("com.azure.storage.blob.BlobClient")).isInstanceOf(ClassNotFoundException.class);
        assertThatThrownBy(() -> Class.forName("reactor.core.publisher.Flux")).isInstanceOf(ClassNotFoundException.class);
    }

    @Test
    void theJarBundlesOnlyRelocatedClassesThatNothingOnTheHostClassPathHas() throws Exception {
        List<String> classes = new ArrayList<>();
        try (JarFile file = new JarFile(jar.toFile())) {
            for (JarEntry entry : Collections.list(file.entries())) {
                String name = entry.getName();
                if (name.endsWith(".class")) {
                    classes.add(name);
                }
            }
            assertThat(file.getEntry("META-INF/services/dev.portalkit.api.plugin.PortalPlugin")).isNotNull();
            assertThat(file.getEntry("META-INF/beans.xml")).isNotNull();
        }
        assertThat(classes).hasSizeGreaterThan(1000).allMatch(c -> c.startsWith("dev/portalkit/storage/azure/"));
        assertThat(classes).filteredOn(c -> !c.startsWith("dev/portalkit/storage/azure/shaded/"))
                .contains("dev/portalkit/storage/azure/AzureStoragePlugin.class");
        ClassLoader host = getClass().getClassLoader();
        assertThat(classes).filteredOn(c -> host.getResource(c) != null).isEmpty();
    }

    @Test
    void aPortalWithTheJarInItsPluginsDirectoryHasTheAdapterAndItWorks(@TempDir Path work) throws Exception {
        Path plugins = Files.createDirectories(work.resolve("plugins"));
        Files.copy(jar, plugins.resolve(jar.getFileName()));

        Run adapters = cli("files", "adapters", "-v", "--data-dir", work.resolve("data").toString(), "--plugins-dir", plugins.toString(),
                "-o", "portal.plugins=storage-azure");
        assertThat(adapters.code()).as(adapters.err()).isZero();
        assertThat(adapters.out()).contains(TYPE).contains("storage-azure").contains("connection_string")
                .contains("(string, optional, secret)");

        try (TestPortal portal = TestPortal.builder().pluginsDir(plugins).plugins("storage-azure").runPendingTasks(false)
                .option("portal.files.storage.cloud.type", TYPE)
                .option("portal.files.storage.cloud.container", "dropin-" + ProcessHandle.current().pid())
                .option("portal.files.storage.cloud.connection_string", azurite.connectionString())
                .option("portal.files.storage.cloud.create_container", "true")
                .option("portal.files.default_storage", "cloud")
                .start()) {
            ManagedStorage storage = FilesPlugin.of(portal.portal()).storages().get("cloud");
            assertThat(FilesPlugin.of(portal.portal()).adapters().get(TYPE).factory().getClass().getClassLoader().getName())
                    .isEqualTo("plugin:" + jar.getFileName());
            FileData data = storage.uploader().upload(new Location("docs/readme.txt"),
                    Upload.of("from the drop-in jar".getBytes(StandardCharsets.UTF_8), "readme.txt", "text/plain"), false);
            try (InputStream in = storage.reader().stream(data)) {
                assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("from the drop-in jar");
            }
            URI link = storage.reader().temporalLink(data, Duration.ofMinutes(5), "readme.txt");
            HttpResponse<String> fetched = HttpClient.newHttpClient().send(HttpRequest.newBuilder(link).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(fetched.statusCode()).isEqualTo(200);
            assertThat(fetched.body()).isEqualTo("from the drop-in jar");
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
                "-o", "portal.files.storage.cloud.type=" + TYPE, "-o", "portal.files.storage.cloud.container=c",
                "-o", "portal.files.storage.cloud.connection_string=" + azurite.connectionString(),
                "-o", "portal.files.default_storage=cloud");
        assertThat(storages.code()).isNotZero();
        assertThat(storages.err()).contains("portal.files.storage.cloud.type: unknown adapter 'files:azure_blob' "
                + "(available: files:db, files:fs, files:memory, files:public_fs)")
                .doesNotContain(Azurite.KEY);
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
            String result = (String) probe.getMethod("run", String.class, String.class, String.class)
                    .invoke(null, TYPE, azurite.connectionString(), "war-" + ProcessHandle.current().pid());
            assertThat(result).isEqualTo("hello from a shared loader | 9d0bb3a5d1dfa1ea29a3b5a8a2c0c1b1 | same loader".replace(
                    "9d0bb3a5d1dfa1ea29a3b5a8a2c0c1b1", md5("hello from a shared loader")));
        } finally {
            Thread.currentThread().setContextClassLoader(previous);
            for (java.sql.Driver driver : Collections.list(java.sql.DriverManager.getDrivers())) {
                if (driver.getClass().getClassLoader() != null && driver.getClass().getClassLoader().getName() != null
                        && driver.getClass().getClassLoader().getName().equals("war")) {
                    java.sql.DriverManager.deregisterDriver(driver);
                }
            }
        }
    }

    private static String md5(String text) throws Exception {
        return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("MD5").digest(text.getBytes(StandardCharsets.UTF_8)));
    }
}
