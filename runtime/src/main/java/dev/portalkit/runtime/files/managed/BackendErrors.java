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
            try {
                return service.capabilities();
            } catch (RuntimeException e) {
                throw noted(e);
            }
        }

        @Override
        public FileData upload(Location location, Upload upload, boolean overwrite) {
            try {
                return service.upload(location, upload, overwrite);
            } catch (RuntimeException e) {
                throw noted(e);
            }
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
            try {
                return service.start(data);
            } catch (RuntimeException e) {
                throw noted(e);
            }
        }

        @Override
        public MultipartData update(MultipartData data, int part, Upload content) {
            try {
                return service.update(data, part, content);
            } catch (RuntimeException e) {
                throw noted(e);
            }
        }

        @Override
        public long minPartSize() {
            try {
                return service.minPartSize();
            } catch (RuntimeException e) {
                throw noted(e);
            }
        }

        @Override
        public Optional<DirectParts> direct() {
            try {
                return service.direct();
            } catch (RuntimeException e) {
                throw noted(e);
            }
        }

        @Override
        public MultipartData refresh(MultipartData data) {
            try {
                return service.refresh(data);
            } catch (RuntimeException e) {
                throw noted(e);
            }
        }

        @Override
        public FileData complete(MultipartData data) {
            try {
                return service.complete(data);
            } catch (RuntimeException e) {
                throw noted(e);
            }
        }

        @Override
        public void abort(MultipartData data) {
            try {
                service.abort(data);
            } catch (RuntimeException e) {
                throw noted(e);
            }
        }
    }

    final class CountingReader implements StorageReader {
        private final StorageReader service;

        CountingReader(StorageReader service) {
            this.service = service;
        }

        @Override
        public Set<Capability> capabilities() {
            try {
                return service.capabilities();
            } catch (RuntimeException e) {
                throw noted(e);
            }
        }

        @Override
        public InputStream stream(FileData data) {
            try {
                return service.stream(data);
            } catch (RuntimeException e) {
                throw noted(e);
            }
        }

        @Override
        public InputStream range(FileData data, long start, long end) {
            try {
                return service.range(data, start, end);
            } catch (RuntimeException e) {
                throw noted(e);
            }
        }

        @Override
        public Optional<Path> localFile(FileData data) {
            try {
                return service.localFile(data);
            } catch (RuntimeException e) {
                throw noted(e);
            }
        }

        @Override
        public Delivery delivery(FileData data, String filename, Duration ttl) {
            try {
                return service.delivery(data, filename, ttl);
            } catch (RuntimeException e) {
                throw noted(e);
            }
        }

        @Override
        public URI publicLink(FileData data) {
            try {
                return service.publicLink(data);
            } catch (RuntimeException e) {
                throw noted(e);
            }
        }

        @Override
        public URI temporalLink(FileData data, Duration ttl, String filename) {
            try {
                return service.temporalLink(data, ttl, filename);
            } catch (RuntimeException e) {
                throw noted(e);
            }
        }

        @Override
        public URI permanentLink(FileData data) {
            try {
                return service.permanentLink(data);
            } catch (RuntimeException e) {
                throw noted(e);
            }
        }

        @Override
        public URI oneTimeLink(FileData data) {
            try {
                return service.oneTimeLink(data);
            } catch (RuntimeException e) {
                throw noted(e);
            }
        }
    }

    final class CountingManager implements Manager {
        private final Manager service;

        CountingManager(Manager service) {
            this.service = service;
        }

        @Override
        public Set<Capability> capabilities() {
            try {
                return service.capabilities();
            } catch (RuntimeException e) {
                throw noted(e);
            }
        }

        @Override
        public boolean remove(FileData data) {
            try {
                return service.remove(data);
            } catch (RuntimeException e) {
                throw noted(e);
            }
        }

        @Override
        public boolean exists(FileData data) {
            try {
                return service.exists(data);
            } catch (RuntimeException e) {
                throw noted(e);
            }
        }

        @Override
        public Optional<FileStat> stat(FileData data) {
            try {
                return service.stat(data);
            } catch (RuntimeException e) {
                throw noted(e);
            }
        }

        @Override
        public FileData copy(Location target, FileData source, boolean overwrite) {
            try {
                return service.copy(target, source, overwrite);
            } catch (RuntimeException e) {
                throw noted(e);
            }
        }

        @Override
        public FileData move(Location target, FileData source, boolean overwrite) {
            try {
                return service.move(target, source, overwrite);
            } catch (RuntimeException e) {
                throw noted(e);
            }
        }

        @Override
        public Stream<Location> scan() {
            try {
                return service.scan();
            } catch (RuntimeException e) {
                throw noted(e);
            }
        }

        @Override
        public FileData append(FileData data, Upload content) {
            try {
                return service.append(data, content);
            } catch (RuntimeException e) {
                throw noted(e);
            }
        }

        @Override
        public FileData compose(Location target, List<FileData> sources, boolean overwrite) {
            try {
                return service.compose(target, sources, overwrite);
            } catch (RuntimeException e) {
                throw noted(e);
            }
        }

        @Override
        public FileData analyze(Location location) {
            try {
                return service.analyze(location);
            } catch (RuntimeException e) {
                throw noted(e);
            }
        }
    }
}
