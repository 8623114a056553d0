package dev.portalkit.runtime.files.managed;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.portalkit.api.ErrorKind;
import dev.portalkit.api.files.Capability;
import dev.portalkit.api.files.FileData;
import dev.portalkit.api.files.FilesException;
import dev.portalkit.api.files.Location;
import dev.portalkit.api.files.StorageSettings;
import dev.portalkit.api.files.Upload;
import dev.portalkit.runtime.files.memory.MemoryStorage;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The emulation layer alone, over a {@code files:memory} adapter: RANGE, COPY, MOVE and COMPOSE by streaming, and the cap. */
class StreamingEmulationTest {
    private static final long CAP = 16;
    private final StorageSettings settings = new StorageSettings("emu", null, "files:memory", 0, List.of(), false, List.of(), false,
            false, Set.of(), "md5", CAP, Map.of());
    private final MemoryStorage adapter = new MemoryStorage(settings);
    /** The adapter as the layers see it without its own COPY, so that MOVE copies by streaming. */
    private final AdapterAccess access = new AdapterAccess(settings, adapter,
            new CapabilityGate("emu", EnumSet.of(Capability.CREATE, Capability.STREAM, Capability.REMOVE, Capability.EXISTS), Set.of()),
            RetryLayer.NONE);
    private final StreamingEmulation emulation = new StreamingEmulation(access, new UploadMeasuring(access));

    @AfterEach
    void close() {
        adapter.close();
    }

    private FileData put(String location, String content) {
        return adapter.uploader().upload(new Location(location), Upload.of(content.getBytes(StandardCharsets.UTF_8), location,
                "text/plain"), false);
    }

    private boolean exists(String location) {
        return adapter.manager().exists(FileData.of(new Location(location)));
    }

    private static String read(InputStream in) throws IOException {
        try (in) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static void assertUnsupported(ThrowingCallable call, String fragment) {
        assertThatThrownBy(call).isInstanceOfSatisfying(FilesException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.UNSUPPORTED))
                .hasMessageContaining("inefficient_operation_cap of 16 bytes (portal.files.storage.emu.inefficient_operation_cap)")
                .hasMessageContaining(fragment);
    }

    @Test
    void rangeSkipsAndLimitsTheStream() throws IOException {
        FileData file = put("a.txt", "0123456789abcdefghij");
        assertThat(read(emulation.range(file, 3, 8))).isEqualTo("34567");
        assertThat(read(emulation.range(file, 16, 100))).isEqualTo("ghij");
        assertUnsupported(() -> emulation.range(file, 17, 18), "read a range starting at byte 17");
    }

    @Test
    void copyStreamsAndMeasuresTheContent() throws IOException {
        FileData source = put("a.txt", "hello ");
        FileData copy = emulation.copy(new Location("b.txt"), source, false);
        assertThat(copy.location().value()).isEqualTo("b.txt");
        assertThat(copy.size()).isEqualTo(6);
        assertThat(copy.hash()).as("md5 of \"hello \"").isEqualTo("f814893777bcc2295fff05f00e508da6");
        assertThat(copy.hashAlgorithm()).isEqualTo("md5");
        assertThat(read(adapter.reader().stream(copy))).isEqualTo("hello ");
        assertThatThrownBy(() -> emulation.copy(new Location("b.txt"), source, false)).isInstanceOfSatisfying(FilesException.class,
                e -> assertThat(e.kind()).isEqualTo(ErrorKind.ALREADY_EXISTS));
        assertThat(emulation.copy(new Location("b.txt"), source, true).size()).isEqualTo(6);
    }

    @Test
    void copyStopsAtTheCapAndLeavesNothingBehind() {
        FileData large = put("large.txt", "0123456789abcdefghij");
        assertUnsupported(() -> emulation.copy(new Location("known.txt"), large, false), "copy files natively");
        assertUnsupported(() -> emulation.copy(new Location("unknown.txt"), FileData.of(new Location("large.txt")), false),
                "copy files natively");
        assertThat(exists("known.txt")).isFalse();
        assertThat(exists("unknown.txt")).as("the partial copy is removed").isFalse();
    }

    @Test
    void moveCopiesThenRemovesTheSource() throws IOException {
        FileData source = put("a.txt", "moving");
        FileData moved = emulation.move(new Location("b.txt"), source, false);
        assertThat(read(adapter.reader().stream(moved))).isEqualTo("moving");
        assertThat(exists("a.txt")).isFalse();
        FileData large = put("large.txt", "0123456789abcdefghij");
        assertUnsupported(() -> emulation.move(new Location("c.txt"), large, false), "this is 20 bytes");
        assertThat(exists("large.txt")).as("a refused move keeps its source").isTrue();
    }

    @Test
    void composeJoinsTheSourcesInOrder() throws IOException {
        FileData a = put("a.txt", "hello ");
        FileData b = put("b.txt", "world");
        FileData all = emulation.compose(new Location("all.txt"), List.of(a, b), false);
        assertThat(all.size()).isEqualTo(11);
        assertThat(read(adapter.reader().stream(all))).isEqualTo("hello world");
        assertThatThrownBy(() -> emulation.compose(new Location("x.txt"), List.of(a, FileData.of(new Location("missing.txt"))), false))
                .isInstanceOf(FilesException.class).hasMessageContaining("missing.txt");
        assertUnsupported(() -> emulation.compose(new Location("twice.txt"), List.of(all, all), false), "this is 22 bytes");
        assertThat(exists("x.txt")).isFalse();
        assertThat(exists("twice.txt")).isFalse();
    }
}
