package dev.portalkit.storage.opendal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portalkit.runtime.testing.CliRun;
import dev.portalkit.runtime.testing.PluginJarContract;
import dev.portalkit.runtime.testing.TestPortal;
import dev.portalkit.testservers.Rclone;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The built drop-in jar ({@code target/*-plugin.jar}), with the host alone on the class path (failsafe
 * leaves the plugin's classes and OpenDAL out): a storage on WebDAV ({@link PluginJarContract}) and
 * one on SFTP round-trip files through the File API's actions with only the jar and config lines,
 * against real servers ({@code rclone serve webdav|sftp}).
 */
class OpenDalPluginJarIT extends PluginJarContract {
    @TempDir
    static Path served;
    private Rclone.Server webdav;
    private Rclone.Server sftp;

    @BeforeAll
    void startServers() throws Exception {
        webdav = Rclone.webdav(Files.createDirectories(served.resolve("dav")));
        sftp = Rclone.sftp(Files.createDirectories(served.resolve("sftp")));
    }

    @AfterAll
    void stopServers() {
        if (webdav != null) {
            webdav.close();
        }
        if (sftp != null) {
            sftp.close();
        }
    }

    @Override
    protected String plugin() {
        return "storage-opendal";
    }

    @Override
    protected String adapterType() {
        return "files:opendal";
    }

    @Override
    protected List<String> ownClasses() {
        return List.of("dev.portalkit.storage.opendal.OpenDalStoragePlugin", "org.apache.opendal.Operator");
    }

    /**
     * Every class of the jar: the plugin's and OpenDAL's binding, which keeps its own package because
     * its native library binds functions to those class names (JNI) — it cannot be relocated. The
     * jar's own check below pins the two folders; the contract's still checks that none of them is
     * on the host's class path.
     */
    @Override
    protected String classFolder() {
        return "";
    }

    @Override
    protected Map<String, String> storageOptions() {
        return Map.of("scheme", "webdav", "params", "{\"endpoint\": \"" + webdav.url() + "\", \"root\": \"/portal/\", "
                + "\"password\": \"dav-s3cr3t\", \"username\": \"portal\"}");
    }

    @Override
    protected Optional<String> secret() {
        return Optional.of("dav-s3cr3t");
    }

    @Test
    void theJarHoldsThePluginAndTheBindingWithItsLinuxLibraryOnly() throws Exception {
        List<String> names = new ArrayList<>();
        try (JarFile file = new JarFile(jar().toFile())) {
            for (JarEntry entry : Collections.list(file.entries())) {
                names.add(entry.getName());
            }
        }
        assertThat(names).filteredOn(n -> n.endsWith(".class"))
                .allMatch(n -> n.startsWith("dev/portalkit/storage/opendal/") || n.startsWith("org/apache/opendal/"));
        assertThat(names).filteredOn(n -> n.startsWith("native/") && !n.endsWith("/"))
                .containsExactly("native/linux-x86_64/libopendal_java.so");
    }

    @Test
    void filesAdaptersListsTheServicesOfTheNativeLibrary(@TempDir Path work) throws Exception {
        Path plugins = Files.createDirectories(work.resolve("plugins"));
        Files.copy(jar(), plugins.resolve(jar().getFileName()));
        CliRun adapters = CliRun.in(work.resolve("data"), "files", "adapters", "-v", "--plugins-dir", plugins.toString(),
                "-o", "portal.plugins=storage-opendal");
        assertThat(adapters.code()).as(adapters.err()).isZero();
        String services = adapters.outLines().stream().filter(l -> l.contains("Services of the native library on linux-x86_64:"))
                .findFirst().orElseThrow(() -> new AssertionError(adapters.out()));
        assertThat(services).contains(" webdav").contains(" sftp").contains(" s3").contains(" azblob").contains(" fs,");
    }

    /** Waits until {@code file} has {@code size} bytes: at most {@code looks} looks, 50 ms apart. */
    private static void awaitWriteBack(Path file, long size, int looks) throws java.io.IOException, InterruptedException {
        for (int i = 0; i < looks && !(Files.isRegularFile(file) && Files.size(file) == size); i++) {
            Thread.sleep(50);
        }
    }

    @Test
    void anSftpStorageRoundTripsFilesThroughTheFileApi(@TempDir Path work) throws Exception {
        Path plugins = Files.createDirectories(work.resolve("plugins"));
        Files.copy(jar(), plugins.resolve(jar().getFileName()));
        Map<String, String> lines = new LinkedHashMap<>();
        lines.put("portal.plugins", "storage-opendal");
        lines.put("portal.files.storage.remote.type", "files:opendal");
        lines.put("portal.files.storage.remote.scheme", "sftp");
        lines.put("portal.files.storage.remote.params", "{\"endpoint\": \"" + sftp.sshEndpoint("portal") + "\", \"root\": \"/portal\", "
                + "\"key\": \"" + sftp.privateKey() + "\", \"known_hosts_strategy\": \"accept\"}");
        lines.put("portal.files.default_storage", "remote");
        TestPortal.Builder builder = TestPortal.builder().dataDir(work.resolve("data")).pluginsDir(plugins).runPendingTasks(true);
        lines.forEach(builder::option);
        byte[] content = "a file that went over SFTP\n".getBytes(StandardCharsets.UTF_8);
        Path onServer;
        try (TestPortal portal = builder.start()) {
            @SuppressWarnings("unchecked")
            Map<String, Object> created = (Map<String, Object>) portal.call("files_file_create", TestPortal.SYSADMIN,
                    Map.of("name", "over-sftp.txt", "upload", dev.portalkit.api.files.Upload.of(content, "over-sftp.txt", "text/plain")));
            assertThat(created).containsEntry("storage", "remote").containsEntry("size", (long) content.length);
            onServer = served.resolve("sftp/portal").resolve((String) created.get("location"));
            // rclone serves from its VFS cache and writes the file back to its folder once the file's handle
            // is closed (Rclone.sftp). OpenDAL closes it in the background, at the latest when the portal
            // closes: a bounded wait here, and another after the close below.
            awaitWriteBack(onServer, content.length, 200);
            assertThat(portal.call("files_file_show", TestPortal.SYSADMIN, Map.of("id", created.get("id")))).isEqualTo(created);

            dev.portalkit.api.files.ManagedStorage remote = dev.portalkit.runtime.files.FilesPlugin.of(portal.portal()).storages().get("remote");
            try (java.io.InputStream in = remote.reader().stream(dev.portalkit.api.files.FileData.of(
                    new dev.portalkit.api.files.Location((String) created.get("location"))))) {
                assertThat(in.readAllBytes()).isEqualTo(content);
            }
        }
        awaitWriteBack(onServer, content.length, 600);
        assertThat(onServer).as("the file is on the SFTP server, as it is").hasBinaryContent(content);
    }
}
