package dev.portalkit.runtime.files.managed;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portalkit.api.ErrorKind;
import dev.portalkit.api.files.Capability;
import dev.portalkit.api.files.FileData;
import dev.portalkit.api.files.FilesException;
import dev.portalkit.api.files.Location;
import dev.portalkit.api.files.Manager;
import dev.portalkit.api.files.MultipartData;
import dev.portalkit.api.files.MultipartUploads;
import dev.portalkit.api.files.StorageReader;
import dev.portalkit.api.files.Upload;
import dev.portalkit.api.files.Uploader;
import java.io.InputStream;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The counting layer of a managed storage: what it counts, and that it forwards every method of every service. */
class BackendErrorsTest {
    private static final FileData DATA = FileData.of(new Location("a.txt"));

    @Test
    void countsBackendFailuresOnlyOncePerCall() {
        BackendErrors errors = new BackendErrors();
        StorageReader reader = errors.counting(new StorageReader() {
            @Override
            public Set<Capability> capabilities() {
                return Set.of(Capability.STREAM);
            }

            @Override
            public InputStream stream(FileData data) {
                throw new FilesException(ErrorKind.TRANSIENT, "the backend is down");
            }

            @Override
            public InputStream range(FileData data, long start, long end) {
                throw new FilesException(ErrorKind.NOT_FOUND, "no such file");
            }

            @Override
            public Optional<java.nio.file.Path> localFile(FileData data) {
                throw new IllegalStateException("an adapter's unmapped failure");
            }
        });
        assertEquals(ErrorKind.TRANSIENT, assertThrows(FilesException.class, () -> reader.stream(DATA)).kind());
        assertEquals(1, errors.count());
        assertEquals(ErrorKind.NOT_FOUND, assertThrows(FilesException.class, () -> reader.range(DATA, 0, 1)).kind());
        assertEquals(1, errors.count(), "what the caller asked wrong is no backend error");
        assertThrows(IllegalStateException.class, () -> reader.localFile(DATA));
        assertEquals(2, errors.count());
        assertEquals(Set.of(Capability.STREAM), reader.capabilities());
    }

    @Test
    void multipartUploadsOfTheUploaderAreCountedToo() {
        BackendErrors errors = new BackendErrors();
        MultipartUploads failing = new MultipartUploads() {
            @Override
            public MultipartData start(MultipartData data) {
                throw new FilesException(ErrorKind.TRANSIENT, "timed out");
            }

            @Override
            public MultipartData update(MultipartData data, int part, Upload content) {
                return data;
            }

            @Override
            public FileData complete(MultipartData data) {
                return DATA;
            }

            @Override
            public void abort(MultipartData data) {
            }
        };
        Uploader uploader = errors.counting(new Uploader() {
            @Override
            public Set<Capability> capabilities() {
                return Set.of(Capability.MULTIPART);
            }

            @Override
            public Optional<MultipartUploads> multipart() {
                return Optional.of(failing);
            }
        });
        assertThrows(FilesException.class, () -> uploader.multipart().orElseThrow().start(null));
        assertEquals(1, errors.count());
    }

    /**
     * A method of a service interface the counting class does not override would answer with the
     * interface's default (UNSUPPORTED) instead of the managed service's: every one is overridden.
     */
    @Test
    void everyMethodOfEveryServiceIsForwarded() {
        List<String> missing = new ArrayList<>();
        check(Uploader.class, BackendErrors.CountingUploader.class, missing);
        check(StorageReader.class, BackendErrors.CountingReader.class, missing);
        check(Manager.class, BackendErrors.CountingManager.class, missing);
        check(MultipartUploads.class, BackendErrors.CountingMultipart.class, missing);
        assertTrue(missing.isEmpty(), "not forwarded: " + missing);
    }

    private static void check(Class<?> service, Class<?> counting, List<String> missing) {
        assertTrue(service.isAssignableFrom(counting));
        for (Method m : service.getMethods()) {
            if (Modifier.isStatic(m.getModifiers())) {
                continue;
            }
            try {
                counting.getDeclaredMethod(m.getName(), m.getParameterTypes());
            } catch (NoSuchMethodException e) {
                missing.add(service.getSimpleName() + "." + m.getName());
            }
        }
    }
}
