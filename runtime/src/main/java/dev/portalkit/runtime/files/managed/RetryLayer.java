package dev.portalkit.runtime.files.managed;

import dev.portalkit.api.ErrorKind;
import dev.portalkit.api.files.Capability;
import dev.portalkit.api.files.Delivery;
import dev.portalkit.api.files.FileData;
import dev.portalkit.api.files.FileStat;
import dev.portalkit.api.files.FilesException;
import dev.portalkit.api.files.Location;
import dev.portalkit.api.files.Manager;
import dev.portalkit.api.files.StorageReader;
import dev.portalkit.api.files.Upload;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.stream.Stream;

/**
 * Retries, as a layer between the managed storage and its adapter: a call the adapter fails with a
 * TRANSIENT {@link FilesException} (the backend is down or timed out) is made again, up to
 * {@code retries} more times, after {@code retry_delay_ms}, doubling each time. Only calls that can
 * be repeated without changing the outcome are retried: opening a stream or a range (not reading
 * it: bytes already handed on cannot be taken back), local files, deliveries and links, and the
 * manager's {@code exists}, {@code stat}, {@code analyze}, {@code scan} and {@code remove}. Writes
 * (uploads, copies, moves, appends, multipart steps) are not: their content streams once, and a
 * write that failed half-way is cleaned up, not repeated. Adapters need no retry loops of their own.
 *
 * @param retries    further attempts after a TRANSIENT failure (0: none)
 * @param firstDelay the pause before the first retry; each further one waits twice as long
 */
public record RetryLayer(int retries, Duration firstDelay) {
    private static final Logger LOG = Logger.getLogger(RetryLayer.class.getName());
    /** The storage options' defaults: two more attempts, 200 ms then 400 ms apart. */
    public static final RetryLayer DEFAULT = new RetryLayer(2, Duration.ofMillis(200));
    /** No retries. */
    public static final RetryLayer NONE = new RetryLayer(0, Duration.ZERO);

    public RetryLayer {
        if (retries < 0 || firstDelay.isNegative()) {
            throw new IllegalArgumentException("retries and delay must not be negative");
        }
    }

    /**
     * Runs {@code call}; a TRANSIENT {@link FilesException} is retried as this layer says. The last
     * failure is thrown, with the earlier ones suppressed in it; any other failure at once.
     *
     * @param what the call, for the log: "exists of a.csv in storage s3" (made only when it is retried)
     */
    <T> T call(Supplier<String> what, Supplier<T> call) {
        FilesException first = null;
        long delay = firstDelay.toMillis();
        for (int attempt = 0; ; attempt++) {
            try {
                return call.get();
            } catch (FilesException e) {
                if (e.kind() != ErrorKind.TRANSIENT || attempt >= retries) {
                    if (first != null && e != first) {
                        e.addSuppressed(first);
                    }
                    throw e;
                }
                if (first == null) {
                    first = e;
                } else {
                    first.addSuppressed(e);
                }
                LOG.log(Level.INFO, what.get() + " failed (" + e.getMessage() + "); retrying in " + delay + " ms");
                try {
                    Thread.sleep(delay);
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    throw e;
                }
                delay = Math.min(delay * 2, 60_000);
            }
        }
    }

    /** {@code reader} with this layer's retries. */
    StorageReader reader(String storage, StorageReader reader) {
        return retries == 0 ? reader : new RetryingReader(storage, reader);
    }

    /** {@code manager} with this layer's retries. */
    Manager manager(String storage, Manager manager) {
        return retries == 0 ? manager : new RetryingManager(storage, manager);
    }

    private final class RetryingReader implements StorageReader {
        private final String storage;
        private final StorageReader adapter;

        RetryingReader(String storage, StorageReader adapter) {
            this.storage = storage;
            this.adapter = adapter;
        }

        private <T> T retried(String call, FileData data, Supplier<T> op) {
            return call(() -> call + " of " + data.location().value() + " in storage " + storage, op);
        }

        @Override
        public Set<Capability> capabilities() {
            return adapter.capabilities();
        }

        @Override
        public InputStream stream(FileData data) {
            return retried("stream", data, () -> adapter.stream(data));
        }

        @Override
        public InputStream range(FileData data, long start, long end) {
            return retried("range", data, () -> adapter.range(data, start, end));
        }

        @Override
        public Optional<Path> localFile(FileData data) {
            return retried("local file", data, () -> adapter.localFile(data));
        }

        @Override
        public Delivery delivery(FileData data, String filename, Duration ttl) {
            return retried("delivery", data, () -> adapter.delivery(data, filename, ttl));
        }

        @Override
        public URI publicLink(FileData data) {
            return retried("public link", data, () -> adapter.publicLink(data));
        }

        @Override
        public URI temporalLink(FileData data, Duration ttl, String filename) {
            return retried("temporal link", data, () -> adapter.temporalLink(data, ttl, filename));
        }

        @Override
        public URI permanentLink(FileData data) {
            return retried("permanent link", data, () -> adapter.permanentLink(data));
        }

        @Override
        public URI oneTimeLink(FileData data) {
            return adapter.oneTimeLink(data); // each call makes a link: not repeated
        }
    }

    private final class RetryingManager implements Manager {
        private final String storage;
        private final Manager adapter;

        RetryingManager(String storage, Manager adapter) {
            this.storage = storage;
            this.adapter = adapter;
        }

        private <T> T retried(String call, Location location, Supplier<T> op) {
            return call(() -> call + " of " + location.value() + " in storage " + storage, op);
        }

        @Override
        public Set<Capability> capabilities() {
            return adapter.capabilities();
        }

        @Override
        public boolean remove(FileData data) {
            return retried("remove", data.location(), () -> adapter.remove(data));
        }

        @Override
        public boolean exists(FileData data) {
            return retried("exists", data.location(), () -> adapter.exists(data));
        }

        @Override
        public Optional<FileStat> stat(FileData data) {
            return retried("stat", data.location(), () -> adapter.stat(data));
        }

        @Override
        public FileData copy(Location target, FileData source, boolean overwrite) {
            return adapter.copy(target, source, overwrite);
        }

        @Override
        public FileData move(Location target, FileData source, boolean overwrite) {
            return adapter.move(target, source, overwrite);
        }

        @Override
        public Stream<Location> scan() {
            return call(() -> "scan of storage " + storage, adapter::scan);
        }

        @Override
        public FileData append(FileData data, Upload content) {
            return adapter.append(data, content);
        }

        @Override
        public FileData compose(Location target, List<FileData> sources, boolean overwrite) {
            return adapter.compose(target, sources, overwrite);
        }

        @Override
        public FileData analyze(Location location) {
            return retried("analyze", location, () -> adapter.analyze(location));
        }
    }
}
