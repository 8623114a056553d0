package dev.portalkit.runtime.files.managed;

import dev.portalkit.api.ErrorKind;
import dev.portalkit.api.PortalException;
import dev.portalkit.api.files.Capability;
import dev.portalkit.api.files.Delivery;
import dev.portalkit.api.files.DirectParts;
import dev.portalkit.api.files.FileData;
import dev.portalkit.api.files.FileStat;
import dev.portalkit.api.files.Location;
import dev.portalkit.api.files.Manager;
import dev.portalkit.api.files.MultipartData;
import dev.portalkit.api.files.MultipartUploads;
import dev.portalkit.api.files.StorageReader;
import dev.portalkit.api.files.Upload;
import dev.portalkit.api.files.Uploader;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import java.util.concurrent.atomic.LongAdder;
import java.util.stream.Stream;

/**
 * Counts the calls to one storage that failed because of its backend, for monitoring ({@code
 * portalkit_storage_errors_total} at {@code /metrics}): the outermost layer of a managed storage,
 * around its uploader (and its multipart uploads), reader and manager. A call counts once, however
 * often the retry layer tried it, when it ends in a TRANSIENT {@link PortalException} (the backend
 * is down, timed out, refused the credentials, a disk failed) or in an exception that is no
 * {@link PortalException} at all (a failure the adapter did not map). What the caller did wrong or
 * what the storage refuses by its rules (not found, exists, too large, wrong type, unsupported) is
 * no backend error. Failures while a returned stream is read are not counted (the bytes are the
 * caller's by then).
 *
 * <p>Plain delegating classes, one per service, override every method of their interface (default
 * methods included, so that the managed service's own answer is used; {@code
 * BackendErrorsTest} checks that none is left out): a download calls the reader several times, and
 * a reflective proxy cost a {@code Method.invoke} each (about 4 % of a small download's time).
 */
public final class BackendErrors {
    private final LongAdder count = new LongAdder();

    /** How many calls failed because of the backend since the storage was opened. */
    public long count() {
        return count.sum();
    }

    /** Whether {@code failure} is the backend's (see the class comment). */
    static boolean isBackendFailure(Throwable failure) {
        if (failure instanceof PortalException portal) {
            return portal.kind() == ErrorKind.TRANSIENT;
        }
        return failure instanceof RuntimeException;
    }

    /** Counts {@code failure} when it is the backend's; returns it to be thrown. */
    private <E extends Throwable> E noted(E failure) {
        if (isBackendFailure(failure)) {
            count.increment();
        }
        return failure;
    }

    /** The answer of {@code call}, a backend failure on the way counted. */
    private <T> T counted(Supplier<T> call) {
        try {
            return call.get();
        } catch (RuntimeException e) {
            throw noted(e);
        }
    }

    private void counted(Runnable call) {
        try {
            call.run();
        } catch (RuntimeException e) {
            throw noted(e);
        }
    }

    Uploader counting(Uploader service) {
        return new CountingUploader(service);
    }

    StorageReader counting(StorageReader service) {
        return new CountingReader(service);
    }

    Manager counting(Manager service) {
        return new CountingManager(service);
    }

    MultipartUploads counting(MultipartUploads service) {
        return new CountingMultipart(service);
    }

    final class CountingUploader implements Uploader {
        private final Uploader service;

        CountingUploader(Uploader service) {
            this.service = service;
        }

        @Override
        public Set<Capability> capabilities() {
            return counted(() -> service.capabilities());
        }

        @Override
        public FileData upload(Location location, Upload upload, boolean overwrite) {
            return counted(() -> service.upload(location, upload, overwrite));
        }

        @Override
        public Optional<MultipartUploads> multipart() {
            Optional<MultipartUploads> multipart;
            try {
                multipart = service.multipart();
            } catch (RuntimeException e) {
                throw noted(e);
            }
            return multipart.map(BackendErrors.this::counting);
        }
    }

    final class CountingMultipart implements MultipartUploads {
        private final MultipartUploads service;

        CountingMultipart(MultipartUploads service) {
            this.service = service;
        }

        @Override
        public MultipartData start(MultipartData data) {
            return counted(() -> service.start(data));
        }

        @Override
        public MultipartData update(MultipartData data, int part, Upload content) {
            return counted(() -> service.update(data, part, content));
        }

        @Override
        public long minPartSize() {
            return counted(() -> service.minPartSize());
        }

        @Override
        public Optional<DirectParts> direct() {
            return counted(() -> service.direct());
        }

        @Override
        public MultipartData refresh(MultipartData data) {
            return counted(() -> service.refresh(data));
        }

        @Override
        public FileData complete(MultipartData data) {
            return counted(() -> service.complete(data));
        }

        @Override
        public void abort(MultipartData data) {
            counted(() -> service.abort(data));
        }
    }

    final class CountingReader implements StorageReader {
        private final StorageReader service;

        CountingReader(StorageReader service) {
            this.service = service;
        }

        @Override
        public Set<Capability> capabilities() {
            return counted(() -> service.capabilities());
        }

        @Override
        public InputStream stream(FileData data) {
            return counted(() -> service.stream(data));
        }

        @Override
        public InputStream range(FileData data, long start, long end) {
            return counted(() -> service.range(data, start, end));
        }

        @Override
        public Optional<Path> localFile(FileData data) {
            return counted(() -> service.localFile(data));
        }

        @Override
        public Delivery delivery(FileData data, String filename, Duration ttl) {
            return counted(() -> service.delivery(data, filename, ttl));
        }

        @Override
        public URI publicLink(FileData data) {
            return counted(() -> service.publicLink(data));
        }

        @Override
        public URI temporalLink(FileData data, Duration ttl, String filename) {
            return counted(() -> service.temporalLink(data, ttl, filename));
        }

        @Override
        public URI permanentLink(FileData data) {
            return counted(() -> service.permanentLink(data));
        }

        @Override
        public URI oneTimeLink(FileData data) {
            return counted(() -> service.oneTimeLink(data));
        }
    }

    final class CountingManager implements Manager {
        private final Manager service;

        CountingManager(Manager service) {
            this.service = service;
        }

        @Override
        public Set<Capability> capabilities() {
            return counted(() -> service.capabilities());
        }

        @Override
        public boolean remove(FileData data) {
            return counted(() -> service.remove(data));
        }

        @Override
        public boolean exists(FileData data) {
            return counted(() -> service.exists(data));
        }

        @Override
        public Optional<FileStat> stat(FileData data) {
            return counted(() -> service.stat(data));
        }

        @Override
        public FileData copy(Location target, FileData source, boolean overwrite) {
            return counted(() -> service.copy(target, source, overwrite));
        }

        @Override
        public FileData move(Location target, FileData source, boolean overwrite) {
            return counted(() -> service.move(target, source, overwrite));
        }

        @Override
        public Stream<Location> scan() {
            return counted(() -> service.scan());
        }

        @Override
        public FileData append(FileData data, Upload content) {
            return counted(() -> service.append(data, content));
        }

        @Override
        public FileData compose(Location target, List<FileData> sources, boolean overwrite) {
            return counted(() -> service.compose(target, sources, overwrite));
        }

        @Override
        public FileData analyze(Location location) {
            return counted(() -> service.analyze(location));
        }
    }
}
