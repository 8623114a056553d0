package dev.portalkit.runtime.files.managed;

import dev.portalkit.api.files.Capability;
import dev.portalkit.api.files.FileData;
import dev.portalkit.api.files.FilesException;
import dev.portalkit.api.files.Location;
import dev.portalkit.api.files.Manager;
import dev.portalkit.api.files.MultipartUploads;
import dev.portalkit.api.files.Storage;
import dev.portalkit.api.files.StorageReader;
import dev.portalkit.api.files.StorageSettings;
import dev.portalkit.api.files.Uploader;
import java.util.Optional;

/**
 * The adapter as the layers of a managed storage call it besides their operation: whether a file
 * is there (when the adapter can tell), and the quiet clean-up of what a failed operation left.
 */
final class AdapterAccess {
    private final StorageSettings settings;
    private final Storage adapter;
    private final CapabilityGate gate;
    private final Optional<MultipartUploads> multipart;
    private final StorageReader reader;
    private final Manager manager;

    /**
     * @param retries the retry layer between the managed storage and the adapter's reader and manager
     * @throws FilesException when the adapter declares MULTIPART without multipart uploads ({@link CapabilityGate#multipart})
     */
    AdapterAccess(StorageSettings settings, Storage adapter, CapabilityGate gate, RetryLayer retries) {
        this.settings = settings;
        this.adapter = adapter;
        this.gate = gate;
        this.multipart = gate.multipart(adapter.uploader());
        this.reader = retries.reader(settings.name(), adapter.reader());
        this.manager = retries.manager(settings.name(), adapter.manager());
    }

    StorageSettings settings() {
        return settings;
    }

    /** The adapter itself (what it is: a {@link LocalFileAdopter}, a container manager); its services through {@link #reader()} and the others. */
    Storage adapter() {
        return adapter;
    }

    /** The adapter's reader, behind the retry layer. */
    StorageReader reader() {
        return reader;
    }

    /** The adapter's manager, behind the retry layer. */
    Manager manager() {
        return manager;
    }

    /** The adapter's uploader (writes are not retried: their content streams once). */
    Uploader uploader() {
        return adapter.uploader();
    }

    /** The adapter's multipart uploads; UNSUPPORTED when the storage does not offer MULTIPART. */
    MultipartUploads multipart() {
        return multipart.orElseThrow(() -> FilesException.unsupported(name(), Capability.MULTIPART));
    }

    /** The storage's name, for messages. */
    String name() {
        return settings.name();
    }

    /** Whether the adapter does {@code capability} itself. */
    boolean has(Capability capability) {
        return gate.adapterHas(capability);
    }

    /** Whether a file is at {@code location}; false when the adapter cannot tell. */
    boolean exists(Location location) {
        return has(Capability.EXISTS) && manager.exists(FileData.of(location));
    }

    void removeQuietly(Location location, Throwable cause) {
        removeQuietly(FileData.of(location), cause);
    }

    /** Removes what a failed operation left, if the adapter can; a failure to remove is added to {@code cause}. */
    void removeQuietly(FileData data, Throwable cause) {
        if (!has(Capability.REMOVE)) {
            return;
        }
        try {
            manager.remove(data);
        } catch (RuntimeException e) {
            cause.addSuppressed(e);
        }
    }
}
