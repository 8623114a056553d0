package dev.portalkit.runtime.files.managed;

import dev.portalkit.runtime.files.content.LocationRules;
import dev.portalkit.api.files.Capability;
import dev.portalkit.api.files.Location;
import dev.portalkit.api.files.LocationTransformer;
import dev.portalkit.api.files.ManagedStorage;
import dev.portalkit.api.files.Manager;
import dev.portalkit.api.files.Storage;
import dev.portalkit.api.files.StorageReader;
import dev.portalkit.api.files.StorageSettings;
import dev.portalkit.api.files.Upload;
import dev.portalkit.api.files.Uploader;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The {@link ManagedStorage} the host hands out: an adapter's storage behind ordered layers, each
 * a class of its own, assembled here:
 * <ol>
 * <li>{@link CapabilityGate}: what the storage offers, natively or emulated, minus {@code disabled_capabilities};</li>
 * <li>{@link LocationGuard}: the location transformers and {@link LocationRules} (no hidden names where anyone reads);</li>
 * <li>{@link UploadMeasuring}: size, hash, {@code max_size}, detected type and {@code supported_types} while streaming;</li>
 * <li>{@link StreamingEmulation}: COPY / MOVE / COMPOSE / RANGE by streaming, up to {@code inefficient_operation_cap};</li>
 * <li>{@link MultipartVerification}: the checks of a multipart upload, and of the assembled file;</li>
 * <li>{@link LocalIntake}: spooled local uploads adopted by a hard link or kept from their {@link UploadPipe};</li>
 * <li>{@link RetryLayer}: calls the adapter fails as TRANSIENT made again where that changes nothing else.</li>
 * </ol>
 * Around them all, {@link BackendErrors} counts the calls that failed because of the backend.
 * The services {@link ManagedUploader} (with {@link ManagedMultipart}), {@link ManagedReader} and
 * {@link ManagedManager} pass each call through them. See {@link ManagedStorage} for the rules.
 */
public final class ManagedStorageImpl implements ManagedStorage {
    private final StorageSettings settings;
    private final Storage adapter;
    private final CapabilityGate gate;
    private final LocationGuard locations;
    private final LocalIntake intake;
    private final Uploader uploader;
    private final StorageReader reader;
    private final Manager manager;
    private final BackendErrors errors = new BackendErrors();

    /**
     * @param available every known transformer by name (the configured ones were validated at start)
     */
    public ManagedStorageImpl(StorageSettings settings, Storage adapter, Map<String, LocationTransformer> available) {
        this(settings, adapter, available, RetryLayer.DEFAULT);
    }

    /**
     * @param available every known transformer by name (the configured ones were validated at start)
     * @param retries   the retry layer in front of the adapter (the storage's {@code retries} and {@code retry_delay_ms})
     */
    public ManagedStorageImpl(StorageSettings settings, Storage adapter, Map<String, LocationTransformer> available,
                              RetryLayer retries) {
        this(settings, adapter, available, retries, InPlaceOperations.DEFAULT);
    }

    /**
     * @param available every known transformer by name (the configured ones were validated at start)
     * @param retries   the retry layer in front of the adapter (the storage's {@code retries} and {@code retry_delay_ms})
     * @param inPlace   what a copy or move onto its own location does ({@code skip_in_place_copy} / {@code _move})
     */
    public ManagedStorageImpl(StorageSettings settings, Storage adapter, Map<String, LocationTransformer> available,
                              RetryLayer retries, InPlaceOperations inPlace) {
        this.settings = settings;
        this.adapter = adapter;
        this.locations = new LocationGuard(settings, adapter.capabilities(), available);
        this.gate = new CapabilityGate(settings.name(), adapter.capabilities(), settings.disabledCapabilities());
        AdapterAccess access = new AdapterAccess(settings, adapter, gate, retries);
        UploadMeasuring measuring = new UploadMeasuring(access);
        StreamingEmulation emulation = new StreamingEmulation(access, measuring);
        this.intake = new LocalIntake(this, access, gate, locations, measuring);
        this.uploader = errors.counting(
                new ManagedUploader(access, gate, locations, measuring, intake, new MultipartVerification(access, measuring)));
        this.reader = errors.counting(new ManagedReader(access, gate, locations, emulation));
        this.manager = errors.counting(new ManagedManager(access, gate, locations, measuring, emulation, inPlace));
    }

    @Override
    public StorageSettings settings() {
        return settings;
    }

    @Override
    public Uploader uploader() {
        return uploader;
    }

    @Override
    public StorageReader reader() {
        return reader;
    }

    @Override
    public Manager manager() {
        return manager;
    }

    @Override
    public Set<Capability> capabilities() {
        return gate.all();
    }

    /** The capabilities the managed storage emulates (a subset of {@link #capabilities()}). */
    public Set<Capability> emulatedCapabilities() {
        return gate.emulated();
    }

    /** The calls to this storage that failed because of its backend ({@link BackendErrors}), for monitoring. */
    public BackendErrors backendErrors() {
        return errors;
    }

    /** The adapter behind this storage (runtime-internal: tests, maintenance commands). */
    public Storage adapter() {
        return adapter;
    }

    /**
     * The adapter's storage as {@code type} when it is one, e.g. {@code ContainerManagement} for
     * {@code files create-container} and {@code files fix-cors}.
     */
    public <T> Optional<T> adapterAs(Class<T> type) {
        return type.isInstance(adapter) ? Optional.of(type.cast(adapter)) : Optional.empty();
    }

    @Override
    public Location prepareLocation(String untrusted, Upload sample) {
        Optional<Location> piped = intake.pipedLocation(untrusted, sample);
        if (piped.isPresent()) {
            return piped.get();
        }
        return locations.prepare(untrusted, sample);
    }

    /**
     * Runtime-internal: starts piping a request's file part, being spooled to {@code spool}, into
     * this storage while it arrives ({@link UploadPipe}), as one upload of {@code expected} bytes at
     * the location {@link #prepareLocation} makes of {@code name} for it. Asked again for that name
     * and that upload, {@code prepareLocation} answers the same location (the transformers ran once,
     * for the pipe). Empty, and nothing started, unless every condition holds:
     * <ul>
     * <li>the location belongs to this upload alone: a {@code uuid}, {@code uuid_prefix} or
     *     {@code uuid_with_extension} transformer, and after it only ones that keep it unique. The
     *     piped file is visible at the backend before the action checked it, so it must never
     *     replace another file;</li>
     * <li>the storage is not {@code public} (nobody reads the backend directly before the checks);</li>
     * <li>the adapter streams uploads (CREATE) and does not take a spooled file by a hard link
     *     ({@link LocalFileAdopter}: nothing to overlap);</li>
     * <li>{@code expected} is at least {@value LocalIntake#MIN_PIPE_SIZE} bytes (smaller parts gain nothing)
     *     and within the storage's {@code max_size}.</li>
     * </ul>
     *
     * @param expected the part's predicted size (from the request's Content-Length)
     */
    public Optional<UploadPipe> pipe(String name, String filename, String contentType, Path spool, long expected) {
        return intake.pipe(name, filename, contentType, spool, expected);
    }

    @Override
    public void close() {
        adapter.close();
    }

    @Override
    public String toString() {
        return "storage " + settings.name() + " (" + settings.type() + ")";
    }
}
