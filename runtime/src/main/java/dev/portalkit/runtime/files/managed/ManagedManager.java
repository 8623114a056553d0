package dev.portalkit.runtime.files.managed;

import dev.portalkit.api.ErrorKind;
import dev.portalkit.api.files.Capability;
import dev.portalkit.api.files.FileData;
import dev.portalkit.api.files.FileStat;
import dev.portalkit.api.files.FilesException;
import dev.portalkit.api.files.Location;
import dev.portalkit.api.files.Manager;
import dev.portalkit.api.files.StorageSettings;
import dev.portalkit.api.files.Upload;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The managed storage's {@link Manager}: each operation passes the capability gate and the
 * location rules and applies the overwrite rule, then goes to the adapter; COPY, MOVE and COMPOSE
 * the adapter lacks are emulated, APPEND is measured against {@code max_size}. A COPY or MOVE onto
 * its own location is skipped or refused ({@link InPlaceOperations}), never handed on.
 */
final class ManagedManager implements Manager {
    private final StorageSettings settings;
    private final AdapterAccess access;
    private final CapabilityGate gate;
    private final LocationGuard locations;
    private final UploadMeasuring measuring;
    private final StreamingEmulation emulation;
    private final InPlaceOperations inPlace;

    ManagedManager(AdapterAccess access, CapabilityGate gate, LocationGuard locations, UploadMeasuring measuring,
                   StreamingEmulation emulation, InPlaceOperations inPlace) {
        this.settings = access.settings();
        this.access = access;
        this.gate = gate;
        this.locations = locations;
        this.measuring = measuring;
        this.emulation = emulation;
        this.inPlace = inPlace;
    }

    private Manager adapter() {
        return access.manager();
    }

    @Override
    public Set<Capability> capabilities() {
        return gate.ofManager();
    }

    @Override
    public boolean remove(FileData data) {
        gate.require(Capability.REMOVE);
        return adapter().remove(LocationGuard.checkAny(data));
    }

    @Override
    public boolean exists(FileData data) {
        gate.require(Capability.EXISTS);
        return adapter().exists(LocationGuard.checkAny(data));
    }

    @Override
    public Optional<FileStat> stat(FileData data) {
        gate.require(Capability.EXISTS);
        return adapter().stat(locations.check(data));
    }

    @Override
    public FileData copy(Location target, FileData source, boolean overwrite) {
        gate.require(Capability.COPY);
        locations.check(target);
        locations.check(source);
        if (target.equals(source.location())) {
            return inPlace("copy", inPlace.skipCopy(), "skip_in_place_copy", source);
        }
        boolean replace = overwrite && settings.overwriteExisting();
        if (gate.adapterHas(Capability.COPY)) {
            return adapter().copy(target, source, replace);
        }
        return emulation.copy(target, source, replace);
    }

    @Override
    public FileData move(Location target, FileData source, boolean overwrite) {
        gate.require(Capability.MOVE);
        locations.check(target);
        locations.check(source);
        if (target.equals(source.location())) {
            return inPlace("move", inPlace.skipMove(), "skip_in_place_move", source);
        }
        boolean replace = overwrite && settings.overwriteExisting();
        if (gate.adapterHas(Capability.MOVE)) {
            return adapter().move(target, source, replace);
        }
        return emulation.move(target, source, replace);
    }

    @Override
    public Stream<Location> scan() {
        gate.require(Capability.SCAN);
        return adapter().scan();
    }

    @Override
    public FileData append(FileData data, Upload content) {
        gate.require(Capability.APPEND);
        locations.check(data);
        measuring.checkDeclaredSize(content.size());
        MeasuredUpload measured = new MeasuredUpload(content, measuring.maxSizeLimit(), measuring::tooLarge, null, null);
        return measured.hand(() -> adapter().append(data, measured));
    }

    @Override
    public FileData compose(Location target, List<FileData> sources, boolean overwrite) {
        gate.require(Capability.COMPOSE);
        locations.check(target);
        if (sources == null || sources.isEmpty()) {
            throw new FilesException(ErrorKind.BAD_REQUEST, "compose needs at least one source");
        }
        sources.forEach(s -> {
            locations.check(s);
            refuseSame(target, s.location());
        });
        boolean replace = overwrite && settings.overwriteExisting();
        if (gate.adapterHas(Capability.COMPOSE)) {
            return adapter().compose(target, sources, replace);
        }
        return emulation.compose(target, sources, replace);
    }

    @Override
    public FileData analyze(Location location) {
        gate.require(Capability.ANALYZE);
        return adapter().analyze(locations.check(location));
    }

    /** A copy or move onto its own source: the source unchanged when skipped, refused otherwise ({@link InPlaceOperations}). */
    private FileData inPlace(String operation, boolean skip, String option, FileData source) {
        if (skip) {
            return source;
        }
        throw new FilesException(ErrorKind.BAD_REQUEST, "cannot " + operation + " " + source.location() + " onto itself in storage "
                + settings.name() + " (" + settings.key(option) + " is false)");
    }

    private static void refuseSame(Location target, Location source) {
        if (target.equals(source)) {
            throw new FilesException(ErrorKind.BAD_REQUEST, "source and target are the same location " + target);
        }
    }
}
