package dev.portalkit.storage.s3;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portalkit.api.files.ContainerManagement;
import dev.portalkit.api.files.Delivery;
import dev.portalkit.api.files.FileData;
import dev.portalkit.api.files.Location;
import dev.portalkit.api.files.ManagedStorage;
import dev.portalkit.api.files.MultipartData;
import dev.portalkit.api.files.MultipartUploads;
import dev.portalkit.api.files.Upload;
import dev.portalkit.runtime.files.managed.ManagedStorageImpl;
import dev.portalkit.runtime.testing.CliRun;
import dev.portalkit.runtime.testing.PluginJarContract;
import dev.portalkit.testservers.S3ProxyServer;
import java.io.InputStream;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The drop-in artefact: target/*-plugin.jar copied into a portal's plugins directory is all it
 * takes for files:s3 (this test's class path has none of the plugin's classes); without it, the
 * type is unknown ({@link PluginJarContract}). And the jar's storage does what only S3 does here:
 * ranges, presigned redirects, multipart uploads, the container management the CLI uses.
 */
class S3PluginJarIT extends PluginJarContract {
    private S3ProxyServer s3;

    @BeforeAll
    void startS3(@TempDir Path tmp) {
        s3 = S3ProxyServer.start(tmp);
    }

    @AfterAll
    void stopS3() {
        if (s3 != null) {
            s3.close();
        }
    }

    @Override
    protected String plugin() {
        return "storage-s3";
    }

    @Override
    protected String adapterType() {
        return "files:s3";
    }

    @Override
    protected List<String> ownClasses() {
        return List.of("dev.portalkit.storage.s3.S3Plugin");
    }

    @Override
    protected Map<String, String> storageOptions() {
        Map<String, String> options = new LinkedHashMap<>(s3.storageOptions("files:s3"));
        options.put("bucket", "dropped-in");
        options.put("create_bucket", "true");
        return options;
    }

    @Override
    protected void moreChecks(ManagedStorage cloud, FileData data) throws Exception {
        Object adapter = ((ManagedStorageImpl) cloud).adapterAs(ContainerManagement.class).orElseThrow();
        assertThat(adapter.getClass().getClassLoader().getName()).isEqualTo("plugin:" + jar().getFileName());
        try (InputStream in = cloud.reader().range(data, 0, 4)) {
            assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("from");
        }
        Delivery delivery = cloud.reader().delivery(data, "readme.txt", Duration.ofMinutes(1));
        HttpResponse<String> fetched = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                ((Delivery.Redirect) delivery).location()).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(fetched.body()).isEqualTo("from the drop-in jar");

        byte[] big = new byte[6 * 1024 * 1024];
        new Random(1).nextBytes(big);
        MultipartUploads parts = cloud.uploader().multipart().orElseThrow();
        MultipartData upload = parts.start(new MultipartData(new Location("big.bin"), big.length + 3L, null, "", Map.of()));
        upload = parts.update(upload, 1, Upload.of(big, "p1", null));
        upload = parts.update(upload, 2, Upload.of(new byte[] {1, 2, 3}, "p2", null));
        FileData assembled = parts.complete(upload);
        assertThat(assembled.size()).isEqualTo(big.length + 3L);
        try (Stream<Location> all = cloud.manager().scan()) {
            assertThat(all.map(Location::value)).contains("big.bin", "docs/readme.txt");
        }
        assertThat(cloud.manager().remove(assembled)).isTrue();
    }

    @Test
    void theJarBringsTheDynamicBucketAdapterToo(@TempDir Path tmp) throws Exception {
        Path plugins = Files.createDirectories(tmp.resolve("plugins"));
        Files.copy(jar(), plugins.resolve(jar().getFileName()));
        CliRun adapters = CliRun.in(tmp.resolve("data"), "files", "adapters", "--plugins-dir", plugins.toString(),
                "-o", "portal.plugins=storage-s3");
        assertThat(adapters.code()).as(adapters.err()).isZero();
        assertThat(adapters.out()).contains("files:s3           storage-s3 Objects in an S3 bucket")
                .contains("files:s3-dynamic   storage-s3 Objects in a bucket per year, month or week");
    }
}
