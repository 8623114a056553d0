package dev.portalkit.runtime.files;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.portalkit.api.PortalException;
import dev.portalkit.api.files.FileData;
import dev.portalkit.api.files.Location;
import dev.portalkit.api.files.ManagedStorage;
import dev.portalkit.api.files.Upload;
import dev.portalkit.runtime.files.download.DownloadRequest;
import dev.portalkit.runtime.files.download.DownloadResponse;
import dev.portalkit.runtime.model.ResourceRecord;
import dev.portalkit.runtime.testing.CliRun;
import dev.portalkit.runtime.testing.TestPortal;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code files:ckan_resource_fs} (seed 003's "Migration for resource uploads"): a storage over CKAN's
 * classic {@code storage_path/resources/abc/def/<rest of the id>} tree the test makes, scanned
 * ({@code -u}), tracked ({@code -t}), read in place, handed to its resources by
 * {@code files migrate local-resources}, and downloaded through the resource's download route.
 */
class CkanResourceFsTest {

    private static Map<String, String> options(Path dir) {
        Map<String, String> o = new LinkedHashMap<>();
        o.put("portal.files.storage.files.type", "files:fs");
        o.put("portal.files.storage.files.path", dir.resolve("files").toString());
        o.put("portal.files.storage.files.create_path", "true");
        o.put("portal.files.storage.files.skip_in_place_move", "false");
        o.put("portal.files.storage.resources.type", "files:ckan_resource_fs");
        o.put("portal.files.storage.resources.path", dir.resolve("ckan/resources").toString());
        o.put("portal.files.storage.resources.max_size", "10MiB");
        o.put("portal.files.default_storage", "files");
        o.put("portal.auth.password_iterations", "1000");
        return o;
    }

    private static TestPortal portal(Path dir) {
        TestPortal.Builder builder = TestPortal.builder().dataDir(dir.resolve("data"));
        options(dir).forEach(builder::option);
        return builder.start();
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> call(TestPortal portal, String action, Object... kv) {
        Map<String, Object> data = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            data.put((String) kv[i], kv[i + 1]);
        }
        return (Map<String, Object>) portal.call(action, TestPortal.SYSADMIN, data);
    }

    /** Where CKAN's ResourceUpload keeps resource {@code id}'s upload, relative to storage_path/resources. */
    private static String classicLocation(String id) {
        return id.substring(0, 3) + "/" + id.substring(3, 6) + "/" + id.substring(6);
    }

    private static byte[] body(DownloadResponse response) throws Exception {
        if (response.body() instanceof DownloadResponse.LocalFile f) {
            ByteBuffer buffer = ByteBuffer.allocate((int) f.length());
            f.channel().read(buffer, f.offset());
            return buffer.array();
        }
        if (response.body() instanceof DownloadResponse.Content c) {
            try (InputStream in = c.stream()) {
                return in.readAllBytes();
            }
        }
        throw new AssertionError("no body: " + response);
    }

    @Test
    void classicResourceTreeIsScannedTrackedReadInPlaceAndGivenToItsResources(@TempDir Path dir) throws Exception {
        Path resources = dir.resolve("ckan/resources");
        Files.createDirectories(resources);
        Map<String, String> made = new TreeMap<>(); // resource id -> its classic file's content
        String dataset;
        try (TestPortal portal = portal(dir)) {
            Map<String, Object> org = call(portal, "organization_create", "name", "classic-org");
            dataset = (String) call(portal, "package_create", "name", "classic", "owner_org", org.get("id")).get("id");
            for (String url : List.of("rivers.csv", "lakes.csv")) {
                String id = (String) call(portal, "resource_create", "package_id", dataset, "url", url).get("id");
                made.put(id, "content of " + url + "\n");
            }
            // CKAN's classic uploads: url_type upload with the bare file name (no upload through the actions here).
            portal.portal().inTransaction(() -> {
                made.keySet().forEach(id -> portal.portal().transactions().em().find(ResourceRecord.class, id).urlType = "upload");
                return null;
            });
        }
        for (Map.Entry<String, String> r : made.entrySet()) {
            Path file = resources.resolve(classicLocation(r.getKey()));
            Files.createDirectories(file.getParent());
            Files.writeString(file, r.getValue());
        }
        String orphan = classicLocation(UUID.randomUUID().toString());
        Files.createDirectories(resources.resolve(orphan).getParent());
        Files.writeString(resources.resolve(orphan), "a deleted resource's upload");

        List<String> expected = new java.util.ArrayList<>(made.keySet().stream().map(CkanResourceFsTest::classicLocation).toList());
        expected.add(orphan);
        CliRun untracked = CliRun.in(dir.resolve("data"), options(dir), "files", "scan", "-s", "resources", "-u");
        assertThat(untracked.code()).as(untracked.err()).isZero();
        assertThat(untracked.outLines()).containsExactlyInAnyOrderElementsOf(expected);
        CliRun track = CliRun.in(dir.resolve("data"), options(dir), "files", "scan", "-s", "resources", "-t");
        assertThat(track.code()).as(track.err()).isZero();

        CliRun migrate = CliRun.in(dir.resolve("data"), options(dir), "files", "migrate", "local-resources", "resources", "--yes");
        assertThat(migrate.code()).as(migrate.err()).isZero();
        assertThat(migrate.out()).contains("Found 3 files.").contains("Located owners for 2 files out of 3.");
        assertThat(migrate.err()).contains("2 file(s) migrated, 0 already done");

        try (TestPortal portal = portal(dir)) {
            FilesPlugin files = FilesPlugin.of(portal.portal());
            ManagedStorage storage = files.storages().get("resources");
            Downloads downloads = new Downloads(portal.portal());
            assertThat(((Number) call(portal, "files_file_search", "storage", "resources", "rows", 0).get("count")).intValue())
                    .as("all tracked").isEqualTo(3);
            for (Map.Entry<String, String> r : made.entrySet()) {
                String location = classicLocation(r.getKey());
                // Read where CKAN left it: the tracked file is the classic path, unchanged.
                try (InputStream in = storage.reader().stream(FileData.of(new Location(location)))) {
                    assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8)).isEqualTo(r.getValue());
                }
                Map<String, Object> resource = call(portal, "resource_show", "id", r.getKey());
                Map<String, Object> file = call(portal, "files_file_show", "id", resource.get("file_id"));
                assertThat(file).containsEntry("storage", "resources").containsEntry("location", location)
                        .containsEntry("owner_type", "resource").containsEntry("owner_id", r.getKey()).containsEntry("pinned", true);
                assertThat(resource).containsEntry("url_type", "upload");
                try (DownloadResponse response = downloads.resourceFile(dataset, r.getKey(), TestPortal.SYSADMIN,
                        DownloadRequest.get()).response()) {
                    assertThat(response.status()).isEqualTo(200);
                    assertThat(new String(body(response), StandardCharsets.UTF_8)).isEqualTo(r.getValue());
                }
                assertThat(Files.readString(resources.resolve(location))).isEqualTo(r.getValue());
            }
            // skip_in_place_move = false, configured at start, for the files storage alone (ManagedStorageTest has the rest).
            ManagedStorage other = files.storages().get("files");
            FileData kept = other.uploader().upload(new Location("kept.txt"), Upload.of(new byte[] {1}, "kept.txt", null), false);
            assertThatThrownBy(() -> other.manager().move(kept.location(), kept, false)).isInstanceOf(PortalException.class)
                    .hasMessageContaining("(portal.files.storage.files.skip_in_place_move is false)");
            assertThat(other.manager().copy(kept.location(), kept, false)).isSameAs(kept);
            assertThat(storage.manager().move(FileData.of(new Location(orphan)).location(), FileData.of(new Location(orphan)), false))
                    .isEqualTo(FileData.of(new Location(orphan)));
            // Uploads keep the layout's sub-folders without a recursive option; there is none to set.
            storage.uploader().upload(new Location("123/456/7890"), Upload.of("new".getBytes(StandardCharsets.UTF_8), "x.txt",
                    "text/plain"), false);
            assertThat(Files.readString(resources.resolve("123/456/7890"))).isEqualTo("new");
            assertThatThrownBy(() -> files.openStorage("x", Map.of("type", "files:ckan_resource_fs", "path", resources.toString(),
                    "recursive", "true"))).isInstanceOf(PortalException.class).hasMessageContaining("portal.files.storage.x.recursive: unknown option");
        }
    }
}
