package dev.portalkit.example;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.portalkit.api.PortalException;
import dev.portalkit.api.files.FileData;
import dev.portalkit.api.files.Location;
import dev.portalkit.api.files.Storage;
import dev.portalkit.api.files.StorageSettings;
import dev.portalkit.api.files.Upload;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What files:example_gzip adds to the contract: bad options name their key, and files are gzip on disk. */
class ExampleStorageTest {
    @TempDir
    Path dir;

    private static Storage create(Map<String, String> options, boolean initialize) {
        return new ExampleStorage.Factory().create(new StorageSettings("archive", null, ExampleStorage.TYPE, 0, List.of(), false,
                List.of(), initialize, false, Set.of(), "md5", 0, options));
    }

    @Test
    void badOptionsNameTheirKey() {
        String folder = dir.resolve("files").toString();
        assertThatThrownBy(() -> create(Map.of("path", folder, "compression_level", "12"), true))
                .isInstanceOf(PortalException.class)
                .hasMessageContaining("portal.files.storage.archive.compression_level: must be between 0 and 9");
        assertThatThrownBy(() -> create(Map.of("path", folder, "compression_level", "6"), false))
                .isInstanceOf(PortalException.class)
                .hasMessageContaining("portal.files.storage.archive.path: folder")
                .hasMessageContaining("does not exist");
        assertThat(Files.exists(Path.of(folder))).isFalse();
    }

    @Test
    void filesAreKeptGzipCompressedUnderTheirLocation() throws IOException {
        Path folder = dir.resolve("files");
        Storage storage = create(Map.of("path", folder.toString(), "compression_level", "9"), true);
        byte[] csv = "year,count\n2024,1\n".repeat(10_000).getBytes(StandardCharsets.UTF_8);
        FileData stored = storage.uploader().upload(new Location("data/counts.csv"), Upload.of(csv, "counts.csv", "text/csv"), false);
        Path gz = folder.resolve("data/counts.csv.gz");
        assertThat(Files.size(gz)).isLessThan(csv.length / 20);
        try (InputStream in = new GZIPInputStream(Files.newInputStream(gz))) {
            assertThat(in.readAllBytes()).as("any gzip tool reads it").isEqualTo(csv);
        }
        try (InputStream in = storage.reader().stream(stored)) {
            assertThat(in.readAllBytes()).isEqualTo(csv);
        }
        try (var files = Files.walk(folder)) {
            assertThat(files.filter(Files::isRegularFile).map(p -> folder.relativize(p).toString()))
                    .as("no temporary file left").containsExactly("data/counts.csv.gz");
        }
    }
}
