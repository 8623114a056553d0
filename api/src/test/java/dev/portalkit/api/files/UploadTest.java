package dev.portalkit.api.files;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class UploadTest {
    private static String read(Upload upload) throws IOException {
        try (InputStream in = upload.open()) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void bytesAndPathsReopenStreamsOnce(@TempDir Path dir) throws IOException {
        Upload bytes = Upload.of("abc".getBytes(StandardCharsets.UTF_8), "a.txt", null);
        assertThat(read(bytes)).isEqualTo("abc");
        assertThat(read(bytes)).isEqualTo("abc");
        assertThat(bytes.size()).isEqualTo(3);
        assertThat(bytes.contentType()).isEqualTo("application/octet-stream");

        Path file = Files.writeString(dir.resolve("data.csv"), "x,y\n");
        Upload path = Upload.of(file, "text/csv");
        assertThat(path.filename()).isEqualTo("data.csv");
        assertThat(path.size()).isEqualTo(4);
        assertThat(read(path)).isEqualTo(read(path));

        Upload once = Upload.of(new ByteArrayInputStream(new byte[] {1, 2}), "s.bin", "application/x-thing", -1);
        assertThat(once.open().readAllBytes()).containsExactly(1, 2);
        assertThatThrownBy(once::open).isInstanceOf(IOException.class).hasMessageContaining("read already");
    }

    @Test
    void locationsAreNeverEmpty() {
        assertThatThrownBy(() -> new Location("")).isInstanceOf(IllegalArgumentException.class);
        assertThat(new Location("a/b").toString()).isEqualTo("a/b");
    }
}
