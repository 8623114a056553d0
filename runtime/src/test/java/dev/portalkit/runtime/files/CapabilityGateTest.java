package dev.portalkit.runtime.files;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.portalkit.api.ErrorKind;
import dev.portalkit.api.files.Capability;
import dev.portalkit.api.files.FilesException;
import java.util.EnumSet;
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
}
