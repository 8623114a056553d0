package dev.portalkit.runtime.files;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portalkit.runtime.files.content.LocationRules;
import dev.portalkit.runtime.files.managed.ManagedStorageImpl;
import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.portalkit.api.ErrorKind;
import dev.portalkit.api.PortalException;
import dev.portalkit.api.files.Location;
import dev.portalkit.api.files.ManagedStorage;
import dev.portalkit.runtime.BootOptions;
import dev.portalkit.runtime.files.fs.FsStorage;
import dev.portalkit.runtime.testing.TestPortal;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * Location rules, the built-in transformers and the fs adapter's containment on any string: a
 * location is refused with BAD_REQUEST, or it is a relative path of the rules' shape that resolves
 * inside the storage's folder, also through the folder's symbolic links (one points outside).
 */
class LocationFuzzTest {
    private static TestPortal portal;
    private static Path dir;
    private static Path root;
    private static ManagedStorage plain;
    private static ManagedStorage transformed;

    @BeforeAll
    static void start() throws IOException {
        dir = Files.createTempDirectory("location-fuzz");
        root = dir.resolve("files");
        Files.createDirectories(root.resolve("sub"));
        Files.createDirectories(dir.resolve("outside"));
        Files.createSymbolicLink(root.resolve("link"), dir.resolve("outside"));
        portal = TestPortal.builder().database(BootOptions.Database.NONE).runPendingTasks(false).start();
        plain = open("plain", Map.of("recursive", "true"));
        transformed = open("transformed", Map.of("recursive", "true", "location_transformers", "safe_relative_path uuid_prefix"));
    }

    private static ManagedStorage open(String name, Map<String, String> extra) {
        Map<String, String> options = new LinkedHashMap<>(extra);
        options.put("type", "files:fs");
        options.put("path", root.toString());
        return FilesPlugin.of(portal.portal()).openStorage(name, options);
    }

    @AfterAll
    static void stop() {
        plain.close();
        transformed.close();
        portal.close();
    }

    @FuzzTest(maxDuration = "10m")
    void aLocationIsRefusedOrStaysInsideTheFolder(FuzzedDataProvider data) {
        String input = data.consumeRemainingAsString();
        for (ManagedStorage storage : new ManagedStorage[] {plain, transformed}) {
            String location;
            try {
                location = storage.prepareLocation(input, null).value();
            } catch (PortalException e) {
                assertThat(e.kind()).as("%s: %s", input, e.getMessage()).isEqualTo(ErrorKind.BAD_REQUEST);
                continue;
            }
            assertThat(LocationRules.check(location)).isEqualTo(location);
            FsStorage fs = (FsStorage) ((ManagedStorageImpl) storage).adapter();
            Path file;
            try {
                file = fs.resolve(new Location(location));
            } catch (PortalException e) {
                assertThat(e.kind()).as("%s: %s", location, e.getMessage()).isEqualTo(ErrorKind.BAD_REQUEST);
                continue;
            }
            assertThat(FsStorage.contains(root, file)).as(location).isTrue();
            assertThat(file).as(location).isNotEqualTo(root);
            assertThat(file.startsWith(root.resolve("link"))).as("%s leads through the link out of the folder", location).isFalse();
        }
    }
}
