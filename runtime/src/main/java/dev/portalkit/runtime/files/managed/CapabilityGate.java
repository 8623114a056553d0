package dev.portalkit.runtime.files.managed;

import dev.portalkit.api.ErrorKind;
import dev.portalkit.api.files.Capability;
import dev.portalkit.api.files.FilesException;
import dev.portalkit.api.files.MultipartUploads;
import dev.portalkit.api.files.Uploader;
import java.util.Collections;
import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;

/**
 * The capability gate of a managed storage: which operations the adapter does itself, which the
 * managed storage emulates by streaming (RANGE from STREAM; COPY and COMPOSE from STREAM and
 * CREATE; MOVE from COPY and REMOVE), and neither of them for a capability named in
 * {@code disabled_capabilities}. An operation outside the result fails with UNSUPPORTED.
 */
final class CapabilityGate {
    /** The capabilities of the {@code Uploader} service. */
    static final Set<Capability> UPLOADER = EnumSet.of(Capability.CREATE, Capability.MULTIPART);
    /** The capabilities of the {@code StorageReader} service. */
    static final Set<Capability> READER = EnumSet.of(Capability.STREAM, Capability.RANGE, Capability.PUBLIC_LINK,
            Capability.TEMPORAL_LINK, Capability.PERMANENT_LINK, Capability.ONE_TIME_LINK);

    private final String storage;
    private final Set<Capability> own;
    private final Set<Capability> emulated;
    private final Set<Capability> all;

    /**
     * @param storage the storage's name, for messages
     * @param adapter what the adapter says it can do
     * @param disabled the storage's {@code disabled_capabilities}
     */
    CapabilityGate(String storage, Set<Capability> adapter, Set<Capability> disabled) {
        this.storage = storage;
        EnumSet<Capability> ownCaps = EnumSet.noneOf(Capability.class);
        ownCaps.addAll(adapter);
        ownCaps.removeAll(disabled);
        // Emulation needs the adapter's own STREAM / CREATE / REMOVE; a disabled capability is
        // neither offered nor emulated, nor used to emulate another (MOVE needs COPY).
        EnumSet<Capability> emulatedCaps = EnumSet.noneOf(Capability.class);
        boolean streams = ownCaps.contains(Capability.STREAM);
        boolean creates = ownCaps.contains(Capability.CREATE);
        if (!ownCaps.contains(Capability.RANGE) && streams) {
            emulatedCaps.add(Capability.RANGE);
        }
        if (!ownCaps.contains(Capability.COPY) && streams && creates) {
            emulatedCaps.add(Capability.COPY);
        }
        if (!ownCaps.contains(Capability.COMPOSE) && streams && creates) {
            emulatedCaps.add(Capability.COMPOSE);
        }
        emulatedCaps.removeAll(disabled);
        boolean copies = ownCaps.contains(Capability.COPY) || emulatedCaps.contains(Capability.COPY);
        if (!ownCaps.contains(Capability.MOVE) && copies && ownCaps.contains(Capability.REMOVE)) {
            emulatedCaps.add(Capability.MOVE);
        }
        emulatedCaps.removeAll(disabled);
        this.own = Collections.unmodifiableSet(ownCaps);
        this.emulated = Collections.unmodifiableSet(emulatedCaps);
        EnumSet<Capability> allCaps = EnumSet.copyOf(ownCaps);
        allCaps.addAll(emulatedCaps);
        this.all = Collections.unmodifiableSet(allCaps);
    }

    /** Everything the managed storage offers: the adapter's own capabilities and the emulated ones. */
    Set<Capability> all() {
        return all;
    }

    /** The capabilities the managed storage emulates (a subset of {@link #all()}). */
    Set<Capability> emulated() {
        return emulated;
    }

    /** Whether the adapter does {@code capability} itself (and it is not disabled). */
    boolean adapterHas(Capability capability) {
        return own.contains(capability);
    }

    /**
     * The adapter's multipart uploads, asked once when the storage opens: present when the adapter
     * does MULTIPART itself (and it is not disabled), empty otherwise.
     *
     * @param adapter the adapter's uploader
     * @throws FilesException INTERNAL, naming the storage, when the adapter declares MULTIPART but
     *     its {@link Uploader#multipart()} is empty: the storage does not open
     */
    Optional<MultipartUploads> multipart(Uploader adapter) {
        if (!own.contains(Capability.MULTIPART)) {
            return Optional.empty();
        }
        Optional<MultipartUploads> given = adapter.multipart();
        if (given == null || given.isEmpty()) {
            throw new FilesException(ErrorKind.INTERNAL, "storage " + storage + " cannot open: its adapter declares MULTIPART"
                    + " but its uploader's multipart() is empty (a fault of the adapter; disabled_capabilities = MULTIPART"
                    + " opens it without multipart uploads)");
        }
        return given;
    }

    /** Fails with UNSUPPORTED unless the managed storage offers {@code capability}. */
    void require(Capability capability) {
        if (!all.contains(capability)) {
            throw FilesException.unsupported(storage, capability);
        }
    }

    /** The offered capabilities of one service ({@link #UPLOADER}, {@link #READER}). */
    Set<Capability> of(Set<Capability> service) {
        EnumSet<Capability> out = EnumSet.noneOf(Capability.class);
        for (Capability c : all) {
            if (service.contains(c)) {
                out.add(c);
            }
        }
        return out;
    }

    /** The offered capabilities of the {@code Manager} service: all but the uploader's and the reader's. */
    Set<Capability> ofManager() {
        EnumSet<Capability> out = EnumSet.noneOf(Capability.class);
        out.addAll(all);
        out.removeAll(UPLOADER);
        out.removeAll(READER);
        return out;
    }
}
