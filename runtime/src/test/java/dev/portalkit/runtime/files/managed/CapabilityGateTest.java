package dev.portalkit.runtime.files.managed;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.portalkit.api.ErrorKind;
import dev.portalkit.api.files.Capability;
import dev.portalkit.api.files.FileData;
import dev.portalkit.api.files.FilesException;
import dev.portalkit.api.files.Location;
import dev.portalkit.api.files.Manager;
import dev.portalkit.api.files.MultipartData;
import dev.portalkit.api.files.Storage;
import dev.portalkit.api.files.StorageReader;
import dev.portalkit.api.files.StorageSettings;
import dev.portalkit.api.files.Upload;
import dev.portalkit.api.files.Uploader;
import dev.portalkit.runtime.files.memory.MemoryStorage;
import java.nio.charset.StandardCharsets;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The capability gate alone: what is offered, what is emulated, and what {@code disabled_capabilities} takes away. */
class CapabilityGateTest {
    private static final Set<Capability> BASIC = EnumSet.of(Capability.CREATE, Capability.STREAM, Capability.REMOVE, Capability.EXISTS);

    @Test
    void whatTheAdapterLacksIsEmulatedFromStreamCreateAndRemove() {
        CapabilityGate gate = new CapabilityGate("s", BASIC, Set.of());
        assertThat(gate.emulated()).containsExactlyInAnyOrder(Capability.RANGE, Capability.COPY, Capability.COMPOSE, Capability.MOVE);
        assertThat(gate.all()).containsAll(BASIC).containsAll(gate.emulated()).doesNotContain(Capability.APPEND, Capability.SCAN);
        assertThat(gate.adapterHas(Capability.STREAM)).isTrue();
        assertThat(gate.adapterHas(Capability.COPY)).as("emulated is not the adapter's own").isFalse();
    }

    @Test
    void whatTheAdapterDoesItselfIsNotEmulated() {
        CapabilityGate gate = new CapabilityGate("s", EnumSet.of(Capability.CREATE, Capability.STREAM, Capability.RANGE,
                Capability.COPY, Capability.REMOVE), Set.of());
        assertThat(gate.emulated()).containsExactlyInAnyOrder(Capability.COMPOSE, Capability.MOVE);
        assertThat(gate.adapterHas(Capability.COPY)).isTrue();
    }

    @Test
    void withoutStreamNothingIsEmulatedAndMoveNeedsRemove() {
        assertThat(new CapabilityGate("s", EnumSet.of(Capability.CREATE, Capability.REMOVE), Set.of()).emulated()).isEmpty();
        assertThat(new CapabilityGate("s", EnumSet.of(Capability.CREATE, Capability.STREAM), Set.of()).emulated())
                .containsExactlyInAnyOrder(Capability.RANGE, Capability.COPY, Capability.COMPOSE);
    }

    @Test
    void aDisabledCapabilityIsNeitherOfferedNorEmulatedNorUsedToEmulate() {
        CapabilityGate gate = new CapabilityGate("s", BASIC, EnumSet.of(Capability.COPY, Capability.RANGE));
        assertThat(gate.all()).doesNotContain(Capability.COPY, Capability.RANGE, Capability.MOVE);
        assertThat(gate.emulated()).containsExactly(Capability.COMPOSE);
        CapabilityGate noStream = new CapabilityGate("s", BASIC, EnumSet.of(Capability.STREAM));
        assertThat(noStream.all()).doesNotContain(Capability.STREAM, Capability.COPY, Capability.MOVE, Capability.COMPOSE,
                Capability.RANGE);
        assertThat(noStream.adapterHas(Capability.STREAM)).isFalse();
        CapabilityGate nativeMoveDisabled = new CapabilityGate("s", EnumSet.of(Capability.MOVE, Capability.COPY), EnumSet.of(Capability.MOVE));
        assertThat(nativeMoveDisabled.all()).containsExactly(Capability.COPY);
    }

    @Test
    void requireRefusesWhatIsNotOfferedAsUnsupported() {
        CapabilityGate gate = new CapabilityGate("archive", BASIC, EnumSet.of(Capability.COPY));
        assertThatCode(() -> gate.require(Capability.COMPOSE)).doesNotThrowAnyException();
        assertThatThrownBy(() -> gate.require(Capability.COPY)).isInstanceOfSatisfying(FilesException.class,
                e -> assertThat(e.kind()).isEqualTo(ErrorKind.UNSUPPORTED)).hasMessage("storage archive does not support COPY");
        assertThatThrownBy(() -> gate.require(Capability.APPEND)).hasMessageContaining("does not support APPEND");
    }

