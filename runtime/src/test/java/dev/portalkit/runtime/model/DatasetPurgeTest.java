package dev.portalkit.runtime.model;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portalkit.api.ErrorKind;
import dev.portalkit.api.files.Upload;
import dev.portalkit.runtime.testing.TestDb;
import dev.portalkit.runtime.testing.TestPortal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/** CKAN's dataset_purge: the dataset goes for good, and its resources' uploaded files after the commit. */
@ParameterizedClass(name = "{0}")
@EnumSource(TestDb.class)
class DatasetPurgeTest extends ModelTestBase {
    private static final byte[] CSV = "a,b\n1,2\n".getBytes(StandardCharsets.UTF_8);
    private Path root;

    @Override
    protected void configure(TestPortal.Builder builder) throws Exception {
        root = Files.createTempDirectory("purge-");
        builder.plugins("purge-probe")
                .option("portal.files.storage.default.type", "files:fs")
                .option("portal.files.storage.default.path", root.toString())
                .option("portal.files.storage.default.create_path", "true");
    }

    @Test
    void aPurgedDatasetLeavesTheSearchIndex() {
        Map<String, Object> org = newOrg(SYSADMIN);
        Map<String, Object> ds = newDataset(org, false);
        Map<String, Object> query = map("fq", "name:" + ds.get("name"));
        assertThat(dict("package_search", SYSADMIN, query).get("count")).isEqualTo(1L);
        call("dataset_purge", SYSADMIN, map("id", ds.get("id")));
        assertThat(dict("package_search", SYSADMIN, map("fq", "name:" + ds.get("name"))).get("count")).isEqualTo(0L);
    }

    @Test
    void purgeRemovesTheDatasetAndItsUploadedFilesOnlyAfterTheCommit() {
        var editor = newUser("editor");
        Map<String, Object> org = newOrg(editor);
        Map<String, Object> group = dict("group_create", editor, map("name", unique("grp")));
        Map<String, Object> ds = dict("package_create", editor, map("name", unique("gone"), "owner_org", org.get("id"),
                "tags", List.of(map("name", "rivers")), "extras", List.of(map("key", "k", "value", "v")),
                "groups", List.of(map("id", group.get("id")))));
        Map<String, Object> resource = dict("resource_create", editor, map("package_id", ds.get("id"),
                "upload", Upload.of(CSV, "data.csv", "text/csv")));
        dict("resource_create", editor, map("package_id", ds.get("id"), "url", "https://example.org/link.csv"));
        String fileId = (String) resource.get("file_id");
        // Another dataset's resources are not touched.
        Map<String, Object> other = newDataset(org, false);
        Path bytes = root.resolve("resources").resolve((String) dict("files_file_show", SYSADMIN, map("id", fileId)).get("location"));
        assertThat(bytes).exists();
        // A dataset deleted first keeps its resources and files until purged.
        call("package_delete", editor, map("id", ds.get("id")));
        assertThat(bytes).exists();

        // Only sysadmins purge, as in CKAN; the organization's admin may not.
        denied("dataset_purge", editor, map("id", ds.get("id")));
        notFound("dataset_purge", SYSADMIN, map("id", "no-such-dataset"));

        PurgeProbePlugin.WATCHED = bytes;
        PurgeProbePlugin.EXISTED_BEFORE_COMMIT.clear();
        try {
            // A purge that fails later in the same action leaves everything as it was.
            failure(ErrorKind.CONFLICT, "dataset_purge", SYSADMIN, map("id", ds.get("id"), "probe_fail", "yes"));
            assertThat(bytes).exists();
            assertThat(dict("package_show", SYSADMIN, map("id", ds.get("id")))).containsEntry("state", "deleted");
            assertThat(dict("files_file_show", SYSADMIN, map("id", fileId))).containsEntry("id", fileId);

            assertThat(call("dataset_purge", SYSADMIN, map("id", ds.get("name")))).isNull();
            assertThat(PurgeProbePlugin.EXISTED_BEFORE_COMMIT).containsExactly(true, true);
        } finally {
            PurgeProbePlugin.WATCHED = null;
        }
        assertThat(bytes).doesNotExist();
        notFound("files_file_show", SYSADMIN, map("id", fileId));
        notFound("package_show", SYSADMIN, map("id", ds.get("id")));
        notFound("resource_show", SYSADMIN, map("id", resource.get("id")));
        // The group lives on without it.
        assertThat(dict("group_show", SYSADMIN, map("id", group.get("id")))).containsEntry("state", "active");
        assertThat(resourcesOf(dict("package_show", SYSADMIN, map("id", other.get("id"))))).hasSize(1);
        // The name is free again.
        dict("package_create", editor, map("name", ds.get("name"), "owner_org", org.get("id")));
    }
}
