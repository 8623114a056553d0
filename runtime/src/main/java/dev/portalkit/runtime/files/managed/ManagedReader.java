package dev.portalkit.runtime.files.managed;

import dev.portalkit.api.ErrorKind;
import dev.portalkit.api.files.Capability;
import dev.portalkit.api.files.Delivery;
import dev.portalkit.api.files.FileData;
import dev.portalkit.api.files.FilesException;
import dev.portalkit.api.files.StorageReader;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;

/**
 * The managed storage's {@link StorageReader}: each operation passes the capability gate and the
 * location rules, then goes to the adapter; a RANGE the adapter lacks is emulated.
 */
final class ManagedReader implements StorageReader {
    private final AdapterAccess access;
    private final CapabilityGate gate;
    private final LocationGuard locations;
    private final StreamingEmulation emulation;

    ManagedReader(AdapterAccess access, CapabilityGate gate, LocationGuard locations, StreamingEmulation emulation) {
        this.access = access;
        this.gate = gate;
        this.locations = locations;
        this.emulation = emulation;
    }

    private StorageReader adapter() {
        return access.reader();
    }

    @Override
    public Set<Capability> capabilities() {
        return gate.of(CapabilityGate.READER);
    }

    @Override
    public InputStream stream(FileData data) {
        gate.require(Capability.STREAM);
        return adapter().stream(locations.check(data));
    }

    @Override
    public InputStream range(FileData data, long start, long end) {
        gate.require(Capability.RANGE);
        locations.check(data);
        if (start < 0 || end < start) {
            throw new FilesException(ErrorKind.BAD_REQUEST, "range " + start + ".." + end + " is not a valid byte range");
        }
        if (gate.adapterHas(Capability.RANGE)) {
            return adapter().range(data, start, end);
        }
        return emulation.range(data, start, end);
    }

    @Override
    public Optional<Path> localFile(FileData data) {
        return adapter().localFile(locations.check(data));
    }

    @Override
    public Delivery delivery(FileData data, String filename, Duration ttl) {
        Delivery delivery = adapter().delivery(locations.check(data), filename, ttl);
        return delivery == null ? new Delivery.Stream() : delivery;
    }

    @Override
    public URI publicLink(FileData data) {
        gate.require(Capability.PUBLIC_LINK);
        return adapter().publicLink(locations.check(data));
    }

    @Override
    public URI temporalLink(FileData data, Duration ttl, String filename) {
        gate.require(Capability.TEMPORAL_LINK);
        return adapter().temporalLink(locations.check(data), ttl, filename);
    }

    @Override
    public URI permanentLink(FileData data) {
        gate.require(Capability.PERMANENT_LINK);
        return adapter().permanentLink(locations.check(data));
    }

    @Override
    public URI oneTimeLink(FileData data) {
        gate.require(Capability.ONE_TIME_LINK);
        return adapter().oneTimeLink(locations.check(data));
    }
}
