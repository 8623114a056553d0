package dev.portalkit.storage.opendal;

import dev.portalkit.api.ErrorKind;
import dev.portalkit.api.files.FilesException;
import dev.portalkit.api.files.Location;
import dev.portalkit.api.files.Manager;
import dev.portalkit.api.files.Storage;
import dev.portalkit.api.files.StorageReader;
import dev.portalkit.api.files.StorageSettings;
import dev.portalkit.api.files.Uploader;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import org.apache.opendal.Capability;
import org.apache.opendal.Metadata;
import org.apache.opendal.Operator;
import org.apache.opendal.OperatorOutputStream;

/**
 * One {@code files:opendal} storage: an OpenDAL operator and the staging folder
 * {@value #STAGING} under its root, where content is written before it is renamed (or copied) into
 * place and where the parts of multipart uploads wait. Locations under it are refused and
 * {@code scan} does not list it.
 */
final class OpenDalStorage implements Storage {
    /** The staging folder under the operator's root (a location's first segment may not be this name). */
    static final String STAGING = ".portalkit-staging";
    private static final SecureRandom RANDOM = new SecureRandom();

    private final StorageSettings settings;
    private final String scheme;
    private final Operator operator;
    private final Map<String, String> params;
    private final int bufferSize;
    private final int oneShotMax;
    private final Capability can;
    private final OpenDalUploader uploader;
    private final OpenDalReader reader;
    private final OpenDalManager manager;

