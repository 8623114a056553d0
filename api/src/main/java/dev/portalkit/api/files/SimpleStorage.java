package dev.portalkit.api.files;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.NoSuchFileException;
import java.util.Collections;
import java.util.EnumSet;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The one-class way to write a small storage adapter: extend this class, write the five methods
 * below, and return it from {@link StorageFactory#create}. It is the {@link Storage} and its three
 * services at once, with capabilities CREATE, STREAM, REMOVE, EXISTS and SCAN; the host emulates
 * COPY, MOVE, COMPOSE and RANGE from them.
 *
 * <pre>{@code
 * protected FileData write(Location location, InputStream content, Upload upload) throws IOException // CREATE
 * protected InputStream open(Location location) throws IOException                                  // STREAM
 * protected boolean delete(Location location) throws IOException                                    // REMOVE
 * protected boolean contains(Location location) throws IOException                                  // EXISTS
 * protected Stream<Location> locations() throws IOException                                         // SCAN
 * }</pre>
 *
 * <p>The base does the rest of the service contracts: it refuses an upload over an existing file
 * unless asked to overwrite ({@link FilesException#existingFile}), opens and closes the upload's
 * stream, removes a new file whose writing failed, answers NOT_FOUND for a missing file when
 * {@link #open} throws {@link NoSuchFileException} or {@link FileNotFoundException}, and turns
 * any other {@link IOException} into {@link FilesException#backend} (TRANSIENT).
 * The host measures size, hash and type while you stream, so do not compute them.
 *
 * <p>More than that, natively: override the service method ({@link Manager#copy},
 * {@link StorageReader#range}, {@link Manager#stat}, ...) and name its capability once, in the
 * constructor: {@code super(settings, Capability.RANGE)}.
 */
public abstract class SimpleStorage implements Storage, Uploader, StorageReader, Manager {
    private final StorageSettings settings;
    private final Set<Capability> capabilities;

    /**
     * @param settings the settings {@link StorageFactory#create} was given
     * @param extra    capabilities beyond the five, for service methods this class overrides
     */
    protected SimpleStorage(StorageSettings settings, Capability... extra) {
        this.settings = settings;
        EnumSet<Capability> all = EnumSet.of(Capability.CREATE, Capability.STREAM, Capability.REMOVE, Capability.EXISTS,
                Capability.SCAN);
        Collections.addAll(all, extra);
        this.capabilities = Collections.unmodifiableSet(all);
    }

    /**
     * Stores {@code content} at {@code location}, reading it to its end, replacing a file that is
     * there. When it fails, leave the location as it was: a file that was there stays (write to a
     * temporary name and rename it into place); a new file is removed by the base.
     *
     * @param upload the upload's file name and declared type; its content is {@code content}
     * @return what you know of the stored file: {@code FileData.of(location)} is enough, add
     *         {@link FileData#storageData()} your backend needs later (size, hash and type are the
     *         host's measurements)
     */
    protected abstract FileData write(Location location, InputStream content, Upload upload) throws IOException;

    /** The content at {@code location}; throw {@link NoSuchFileException} when there is none. */
    protected abstract InputStream open(Location location) throws IOException;

    /** Removes the file at {@code location}; false when there was none. */
    protected abstract boolean delete(Location location) throws IOException;

    /** Whether a file is at {@code location}, without reading it. */
    protected abstract boolean contains(Location location) throws IOException;

    /** Every stored location, lazily; the caller closes the stream. */
    protected abstract Stream<Location> locations() throws IOException;

    // ---- Storage and its services ----------------------------------------------------------------

    @Override
    public final StorageSettings settings() {
        return settings;
    }

    @Override
    public final Uploader uploader() {
        return this;
    }

    @Override
    public final StorageReader reader() {
        return this;
    }

    @Override
    public final Manager manager() {
        return this;
    }

    /** The five, the extra ones of the constructor, minus the storage's {@code disabled_capabilities}. */
    @Override
    public final Set<Capability> capabilities() {
        EnumSet<Capability> all = EnumSet.copyOf(capabilities);
        all.removeAll(settings.disabledCapabilities());
        return all;
    }

    @Override
    public FileData upload(Location location, Upload upload, boolean overwrite) {
        boolean existed = exists(FileData.of(location));
        if (existed && !overwrite) {
            throw FilesException.existingFile(settings.name(), location);
        }
        try (InputStream content = upload.open()) {
            FileData stored = write(location, content, upload);
            return stored == null ? FileData.of(location) : stored;
        } catch (IOException | RuntimeException e) {
            if (!existed) {
                try {
                    delete(location);
                } catch (IOException | RuntimeException cleanup) {
                    e.addSuppressed(cleanup);
                }
            }
            throw e instanceof RuntimeException r ? r : failed("cannot write " + location, (IOException) e);
        }
    }

    @Override
    public InputStream stream(FileData data) {
        try {
            return open(data.location());
        } catch (NoSuchFileException | FileNotFoundException e) {
            throw FilesException.missingFile(settings.name(), data.location());
        } catch (IOException e) {
            throw failed("cannot read " + data.location(), e);
        }
    }

    @Override
    public boolean remove(FileData data) {
        try {
            return delete(data.location());
        } catch (IOException e) {
            throw failed("cannot remove " + data.location(), e);
        }
    }

    @Override
    public boolean exists(FileData data) {
        try {
            return contains(data.location());
        } catch (IOException e) {
            throw failed("cannot check " + data.location(), e);
        }
    }

    @Override
    public Stream<Location> scan() {
        try {
            return locations();
        } catch (IOException e) {
            throw failed("cannot list files", e);
        }
    }

    /** A backend failure of this storage (TRANSIENT), for your own methods; never put secrets in {@code what}. */
    protected FilesException failed(String what, IOException cause) {
        return FilesException.backend(settings.name(), what, cause);
    }
}
