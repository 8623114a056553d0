package dev.portalkit.runtime.files.tracked;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.portalkit.api.ErrorKind;
import dev.portalkit.api.PortalException;
import dev.portalkit.api.files.FileData;
import dev.portalkit.api.files.Location;
import dev.portalkit.runtime.files.FilesPlugin;
import dev.portalkit.runtime.testing.TestDb;
import dev.portalkit.runtime.testing.TestPortal;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Two portal processes (two containers here) on one database: an upload started on one node is
 * continued and completed on the other, with parts sent to both at the same time. The storages
 * are shared as they would be between real nodes: {@code files:db} (content in that database)
 * and {@code files:fs} on one folder.
 */
@ParameterizedClass(name = "{0}")
@EnumSource(TestDb.class)
class MultipartTwoNodesTest {
    @org.junit.jupiter.params.Parameter
    TestDb db;

    private TestPortal start(Path dataDir, Path storage, Map<String, String> database) {
        TestPortal.Builder builder = TestPortal.builder().db(db).dataDir(dataDir)
                .option("portal.files.storage.shared.type", "files:db")
                .option("portal.files.storage.folder.type", "files:fs")
                .option("portal.files.storage.folder.path", storage.toString())
                .option("portal.files.storage.folder.create_path", "true");
        database.forEach(builder::option);
        return builder.start();
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> call(TestPortal node, String action, Map<String, Object> data) {
        return (Map<String, Object>) node.call(action, TestPortal.SYSADMIN, data);
    }

    private static Map<String, Object> map(Object... kv) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put((String) kv[i], kv[i + 1]);
        }
        return m;
    }

    @Test
    void anUploadStartedOnOneNodeIsContinuedAndCompletedOnTheOther() throws Exception {
        Path dataDir = Files.createTempDirectory("node-a-");
        Path folder = Files.createTempDirectory("shared-folder-");
        try (TestPortal a = start(dataDir, folder, Map.of())) {
            Map<String, String> database = new LinkedHashMap<>();
            if (db == TestDb.POSTGRES) {
                database.put("portal.db.url", a.portal().config().string("portal.db.url"));
                database.put("portal.db.user", "postgres");
                database.put("portal.db.password", "postgres");
            }
            // Node b: its own data directory, except on H2 whose database file lives in the data directory.
            Path dataDirB = db == TestDb.H2 ? dataDir : Files.createTempDirectory("node-b-");
            try (TestPortal b = start(dataDirB, folder, database)) {
                for (String storage : List.of("shared", "folder")) {
                    List<String> parts = List.of("alpha-", "beta-", "gamma-", "delta-", "epsilon-", "zeta-", "eta-", "theta");
                    String content = String.join("", parts);
                    Map<String, Object> upload = call(a, "files_multipart_start", map("storage", storage, "name", storage + "-big.txt",
                            "size", content.length(), "hash", MultipartTest.md5(content)));
                    Object id = upload.get("id");
                    // All parts at once, alternating between the nodes.
                    ExecutorService pool = Executors.newFixedThreadPool(4);
                    try {
                        List<Future<?>> sent = new ArrayList<>();
                        for (int i = 0; i < parts.size(); i++) {
                            TestPortal node = i % 2 == 0 ? a : b;
                            int n = i + 1;
                            String part = parts.get(i);
                            sent.add(pool.submit(() -> call(node, "files_multipart_update", map("id", id, "part", n, "upload", part))));
                        }
                        for (Future<?> f : sent) {
                            f.get();
                        }
                    } finally {
                        pool.shutdown();
                    }
                    Map<String, Object> refreshed = call(b, "files_multipart_refresh", map("id", id));
                    assertThat((Map<String, Object>) refreshed.get("parts")).hasSize(parts.size());
                    Map<String, Object> file = call(b, "files_multipart_complete", map("id", id));
                    assertThat(file).containsEntry("size", (long) content.length()).containsEntry("hash", MultipartTest.md5(content));
                    assertThat(call(a, "files_file_show", map("id", file.get("id")))).isEqualTo(file);
                    try (InputStream in = FilesPlugin.of(a.portal()).storages().get(storage).reader()
                            .stream(FileData.of(new Location((String) file.get("location"))))) {
                        assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8)).isEqualTo(content);
                    }
                    PortalException gone = catchThrowableOfType(PortalException.class,
                            () -> call(a, "files_multipart_update", map("id", id, "part", 1, "upload", "late")));
                    assertThat(gone.kind()).isEqualTo(ErrorKind.NOT_FOUND);
                }
            }
        }
    }
}
