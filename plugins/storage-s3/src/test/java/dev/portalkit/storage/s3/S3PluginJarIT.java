package dev.portalkit.storage.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.portalkit.api.files.ContainerManagement;
import dev.portalkit.api.files.Delivery;
import dev.portalkit.api.files.FileData;
import dev.portalkit.api.files.Location;
import dev.portalkit.api.files.ManagedStorage;
import dev.portalkit.api.files.MultipartData;
import dev.portalkit.api.files.Upload;
import dev.portalkit.runtime.cli.PortalCli;
import dev.portalkit.runtime.files.FilesPlugin;
import dev.portalkit.runtime.files.ManagedStorageImpl;
import dev.portalkit.runtime.testing.TestPortal;
import dev.portalkit.testservers.S3ProxyServer;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The drop-in artefact: target/*-plugin.jar copied into a portal's plugins directory is all it
 * takes for files:s3 (this test's class path has none of the plugin's classes); without it, the
 * type is unknown.
 */
class S3PluginJarIT {
    private static Path pluginJar() {
        Path jar = Path.of(System.getProperty("plugin.jar", "target/portalkit-plugin-storage-s3-0.1.0-SNAPSHOT-plugin.jar"));
        assertThat(jar).as("the plugin jar is built by `package`").exists();
        return jar;
    }

    private static String run(Path dataDir, Path pluginsDir, String... args) {
        CommandLine cli = PortalCli.commandLine();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(err));
        String[] all = Stream.concat(Stream.of(args), Stream.of("--data-dir", dataDir.toString(), "--plugins-dir",
                pluginsDir.toString())).toArray(String[]::new);
        int code = cli.execute(all);
        assertThat(code).as(err.toString()).isZero();
        return out.toString();
    }

    @Test
    void thePluginJarAloneBringsTheAdaptersAndTheyWork(@TempDir Path tmp) throws Exception {
        assertThatThrownBy(() -> Class.forName("dev.portalkit.storage.s3.S3Plugin"))
                .as("the plugin's classes are on no class path here").isInstanceOf(ClassNotFoundException.class);
        Path plugins = Files.createDirectories(tmp.resolve("data/plugins"));
        Files.copy(pluginJar(), plugins.resolve("storage-s3.jar"));

        String adapters = run(tmp.resolve("data"), plugins, "files", "adapters", "-o", "portal.plugins=storage-s3");
        assertThat(adapters).contains("files:s3           storage-s3 Objects in an S3 bucket")
                .contains("files:s3-dynamic   storage-s3 Objects in a bucket per year, month or week");

        try (S3ProxyServer s3 = S3ProxyServer.start(tmp)) {
            TestPortal.Builder builder = TestPortal.builder().dataDir(tmp.resolve("data")).pluginsDir(plugins)
                    .plugins("storage-s3").runPendingTasks(false).option("portal.files.default_storage", "cloud");
            s3.storageOptions("files:s3").forEach((k, v) -> builder.option("portal.files.storage.cloud." + k, v));
            builder.option("portal.files.storage.cloud.bucket", "dropped-in").option("portal.files.storage.cloud.create_bucket", "true");
            try (TestPortal portal = builder.start()) {
                ManagedStorage cloud = FilesPlugin.of(portal.portal()).storages().defaultStorage();
                Object adapter = ((ManagedStorageImpl) cloud).adapterAs(ContainerManagement.class).orElseThrow();
                assertThat(adapter.getClass().getClassLoader().getName()).isEqualTo("plugin:storage-s3.jar");

                FileData data = cloud.uploader().upload(new Location("hello.txt"),
                        Upload.of("hello from the jar".getBytes(StandardCharsets.UTF_8), "hello.txt", null), false);
                assertThat(data.hash()).hasSize(32);
                try (InputStream in = cloud.reader().stream(data)) {
                    assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("hello from the jar");
                }
                try (InputStream in = cloud.reader().range(data, 6, 10)) {
                    assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("from");
                }
                Delivery delivery = cloud.reader().delivery(data, "hello.txt", Duration.ofMinutes(1));
                HttpResponse<String> fetched = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        ((Delivery.Redirect) delivery).location()).build(), HttpResponse.BodyHandlers.ofString());
                assertThat(fetched.body()).isEqualTo("hello from the jar");

                byte[] big = new byte[6 * 1024 * 1024];
                new Random(1).nextBytes(big);
                MultipartData upload = cloud.uploader().multipart().orElseThrow().start(new MultipartData(new Location("big.bin"), big.length + 3L,
                        null, "", Map.of()));
                upload = cloud.uploader().multipart().orElseThrow().update(upload, 1, Upload.of(big, "p1", null));
                upload = cloud.uploader().multipart().orElseThrow().update(upload, 2, Upload.of(new byte[] {1, 2, 3}, "p2", null));
                assertThat(cloud.uploader().multipart().orElseThrow().complete(upload).size()).isEqualTo(big.length + 3L);
                try (Stream<Location> all = cloud.manager().scan()) {
                    assertThat(all.map(Location::value)).containsExactly("big.bin", "hello.txt");
                }
                assertThat(cloud.manager().remove(data)).isTrue();
            }
        }
    }

    @Test
    void withoutTheJarTheTypeIsUnknownAndTheAdaptersAreListed(@TempDir Path tmp) throws Exception {
        Path plugins = Files.createDirectories(tmp.resolve("plugins"));
        assertThatThrownBy(() -> TestPortal.builder().dataDir(tmp.resolve("data")).pluginsDir(plugins)
                .option("portal.files.storage.cloud.type", "files:s3").option("portal.files.storage.cloud.bucket", "b").start())
                .hasMessageContaining("portal.files.storage.cloud.type: unknown adapter 'files:s3' (available: files:db, files:fs, "
                        + "files:memory, files:public_fs)");
    }
}