    @Test
    void eachServiceDeclaresItsShare() {
        CapabilityGate gate = new CapabilityGate("s", EnumSet.of(Capability.CREATE, Capability.MULTIPART, Capability.STREAM,
                Capability.PUBLIC_LINK, Capability.REMOVE, Capability.SCAN), EnumSet.of(Capability.MULTIPART));
        assertThat(gate.of(CapabilityGate.UPLOADER)).containsExactly(Capability.CREATE);
        assertThat(gate.of(CapabilityGate.READER)).containsExactlyInAnyOrder(Capability.STREAM, Capability.RANGE, Capability.PUBLIC_LINK);
        assertThat(gate.ofManager()).containsExactlyInAnyOrder(Capability.REMOVE, Capability.SCAN, Capability.COPY,
                Capability.COMPOSE, Capability.MOVE);
    }

    @Test
    void aStorageDeclaringMultipartWithoutMultipartUploadsDoesNotOpen() {
        MemoryStorage memory = new MemoryStorage(settings("broken", Set.of()));
        try {
            Storage broken = withoutMultipartUploads(memory);
            assertThatThrownBy(() -> new ManagedStorageImpl(broken.settings(), broken, Map.of()))
                    .isInstanceOfSatisfying(FilesException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.INTERNAL))
                    .hasMessageContaining("storage broken cannot open")
                    .hasMessageContaining("declares MULTIPART but its uploader's multipart() is empty");
            CapabilityGate gate = new CapabilityGate("broken", broken.capabilities(), Set.of());
            assertThatThrownBy(() -> gate.multipart(broken.uploader())).hasMessageContaining("storage broken cannot open");
        } finally {
            memory.close();
        }
    }

    @Test
    void withMultipartDisabledSuchAStorageOpensWithoutMultipartUploads() {
        MemoryStorage memory = new MemoryStorage(settings("broken", EnumSet.of(Capability.MULTIPART)));
        try (ManagedStorageImpl storage = new ManagedStorageImpl(memory.settings(), withoutMultipartUploads(memory), Map.of())) {
            assertThat(storage.capabilities()).doesNotContain(Capability.MULTIPART);
            assertThat(storage.uploader().multipart()).isEmpty();
            FileData stored = storage.uploader().upload(new Location("a.txt"), Upload.of("a".getBytes(StandardCharsets.UTF_8),
                    "a.txt", "text/plain"), false);
            assertThat(stored.size()).isEqualTo(1);
        }
    }

    @Test
    void theManagedStorageHasMultipartUploadsExactlyWhenItOffersMultipart() {
        try (ManagedStorageImpl storage = new ManagedStorageImpl(settings("m", Set.of()), new MemoryStorage(settings("m", Set.of())), Map.of())) {
            assertThat(storage.capabilities()).contains(Capability.MULTIPART);
            MultipartData started = storage.uploader().multipart().orElseThrow()
                    .start(new MultipartData(new Location("m.txt"), 1, null, "", Map.of()));
            storage.uploader().multipart().orElseThrow().abort(started);
        }
        MemoryStorage disabled = new MemoryStorage(settings("d", EnumSet.of(Capability.MULTIPART)));
        try (ManagedStorageImpl storage = new ManagedStorageImpl(disabled.settings(), disabled, Map.of())) {
            assertThat(storage.uploader().multipart()).isEmpty();
            assertThat(storage.uploader().capabilities()).doesNotContain(Capability.MULTIPART);
        }
    }

    private static StorageSettings settings(String name, Set<Capability> disabled) {
        return new StorageSettings(name, null, "files:memory", 0, List.of(), false, List.of(), false, false, disabled, "md5",
                1024, Map.of());
    }

    /** {@code memory} with an uploader that declares MULTIPART but keeps {@link Uploader#multipart()}'s empty default. */
    private static Storage withoutMultipartUploads(MemoryStorage memory) {
        Uploader inner = memory.uploader();
        Uploader uploader = new Uploader() {
            @Override
            public Set<Capability> capabilities() {
                return EnumSet.of(Capability.CREATE, Capability.MULTIPART);
            }

            @Override
            public FileData upload(Location location, Upload upload, boolean overwrite) {
                return inner.upload(location, upload, overwrite);
            }
        };
        return new Storage() {
            @Override
            public StorageSettings settings() {
                return memory.settings();
            }

            @Override
            public Uploader uploader() {
                return uploader;
            }

            @Override
            public StorageReader reader() {
                return memory.reader();
            }

            @Override
            public Manager manager() {
                return memory.manager();
            }

            @Override
            public void close() {
                memory.close();
            }
        };
    }
}
