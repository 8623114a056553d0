package dev.portalkit.storage.s3;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portalkit.runtime.Portal;
import dev.portalkit.runtime.files.Downloads;
import dev.portalkit.runtime.files.FilesPlugin;
import dev.portalkit.runtime.files.download.DownloadRequest;
import dev.portalkit.runtime.files.download.DownloadResponse;
import dev.portalkit.runtime.migration.CloudStorageResources;
import dev.portalkit.runtime.model.ResourceRecord;
import dev.portalkit.runtime.testing.CliRun;
import dev.portalkit.runtime.testing.TestPortal;
import dev.portalkit.testservers.S3ProxyServer;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.RequestBody;

/**
 * A ckanext-cloudstorage operator's settings, prefix renamed, against a real S3 server (S3Proxy):
 * driver {@code S3} with libcloud's host / port / secure options becomes a files:s3 storage named
 * {@code resources}; {@code files migrate cloudstorage resources} tracks the object it left at
 * {@code resources/<id>/<munged name>} in place and the resource downloads it; with
 * {@code use_secure_urls = 1} a private dataset's file is a redirect to a signed URL.
 */
class CloudStorageSettingsS3Test {
    @Test
    void theOperatorsSettingsWorkAfterRenamingTheirPrefix(@TempDir Path dir) throws Exception {
        try (S3ProxyServer s3 = S3ProxyServer.start(dir.resolve("s3"))) {
            String bucket = "ckan-cloud";
            s3.client().createBucket(b -> b.bucket(bucket));
            Map<String, String> o = new LinkedHashMap<>();
            o.put("portal.plugins", "storage-s3");
            o.put("portal.cloudstorage.driver", "S3");
            o.put("portal.cloudstorage.container_name", bucket);
            o.put("portal.cloudstorage.driver_options", "{'key': '" + S3ProxyServer.ACCESS_KEY + "', 'secret': '" + S3ProxyServer.SECRET_KEY
                    + "', 'host': '" + s3.endpoint().getHost() + "', 'port': " + s3.endpoint().getPort() + ", 'secure': False}");
            o.put("portal.cloudstorage.use_secure_urls", "1");
            String resourceId;
            TestPortal.Builder builder = TestPortal.builder().dataDir(dir.resolve("data"));
            o.forEach(builder::option);
            try (TestPortal portal = builder.start()) {
                Portal p = portal.portal();
                assertThat(FilesPlugin.of(p).storages().get("resources").settings().type()).isEqualTo("files:s3");
                Map<String, Object> org = dict(portal, "organization_create", Map.of("name", "cloud-org"));
                Map<String, Object> dataset = dict(portal, "package_create", Map.of("name", "cloudy", "owner_org", org.get("id"),
                        "private", true));
                resourceId = (String) dict(portal, "resource_create", Map.of("package_id", dataset.get("id"), "url", "Rivers 2024.csv")).get("id");
                p.inTransaction(() -> {
                    p.transactions().em().find(ResourceRecord.class, resourceId).urlType = "upload";
                    return null;
                });
            }
            String key = CloudStorageResources.location(resourceId, "Rivers 2024.csv");
            assertThat(key).isEqualTo("resources/" + resourceId + "/rivers-2024.csv");
            s3.client().putObject(b -> b.bucket(bucket).key(key), RequestBody.fromString("river,km\nrhine,1233\n"));

            CliRun run = CliRun.in(dir.resolve("data"), o, "files", "migrate", "cloudstorage", "resources");
            assertThat(run.code()).as(run.err()).isZero();
            assertThat(run.err()).contains("1 file(s) migrated, 0 already done");

            try (TestPortal portal = builder.start()) {
                Map<String, Object> resource = dict(portal, "resource_show", Map.of("id", resourceId));
                assertThat(resource).containsEntry("size", 20L).containsKey("file_id");
                Map<String, Object> file = dict(portal, "files_file_show", Map.of("id", resource.get("file_id")));
                assertThat(file).containsEntry("storage", "resources").containsEntry("location", key);
                try (InputStream in = FilesPlugin.of(portal.portal()).storages().get("resources").reader()
                        .stream(dev.portalkit.api.files.FileData.of(new dev.portalkit.api.files.Location(key)))) {
                    assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("river,km\nrhine,1233\n");
                }
                // use_secure_urls: the private dataset's file is a redirect to a URL S3 signed.
                try (DownloadResponse response = new Downloads(portal.portal()).resourceFile("cloudy", resourceId,
                        TestPortal.SYSADMIN, DownloadRequest.get()).response()) {
                    assertThat(response.status()).isEqualTo(302);
                    assertThat(response.headers().get("Location")).contains(bucket).contains("X-Amz-Signature=");
                }
            }
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> dict(TestPortal portal, String action, Map<String, Object> data) {
        return (Map<String, Object>) portal.call(action, TestPortal.SYSADMIN, new LinkedHashMap<>(data));
    }
}
