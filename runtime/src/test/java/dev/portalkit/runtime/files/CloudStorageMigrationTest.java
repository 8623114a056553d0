package dev.portalkit.runtime.files;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.portalkit.api.PortalException;
import dev.portalkit.runtime.Portal;
import dev.portalkit.runtime.config.CloudStorageForm;
import dev.portalkit.runtime.config.PortalConfigImpl;
import dev.portalkit.runtime.migration.CloudStorageResources;
import dev.portalkit.runtime.model.ResourceRecord;
import dev.portalkit.runtime.testing.CliRun;
import dev.portalkit.runtime.testing.TestPortal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A ckanext-cloudstorage operator's settings with their prefix renamed ({@code portal.cloudstorage.*},
 * seed 000) configure the {@code resources} storage, and {@code files migrate cloudstorage} brings
 * the objects it left ({@code resources/<id>/<munged name>}) under the File API in place:
 * resumable, idempotent, reversible. The LOCAL driver (libcloud's folder of containers) makes the
 * bucket a real folder here; the S3 mapping runs against S3Proxy in the storage-s3 plugin's tests.
 */
class CloudStorageMigrationTest {
    private static Map<String, String> options(Path dir) {
        Map<String, String> o = new LinkedHashMap<>();
        o.put("portal.cloudstorage.driver", "LOCAL");
        o.put("portal.cloudstorage.driver_options", "{'key': '" + dir.resolve("cloud") + "'}");
        o.put("portal.cloudstorage.container_name", "ckan-bucket");
        o.put("portal.cloudstorage.use_secure_urls", "1");
        o.put("portal.auth.password_iterations", "1000");
        return o;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> call(TestPortal portal, String action, Object... kv) {
        Map<String, Object> data = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            data.put((String) kv[i], kv[i + 1]);
        }
        return (Map<String, Object>) portal.call(action, TestPortal.SYSADMIN, data);
    }

    @Test
    void theBucketsResourceObjectsAreTrackedInPlaceAndTheResourcesPointAtThem(@TempDir Path dir) throws Exception {
        Path bucket = dir.resolve("cloud/ckan-bucket");
        Files.createDirectories(bucket);
        String[] ids = new String[3];
        TestPortal.Builder builder = TestPortal.builder().dataDir(dir.resolve("data"));
        options(dir).forEach(builder::option);
        try (TestPortal portal = builder.start()) {
            Portal p = portal.portal();
            assertThat(p.config().bool("portal.files.use_secure_urls")).isTrue();
            assertThat(FilesPlugin.of(p).storages().get("resources").settings().type()).isEqualTo("files:fs");
            Map<String, Object> org = call(portal, "organization_create", "name", "cloud-org");
            Map<String, Object> dataset = call(portal, "package_create", "name", "cloudy", "owner_org", org.get("id"));
            for (int i = 0; i < ids.length; i++) {
                ids[i] = (String) call(portal, "resource_create", "package_id", dataset.get("id"), "url", "My Data File " + i + ".CSV").get("id");
            }
            // As ckanext-cloudstorage left them: url_type upload, the bare file name, the object in the bucket.
            p.inTransaction(() -> {
                for (String id : ids) {
                    p.transactions().em().find(ResourceRecord.class, id).urlType = "upload";
                }
                return null;
            });
            for (int i = 0; i < 2; i++) {
                Path object = bucket.resolve(CloudStorageResources.location(ids[i], "My Data File " + i + ".CSV"));
                assertThat(object.getFileName().toString()).isEqualTo("my-data-file-" + i + ".csv");
                Files.createDirectories(object.getParent());
                Files.writeString(object, "a,b\n" + i + ",x\n");
            }
            // ids[2]'s object is missing: reported, the resource left alone.
        }
        Map<String, String> options = options(dir);
        CliRun dry = CliRun.in(dir.resolve("data"), options, "files", "migrate", "cloudstorage", "resources", "--dry-run");
        assertThat(dry.out()).contains("would migrate resources/" + ids[0] + "/my-data-file-0.csv to resource " + ids[0]);
        CliRun run = CliRun.in(dir.resolve("data"), options, "files", "migrate", "cloudstorage", "resources");
        assertThat(run.code()).as(run.err()).isEqualTo(1);
        assertThat(run.err()).contains("2 file(s) migrated, 0 already done, 1 failed").contains(ids[2]);
        CliRun again = CliRun.in(dir.resolve("data"), options, "files", "migrate", "cloudstorage", "resources");
        assertThat(again.err()).contains("0 file(s) migrated, 2 already done, 1 failed");

        TestPortal.Builder reopen = TestPortal.builder().dataDir(dir.resolve("data"));
        options.forEach(reopen::option);
        try (TestPortal portal = reopen.start()) {
            Map<String, Object> resource = call(portal, "resource_show", "id", ids[0]);
            assertThat(resource).containsEntry("url_type", "upload").containsEntry("size", 8L);
            Map<String, Object> file = call(portal, "files_file_show", "id", resource.get("file_id"));
            assertThat(file).containsEntry("storage", "resources").containsEntry("location", "resources/" + ids[0] + "/my-data-file-0.csv")
                    .containsEntry("owner_type", "resource").containsEntry("owner_id", ids[0]).containsEntry("pinned", true);
            assertThat(call(portal, "resource_show", "id", ids[2])).doesNotContainKey("file_id");
        }
        // Nothing was copied: the object is where it was, and the only copy.
        assertThat(Files.readString(bucket.resolve("resources/" + ids[0] + "/my-data-file-0.csv"), StandardCharsets.UTF_8)).isEqualTo("a,b\n0,x\n");

        CliRun back = CliRun.in(dir.resolve("data"), options, "files", "migrate", "cloudstorage", "resources", "--revert");
        assertThat(back.code()).as(back.err()).isZero();
        assertThat(back.err()).contains("2 item(s) set back");
        try (TestPortal portal = reopen.start()) {
            Map<String, Object> reverted = call(portal, "resource_show", "id", ids[0]);
            assertThat(reverted).doesNotContainKey("file_id");
            assertThat((String) reverted.get("url")).endsWith("/download/My%20Data%20File%200.CSV");
        }
    }

    @Test
    void mungedNamesAreCkans() {
        assertThat(CloudStorageResources.mungeFilename("Résumé Final (2).PDF")).isEqualTo("resume-final-2.pdf");
        assertThat(CloudStorageResources.mungeFilename("a")).isEqualTo("a__");
        assertThat(CloudStorageResources.mungeFilename("dir/x.csv")).isEqualTo("x.csv");
        assertThat(CloudStorageResources.mungeFilename("n".repeat(150) + ".csv")).hasSize(100).endsWith(".csv");
    }

    @Test
    void theDriversMapOntoTheAdapters() {
        Map<String, String> s3 = CloudStorageForm.derive(lookup(Map.of("portal.cloudstorage.driver", "S3_US_WEST_OREGON",
                "portal.cloudstorage.container_name", "bucket-1",
                "portal.cloudstorage.driver_options", "{\"key\": \"AK\", \"secret\": \"SK\"}")), Set.of());
        assertThat(s3).containsEntry("portal.files.storage.resources.type", "files:s3")
                .containsEntry("portal.files.storage.resources.bucket", "bucket-1")
                .containsEntry("portal.files.storage.resources.region", "us-west-2")
                .containsEntry("portal.files.storage.resources.access_key", "AK")
                .containsEntry("portal.files.storage.resources.secret_key", "SK");
        Map<String, String> minio = CloudStorageForm.derive(lookup(Map.of("portal.cloudstorage.driver", "S3",
                "portal.cloudstorage.container_name", "b", "portal.cloudstorage.storage", "cloud",
                "portal.cloudstorage.driver_options", "{'key': 'AK', 'secret': 'SK', 'host': '127.0.0.1', 'port': 9000, 'secure': False}")),
                Set.of());
        assertThat(minio).containsEntry("portal.files.storage.cloud.host", "http://127.0.0.1:9000");
        Map<String, String> azure = CloudStorageForm.derive(lookup(Map.of("portal.cloudstorage.driver", "AZURE_BLOBS",
                "portal.cloudstorage.container_name", "demo",
                "portal.cloudstorage.driver_options", "{'key': 'devstoreaccount1', 'secret': 'K', 'host': '127.0.0.1', 'port': 10000, 'secure': False}")),
                Set.of());
        assertThat(azure).containsEntry("portal.files.storage.resources.type", "files:azure_blob")
                .containsEntry("portal.files.storage.resources.container", "demo")
                .containsEntry("portal.files.storage.resources.account_name", "devstoreaccount1")
                .containsEntry("portal.files.storage.resources.endpoint", "http://127.0.0.1:10000/devstoreaccount1");
        Map<String, String> gcs = CloudStorageForm.derive(lookup(Map.of("portal.cloudstorage.driver", "GOOGLE_STORAGE",
                "portal.cloudstorage.container_name", "g", "portal.cloudstorage.driver_options",
                "{'key': 'sa@p.iam.gserviceaccount.com', 'secret': '/etc/ckan/gcs.json'}")), Set.of());
        assertThat(gcs).containsEntry("portal.files.storage.resources.type", "files:opendal")
                .containsEntry("portal.files.storage.resources.scheme", "gcs")
                .containsEntry("portal.files.storage.resources.params", "{\"bucket\":\"g\",\"credential_path\":\"/etc/ckan/gcs.json\"}");
    }

    @Test
    void mistakesNameTheirKey(@TempDir Path dir) {
        assertThatThrownBy(() -> CloudStorageForm.derive(lookup(Map.of("portal.cloudstorage.driver", "RACKSPACE_CLOUDFILES",
                "portal.cloudstorage.container_name", "c")), Set.of()))
                .isInstanceOf(PortalException.class).hasMessageContaining("portal.cloudstorage.driver: driver RACKSPACE_CLOUDFILES");
        assertThatThrownBy(() -> CloudStorageForm.derive(lookup(Map.of("portal.cloudstorage.driver", "S3")), Set.of()))
                .hasMessageContaining("portal.cloudstorage.container_name: missing value");
        assertThatThrownBy(() -> CloudStorageForm.derive(lookup(Map.of("portal.cloudstorage.driver", "S3",
                "portal.cloudstorage.container_name", "c", "portal.cloudstorage.driver_options", "key=x")), Set.of()))
                .hasMessageContaining("portal.cloudstorage.driver_options: must be a JSON object");
        // The same storage written both ways is refused; an explicit global option wins over the translated one.
        Map<String, String> both = new LinkedHashMap<>(options(dir));
        both.put("portal.files.storage.resources.type", "files:memory");
        assertThatThrownBy(() -> PortalConfigImpl.load(null, both))
                .hasMessageContaining("storage resources is configured twice, by portal.cloudstorage.* and by portal.files.storage.resources.type");
        Map<String, String> explicit = new LinkedHashMap<>(options(dir));
        explicit.put("portal.files.use_secure_urls", "false");
        PortalConfigImpl config = PortalConfigImpl.load(null, explicit);
        assertThat(config.get("portal.files.use_secure_urls")).contains("false");
        assertThat(config.get("portal.files.storage.resources.type")).contains("files:fs");
        assertThat(config.rawValues()).containsKey("portal.files.storage.resources.path");
    }

    private static java.util.function.Function<String, Optional<String>> lookup(Map<String, String> values) {
        return key -> Optional.ofNullable(values.get(key));
    }
}