    OpenDalStorage(StorageSettings settings, String scheme, Operator operator, Map<String, String> params, int bufferSize,
                   int oneShotMax) {
        this.settings = settings;
        this.scheme = scheme;
        this.operator = operator;
        this.params = params;
        this.bufferSize = bufferSize;
        this.oneShotMax = oneShotMax;
        this.can = operator.info.fullCapability;
        this.uploader = new OpenDalUploader(this);
        this.reader = new OpenDalReader(this);
        this.manager = new OpenDalManager(this);
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
    public void close() {
        operator.close();
    }

    String scheme() {
        return scheme;
    }

    Operator operator() {
        return operator;
    }

    /** What the service can do (OpenDAL's full capability: native and emulated by OpenDAL's layers). */
    Capability can() {
        return can;
    }

    int bufferSize() {
        return bufferSize;
    }

    String name() {
        return settings.name();
    }

    FilesException failure(String what, Location location, RuntimeException e) {
        return OpenDalFailures.of(settings.name(), what, location, e, params);
    }

    /** The operator path of a location, refusing what would leave the root or reach the staging folder. */
    String path(Location location) {
        String value = location.value();
        if (value.startsWith("/") || value.contains("\\") || value.length() > 1024) {
            throw FilesException.badLocation(value, "not a relative path inside the storage");
        }
        for (int i = 0; i < value.length(); i++) {
            if (Character.isISOControl(value.charAt(i))) {
                throw FilesException.badLocation(value, "control characters are not allowed");
            }
        }
        String[] segments = value.split("/", -1);
        for (String segment : segments) {
            if (segment.isEmpty() || segment.equals(".") || segment.equals("..")) {
                throw FilesException.badLocation(value, "empty, '.' and '..' segments are not allowed");
            }
        }
        if (segments[0].equals(STAGING)) {
            throw FilesException.badLocation(value, STAGING + " is the storage's staging folder");
        }
        return value;
    }

    /** The file's metadata, or empty when there is no file (a folder is no file). */
    Optional<Metadata> stat(String path, Location location) {
        try {
            Metadata m = operator.stat(path);
            return m.isFile() ? Optional.of(m) : Optional.empty();
        } catch (RuntimeException e) {
            if (OpenDalFailures.notFound(e)) {
                return Optional.empty();
            }
            throw failure("stat", location, e);
        }
    }

    /** A new staging path: {@code .portalkit-staging/<kind>-<random>}. */
    static String stagingPath(String kind) {
        byte[] id = new byte[12];
        RANDOM.nextBytes(id);
        return STAGING + "/" + kind + "-" + HexFormat.of().formatHex(id);
    }

    /**
     * Streams {@code in} to {@code path} through OpenDAL's writer, {@link #bufferSize} bytes per call
     * into the native library; returns the number of bytes. If anything fails (the stream, the
     * host's size limit raised from it, the service), what was written is removed and the failure
     * rethrown: OpenDAL's Java writer has no abort, so the partial file is closed and deleted.
     */
    long write(String path, InputStream in, Location location) {
        if (!can.writeCanMulti) {
            return writeOnce(path, in, location);
        }
        OperatorOutputStream out;
        try {
            out = operator.createOutputStream(path, bufferSize);
        } catch (RuntimeException e) {
            throw failure("write", location, e);
        }
        long n = 0;
        try {
            byte[] buffer = new byte[Math.min(bufferSize, 64 * 1024)];
            for (int r; (r = in.read(buffer)) >= 0; ) {
                out.write(buffer, 0, r);
                n += r;
            }
        } catch (IOException | RuntimeException e) {
            discard(out, path);
            if (e instanceof dev.portalkit.api.PortalException p) {
                // the host's size or type check, raised from inside the stream: as it is
                throw p;
            }
            throw e instanceof RuntimeException r ? failure("write", location, r)
                    : FilesException.backend(settings.name(), "cannot read the content for " + location, e);
        }
        try {
            out.close();
        } catch (IOException | RuntimeException e) {
            deleteQuietly(path);
            throw e instanceof RuntimeException r ? failure("write", location, r)
                    : FilesException.backend(settings.name(), "cannot write " + location, e);
        }
        return n;
    }

    /**
     * A write on a service whose OpenDAL writer takes the whole content in one call (webdav in
     * 0.48.2: "OneShotWriter"): the content is collected in memory up to {@code one_shot_max_size}
     * and refused beyond it (TOO_LARGE, naming the option), so that memory stays bounded.
     */
    private long writeOnce(String path, InputStream in, Location location) {
        byte[] content;
        try {
            content = in.readNBytes(oneShotMax + 1);
        } catch (IOException e) {
            throw FilesException.backend(settings.name(), "cannot read the content for " + location, e);
        }
        if (content.length > oneShotMax) {
            throw new FilesException(ErrorKind.TOO_LARGE, "storage " + settings.name() + ": OpenDAL's " + scheme
                    + " service writes a file in one request, held in memory: at most " + oneShotMax + " bytes ("
                    + settings.key(OpenDalStorageFactory.ONE_SHOT_MAX_SIZE) + ")");
        }
        try {
            operator.write(path, content);
        } catch (RuntimeException e) {
            deleteQuietly(path);
            throw failure("write", location, e);
        }
        return content.length;
    }

    /**
     * Streams {@code in} into place at {@code path}: written to the staging folder first and renamed
     * (or copied) over {@code path} once complete, so that a failed upload never damages the file
     * it was to replace; services that can neither rename nor copy are written in place.
     */
    long place(String path, InputStream in, Location location) {
        if (!can.rename && !can.copy) {
            return write(path, in, location);
        }
        String staged = stagingPath("upload");
        long n = write(staged, in, location);
        try {
            if (can.rename) {
                operator.rename(staged, path);
            } else {
                operator.copy(staged, path);
                deleteQuietly(staged);
            }
        } catch (RuntimeException e) {
            deleteQuietly(staged);
            throw failure("write", location, e);
        }
        return n;
    }

    private void discard(OutputStream out, String path) {
        try {
            out.close();
        } catch (IOException | RuntimeException ignored) {
            // the write failed already; what matters is that nothing stays
        }
        deleteQuietly(path);
    }

    void deleteQuietly(String path) {
        try {
            operator.delete(path);
        } catch (RuntimeException ignored) {
            // best effort: a leftover in the staging folder is not a file of the storage
        }
    }
}
