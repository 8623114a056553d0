package dev.portalkit.runtime.files;

import dev.portalkit.api.ErrorKind;
import dev.portalkit.api.files.Capability;
import dev.portalkit.api.files.Delivery;
import dev.portalkit.api.files.FileData;
import dev.portalkit.api.files.FileStat;
import dev.portalkit.api.files.FilesException;
import dev.portalkit.api.files.Location;
import dev.portalkit.api.files.LocationTransformer;
import dev.portalkit.api.files.ManagedStorage;
import dev.portalkit.api.files.Manager;
import dev.portalkit.api.files.MultipartData;
import dev.portalkit.api.files.StorageReader;
import dev.portalkit.api.files.Storage;
import dev.portalkit.api.files.StorageSettings;
import dev.portalkit.api.files.Upload;
import dev.portalkit.api.files.Uploader;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Collections;
import java.util.EnumSet;
import java.util.Enumeration;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The {@link ManagedStorage} the host hands out: an adapter's storage behind location checks,
 * measured uploads (size, hash, {@code max_size}, detected type and {@code supported_types}),
 * the overwrite rule, emulated COPY / MOVE / COMPOSE / RANGE up to {@code inefficient_operation_cap},
 * and verified multipart completion. See {@link ManagedStorage} for the rules.
 */
public final class ManagedStorageImpl implements ManagedStorage {
    private static final Set<Capability> UPLOADER = EnumSet.of(Capability.CREATE, Capability.MULTIPART);
    private static final Set<Capability> READER = EnumSet.of(Capability.STREAM, Capability.RANGE, Capability.PUBLIC_LINK,
            Capability.TEMPORAL_LINK, Capability.PERMANENT_LINK, Capability.ONE_TIME_LINK);

    /** The smallest file part piped while it arrives (docs/uploads.md). */
    static final long MIN_PIPE_SIZE = 8L << 20;
    private static final Set<String> UNIQUE_TRANSFORMERS = Set.of("uuid", "uuid_prefix", "uuid_with_extension");
    private static final Set<String> KEEP_UNIQUE_TRANSFORMERS = Set.of("fix_extension", "datetime_prefix", "safe_relative_path");

    private final StorageSettings settings;
    private final Storage adapter;
    private final List<LocationTransformer> transformers;
    private final Set<Capability> own;
    private final Set<Capability> emulated;
    private final Set<Capability> all;
    /** Files are readable without the portal: {@code public = true}, or the backend makes public links (a web server's folder). */
    private final boolean readableByAnyone;
    private final Uploader uploader = new ManagedUploader();
    private final StorageReader reader = new ManagedReader();
    private final Manager manager = new ManagedManager();

    /**
     * @param available every known transformer by name (the configured ones were validated at start)
     */
    public ManagedStorageImpl(StorageSettings settings, Storage adapter, Map<String, LocationTransformer> available) {
        this.settings = settings;
        this.adapter = adapter;
        this.transformers = settings.locationTransformers().stream().map(name -> {
            LocationTransformer t = available.get(name);
            if (t == null) {
                throw dev.portalkit.api.PortalException.config(settings.key("location_transformers") + ": unknown transformer '" + name + "'");
            }
            return t;
        }).toList();
        Set<Capability> disabled = settings.disabledCapabilities();
        EnumSet<Capability> ownCaps = EnumSet.noneOf(Capability.class);
        ownCaps.addAll(adapter.capabilities());
        ownCaps.removeAll(disabled);
        // Emulation needs the adapter's own STREAM / CREATE / REMOVE; a disabled capability is
        // neither offered nor emulated, nor used to emulate another (MOVE needs COPY).
        EnumSet<Capability> emulatedCaps = EnumSet.noneOf(Capability.class);
        boolean streams = ownCaps.contains(Capability.STREAM);
        boolean creates = ownCaps.contains(Capability.CREATE);
        if (!ownCaps.contains(Capability.RANGE) && streams) {
            emulatedCaps.add(Capability.RANGE);
        }
        if (!ownCaps.contains(Capability.COPY) && streams && creates) {
            emulatedCaps.add(Capability.COPY);
        }
        if (!ownCaps.contains(Capability.COMPOSE) && streams && creates) {
            emulatedCaps.add(Capability.COMPOSE);
        }
        emulatedCaps.removeAll(disabled);
        boolean copies = ownCaps.contains(Capability.COPY) || emulatedCaps.contains(Capability.COPY);
        if (!ownCaps.contains(Capability.MOVE) && copies && ownCaps.contains(Capability.REMOVE)) {
            emulatedCaps.add(Capability.MOVE);
        }
        emulatedCaps.removeAll(disabled);
        this.own = Collections.unmodifiableSet(ownCaps);
        this.emulated = Collections.unmodifiableSet(emulatedCaps);
        EnumSet<Capability> allCaps = EnumSet.copyOf(ownCaps);
        allCaps.addAll(emulatedCaps);
        this.all = Collections.unmodifiableSet(allCaps);
        this.readableByAnyone = settings.publicStorage() || adapter.capabilities().contains(Capability.PUBLIC_LINK);
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
        return all;
    }

    /** The capabilities the managed storage emulates (a subset of {@link #capabilities()}). */
    public Set<Capability> emulatedCapabilities() {
        return emulated;
    }

    /** The adapter behind this storage (runtime-internal: tests, maintenance commands). */
    Storage adapter() {
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
        if (sample instanceof LocalUpload local) {
            Optional<Location> piped = local.pipe().flatMap(p -> p.locationFor(this, untrusted));
            if (piped.isPresent()) {
                return piped.get();
            }
        }
        String location = untrusted == null ? "" : untrusted;
        if (readableByAnyone && FileNames.hidden(location)) {
            throw hiddenRefused(location);
        }
        for (LocationTransformer transformer : transformers) {
            location = transformer.transform(location, sample, settings);
            if (location == null) {
                throw FilesException.badLocation(untrusted, "a location transformer gave nothing");
            }
        }
        return check(new Location(LocationRules.check(location)));
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
     * <li>{@code expected} is at least {@value #MIN_PIPE_SIZE} bytes (smaller parts gain nothing)
     *     and within the storage's {@code max_size}.</li>
     * </ul>
     *
     * @param expected the part's predicted size (from the request's Content-Length)
     */
    public Optional<UploadPipe> pipe(String name, String filename, String contentType, Path spool, long expected) {
        if (expected < MIN_PIPE_SIZE || expected > maxSizeLimit() || !adapterHas(Capability.CREATE)
                || adapter instanceof LocalFileAdopter || settings.publicStorage() || !uniqueLocations()) {
            return Optional.empty();
        }
        Location location;
        try {
            location = prepareLocation(name, Upload.of(filename, contentType, expected, InputStream::nullInputStream));
        } catch (RuntimeException e) {
            return Optional.empty(); // the action refuses the name with its own message
        }
        return Optional.of(new UploadPipe(this, adapter.uploader(), this::removeQuietly, name, location, filename, contentType,
                spool, expected, new MeasuredUpload.TypeCheck(name(), settings.supportedTypes())));
    }

    /** Whether {@link #prepareLocation} gives every upload a new location: a uuid transformer, and after it only ones that keep it. */
    private boolean uniqueLocations() {
        List<String> names = settings.locationTransformers();
        int last = -1;
        for (int i = 0; i < names.size(); i++) {
            if (UNIQUE_TRANSFORMERS.contains(names.get(i))) {
                last = i;
            }
        }
        return last >= 0 && KEEP_UNIQUE_TRANSFORMERS.containsAll(names.subList(last + 1, names.size()));
    }

    @Override
    public void close() {
        adapter.close();
    }

    @Override
    public String toString() {
        return "storage " + settings.name() + " (" + settings.type() + ")";
    }

    // ---- helpers --------------------------------------------------------------------------------

    private void require(Capability capability) {
        if (!all.contains(capability)) {
            throw FilesException.unsupported(name(), capability);
        }
    }

    /** A location this storage works with: {@link LocationRules}, and for a storage readable by anyone no hidden segment. */
    private Location check(Location location) {
        checkAny(location);
        if (readableByAnyone && FileNames.hidden(location.value())) {
            throw hiddenRefused(location.value());
        }
        return location;
    }

    private FileData check(FileData data) {
        if (data == null) {
            throw FilesException.badLocation("", "it is missing");
        }
        check(data.location());
        return data;
    }

    /** {@link LocationRules} only: what removing (and asking for) a file needs, so that anything stored can be cleaned up. */
    private static Location checkAny(Location location) {
        if (location == null) {
            throw FilesException.badLocation("", "it is missing");
        }
        LocationRules.check(location.value());
        return location;
    }

    private static FileData checkAny(FileData data) {
        if (data == null) {
            throw FilesException.badLocation("", "it is missing");
        }
        checkAny(data.location());
        return data;
    }

    private FilesException hiddenRefused(String location) {
        return FilesException.badLocation(location, "storage " + name() + " is readable by anyone at the backend (a web server may "
                + "serve its folder), so no name or folder of it may start with '.' (.htaccess, .user.ini, .git/...)");
    }

    private long maxSizeLimit() {
        return settings.maxSize() > 0 ? settings.maxSize() : Long.MAX_VALUE;
    }

    private MessageDigest digest() {
        return Hashing.digest(settings.hashingAlgorithm());
    }

    private boolean adapterHas(Capability capability) {
        return own.contains(capability);
    }

    private boolean adapterExists(Location location) {
        return adapterHas(Capability.EXISTS) && adapter.manager().exists(FileData.of(location));
    }

    private FilesException capExceeded(String operation, long size) {
        return new FilesException(ErrorKind.UNSUPPORTED, "storage " + name() + " cannot " + operation
                + " natively, and emulating it is allowed only for files up to its inefficient_operation_cap of "
                + settings.inefficientOperationCap() + " bytes (" + settings.key("inefficient_operation_cap") + ")"
                + (size > 0 ? "; this is " + size + " bytes" : ""));
    }

    private void removeQuietly(Location location, Throwable cause) {
        removeQuietly(FileData.of(location), cause);
    }

    private void removeQuietly(FileData data, Throwable cause) {
        if (!adapterHas(Capability.REMOVE)) {
            return;
        }
        try {
            adapter.manager().remove(data);
        } catch (RuntimeException e) {
            cause.addSuppressed(e);
        }
    }

    /** Hands a measured upload to the adapter; a failure the stream raised wins over what the adapter made of it. */
    private FileData store(Location location, MeasuredUpload measured, boolean replace) {
        FileData stored;
        try {
            stored = adapter.uploader().upload(location, measured, replace);
        } catch (RuntimeException e) {
            throw measured.failureOr(e);
        }
        FilesException failure = measured.failure();
        if (failure != null) {
            // The adapter swallowed the failure: what it wrote is not the upload.
            removeQuietly(location, failure);
            throw failure;
        }
        if (!measured.ended()) {
            FilesException e = new FilesException(ErrorKind.INTERNAL, "adapter " + settings.type() + " of storage " + name()
                    + " did not read the upload to its end");
            removeQuietly(location, e);
            throw e;
        }
        return stored;
    }

    /** The stored file's first bytes, for type detection. */
    private byte[] head(FileData data) {
        try (InputStream in = adapterHas(Capability.RANGE) ? adapter.reader().range(data, 0, ContentTypes.SNIFF_BYTES)
                : adapter.reader().stream(data)) {
            return in.readNBytes(ContentTypes.SNIFF_BYTES);
        } catch (IOException e) {
            throw FilesException.backend(name(), "cannot read " + data.location(), e);
        }
    }

    /** An upload presenting {@code in} under the given name and declared type. */
    private static Upload streamed(InputStream in, String filename, String contentType) {
        return Upload.of(in, filename, contentType, -1);
    }

    // ---- services -------------------------------------------------------------------------------

    private final class ManagedUploader implements Uploader {
        @Override
        public Set<Capability> capabilities() {
            return intersect(UPLOADER);
        }

        @Override
        public FileData upload(Location location, Upload upload, boolean overwrite) {
            UploadPipe pipe = upload instanceof LocalUpload local ? local.pipe().orElse(null) : null;
            if (pipe != null) {
                try {
                    if (pipe.claim(ManagedStorageImpl.this, location)) {
                        Optional<FileData> piped = keepPiped(location, (LocalUpload) upload, pipe);
                        if (piped.isPresent()) {
                            return piped.get();
                        }
                    }
                } finally {
                    // Kept: nothing to do; refused, failed, or meant for another storage or location: removed.
                    pipe.abort();
                }
            }
            return copy(location, upload, overwrite);
        }

        /** Stores the upload: a spooled file by a hard link where the adapter can, else streamed through the adapter. */
        private FileData copy(Location location, Upload upload, boolean overwrite) {
            require(Capability.CREATE);
            check(location);
            boolean replace = overwrite && settings.overwriteExisting();
            if (settings.maxSize() > 0 && upload.size() > settings.maxSize()) {
                throw FilesException.tooLarge(name(), settings.maxSize());
            }
            if (!replace && adapterExists(location)) {
                throw FilesException.existingFile(name(), location);
            }
            MeasuredUpload.TypeCheck typeCheck = new MeasuredUpload.TypeCheck(name(), settings.supportedTypes());
            if (upload instanceof LocalUpload local && adapter instanceof LocalFileAdopter adopter) {
                Optional<FileData> adopted = adopt(location, local, adopter, typeCheck, replace);
                if (adopted.isPresent()) {
                    return adopted.get();
                }
            }
            // A local upload hashed while it was written is not hashed again while the adapter copies it.
            Optional<String> known = upload instanceof LocalUpload local ? local.hash(settings.hashingAlgorithm()) : Optional.empty();
            MeasuredUpload measured = new MeasuredUpload(upload, maxSizeLimit(), limit -> FilesException.tooLarge(name(), limit),
                    known.isPresent() ? null : digest(), typeCheck);
            FileData stored = store(location, measured, replace);
            return new FileData(location, measured.count(), measured.contentType(), known.orElseGet(measured::hash),
                    settings.hashingAlgorithm(), stored.storageData());
        }

        /**
         * One pass for a file the host already wrote and hashed while receiving it: the adapter
         * links it into place; size, type and hash come from the measurements taken while it was
         * written. Empty (nothing stored) when the hash is in another algorithm or the adapter
         * cannot take this file: the caller streams it instead.
         */
        private Optional<FileData> adopt(Location location, LocalUpload local, LocalFileAdopter adopter,
                                         MeasuredUpload.TypeCheck typeCheck, boolean replace) {
            Optional<String> hash = local.hash(settings.hashingAlgorithm());
            if (hash.isEmpty()) {
                return Optional.empty();
            }
            long size = local.size();
            String type = checkMeasured(local, typeCheck);
            Optional<FileData> stored = adopter.adopt(location, local.file(), replace);
            if (stored.isPresent() && stored.get().size() != size) {
                FilesException e = new FilesException(ErrorKind.INTERNAL, "storage " + name() + " took " + stored.get().size()
                        + " bytes of a " + size + "-byte upload");
                removeQuietly(location, e);
                throw e;
            }
            return stored.map(s -> new FileData(location, size, type, hash.get(), settings.hashingAlgorithm(), s.storageData()));
        }

        /**
         * Checks size and detected type of a local upload from what was measured while it was
         * written; returns the detected type.
         */
        private String checkMeasured(LocalUpload local, MeasuredUpload.TypeCheck typeCheck) {
            if (local.size() > maxSizeLimit()) {
                throw FilesException.tooLarge(name(), settings.maxSize());
            }
            byte[] head = local.head();
            String type = ContentTypes.detect(head, head.length, local.filename(), local.contentType());
            FilesException refused = typeCheck.refusal(type, local.contentType());
            if (refused != null) {
                throw refused;
            }
            return type;
        }

        /**
         * One pass for a spooled upload that was piped into this storage at {@code location} while it
         * arrived: checks size and type from the spooling's measurements (a refusal removes the piped
         * file), waits for the adapter's upload and keeps what it stored. The hash is the one taken
         * while spooling. Empty when the hash is in another algorithm, the pipe failed or the part
         * was not the predicted size: the caller stores the spool.
         */
        private Optional<FileData> keepPiped(Location location, LocalUpload local, UploadPipe pipe) {
            require(Capability.CREATE);
            check(location);
            Optional<String> hash = local.hash(settings.hashingAlgorithm());
            if (hash.isEmpty()) {
                return Optional.empty();
            }
            long size = local.size();
            String type = checkMeasured(local, new MeasuredUpload.TypeCheck(name(), settings.supportedTypes()));
            Optional<FileData> stored = pipe.finish(size);
            if (stored.isEmpty()) {
                return Optional.empty();
            }
            pipe.kept();
            return Optional.of(new FileData(location, size, type, hash.get(), settings.hashingAlgorithm(), stored.get().storageData()));
        }

        @Override
        public MultipartData multipartStart(MultipartData data) {
            require(Capability.MULTIPART);
            check(data.location());
            if (data.size() < 0) {
                throw new FilesException(ErrorKind.BAD_REQUEST, "a multipart upload needs its expected size");
            }
            if (settings.maxSize() > 0 && data.size() > settings.maxSize()) {
                throw FilesException.tooLarge(name(), settings.maxSize());
            }
            if (!settings.overwriteExisting() && adapterExists(data.location())) {
                throw FilesException.existingFile(name(), data.location());
            }
            return adapter.uploader().multipartStart(data);
        }

        @Override
        public MultipartData multipartUpdate(MultipartData data, int part, Upload content) {
            require(Capability.MULTIPART);
            check(data.location());
            if (part < 1 || part > MultipartData.MAX_PARTS) {
                throw new FilesException(ErrorKind.BAD_REQUEST, "part number " + part + " is out of range 1.."
                        + MultipartData.MAX_PARTS);
            }
            long limit = Math.min(data.size(), maxSizeLimit());
            if (content.size() > limit) {
                throw FilesException.tooLarge(name(), limit);
            }
            // Part 1 holds the head of the file: its type is checked before it is stored.
            Upload named = new Upload() {
                @Override
                public String filename() {
                    return LocationRules.fileName(data.location().value());
                }

                @Override
                public String contentType() {
                    return data.contentType();
                }

                @Override
                public long size() {
                    return content.size();
                }

                @Override
                public InputStream open() throws IOException {
                    return content.open();
                }
            };
            MeasuredUpload measured = new MeasuredUpload(named, limit, l -> FilesException.tooLarge(name(), l), null,
                    part == 1 ? new MeasuredUpload.TypeCheck(name(), settings.supportedTypes()) : null);
            return measured.hand(() -> adapter.uploader().multipartUpdate(data, part, measured));
        }

        @Override
        public long multipartMinPartSize() {
            return Math.max(1, adapter.uploader().multipartMinPartSize());
        }

        @Override
        public MultipartData multipartRefresh(MultipartData data) {
            require(Capability.MULTIPART);
            check(data.location());
            return adapter.uploader().multipartRefresh(data);
        }

        @Override
        public FileData multipartComplete(MultipartData data) {
            require(Capability.MULTIPART);
            Location location = check(data.location());
            FileData assembled = adapter.uploader().multipartComplete(data);
            try {
                long size;
                String hash;
                byte[] head;
                if (!assembled.hash().isEmpty() && settings.hashingAlgorithm().equalsIgnoreCase(assembled.hashAlgorithm())) {
                    size = assembled.size();
                    hash = assembled.hash();
                    head = head(assembled);
                } else {
                    // Read the file back once: size, hash and head together.
                    MessageDigest digest = digest();
                    try (InputStream in = adapter.reader().stream(assembled)) {
                        head = in.readNBytes(ContentTypes.SNIFF_BYTES);
                        digest.update(head);
                        size = head.length + Streams.copy(in, java.io.OutputStream.nullOutputStream(), digest);
                    } catch (IOException e) {
                        throw FilesException.backend(name(), "cannot read " + location + " back", e);
                    }
                    hash = Hashing.hex(digest);
                }
                if (size != data.size()) {
                    throw new FilesException(ErrorKind.BAD_REQUEST, "multipart upload of " + location + " was announced with "
                            + data.size() + " bytes but its parts hold " + size);
                }
                if (settings.maxSize() > 0 && size > settings.maxSize()) {
                    throw FilesException.tooLarge(name(), settings.maxSize());
                }
                if (!data.hash().isEmpty() && !data.hash().equalsIgnoreCase(hash)) {
                    throw new FilesException(ErrorKind.CONFLICT, "multipart upload of " + location + " was announced with "
                            + settings.hashingAlgorithm() + " " + data.hash() + " but its content has " + hash);
                }
                String type = ContentTypes.detect(head, head.length, LocationRules.fileName(location.value()), data.contentType());
                if (!ContentTypes.accepted(type, settings.supportedTypes())) {
                    throw FilesException.wrongType(name(), type, "the storage accepts " + String.join(" ", settings.supportedTypes()));
                }
                return new FileData(location, size, type, hash, settings.hashingAlgorithm(), assembled.storageData());
            } catch (RuntimeException e) {
                removeQuietly(location, e);
                throw e;
            }
        }

        @Override
        public void multipartAbort(MultipartData data) {
            require(Capability.MULTIPART);
            checkAny(data.location());
            adapter.uploader().multipartAbort(data);
        }
    }

    private final class ManagedReader implements StorageReader {
        @Override
        public Set<Capability> capabilities() {
            return intersect(READER);
        }

        @Override
        public InputStream stream(FileData data) {
            require(Capability.STREAM);
            return adapter.reader().stream(check(data));
        }

        @Override
        public InputStream range(FileData data, long start, long end) {
            require(Capability.RANGE);
            check(data);
            if (start < 0 || end < start) {
                throw new FilesException(ErrorKind.BAD_REQUEST, "range " + start + ".." + end + " is not a valid byte range");
            }
            if (adapterHas(Capability.RANGE)) {
                return adapter.reader().range(data, start, end);
            }
            if (start > settings.inefficientOperationCap()) {
                throw capExceeded("read a range starting at byte " + start, 0);
            }
            InputStream in = adapter.reader().stream(data);
            try {
                Streams.skip(in, start);
                return Streams.limited(in, end - start);
            } catch (IOException e) {
                closeQuietly(in);
                throw FilesException.backend(name(), "cannot read " + data.location(), e);
            }
        }

        @Override
        public Optional<Path> localFile(FileData data) {
            return adapter.reader().localFile(check(data));
        }

        @Override
        public Delivery delivery(FileData data, String filename, Duration ttl) {
            Delivery delivery = adapter.reader().delivery(check(data), filename, ttl);
            return delivery == null ? new Delivery.Stream() : delivery;
        }

        @Override
        public URI publicLink(FileData data) {
            require(Capability.PUBLIC_LINK);
            return adapter.reader().publicLink(check(data));
        }

        @Override
        public URI temporalLink(FileData data, Duration ttl, String filename) {
            require(Capability.TEMPORAL_LINK);
            return adapter.reader().temporalLink(check(data), ttl, filename);
        }

        @Override
        public URI permanentLink(FileData data) {
            require(Capability.PERMANENT_LINK);
            return adapter.reader().permanentLink(check(data));
        }

        @Override
        public URI oneTimeLink(FileData data) {
            require(Capability.ONE_TIME_LINK);
            return adapter.reader().oneTimeLink(check(data));
        }
    }

    private final class ManagedManager implements Manager {
        @Override
        public Set<Capability> capabilities() {
            EnumSet<Capability> out = EnumSet.noneOf(Capability.class);
            out.addAll(all);
            out.removeAll(UPLOADER);
            out.removeAll(READER);
            return out;
        }

        @Override
        public boolean remove(FileData data) {
            require(Capability.REMOVE);
            return adapter.manager().remove(checkAny(data));
        }

        @Override
        public boolean exists(FileData data) {
            require(Capability.EXISTS);
            return adapter.manager().exists(checkAny(data));
        }

        @Override
        public Optional<FileStat> stat(FileData data) {
            require(Capability.EXISTS);
            return adapter.manager().stat(check(data));
        }

        @Override
        public FileData copy(Location target, FileData source, boolean overwrite) {
            require(Capability.COPY);
            check(target);
            check(source);
            refuseSame(target, source.location());
            boolean replace = overwrite && settings.overwriteExisting();
            if (adapterHas(Capability.COPY)) {
                return adapter.manager().copy(target, source, replace);
            }
            return emulatedCopy(target, source, replace);
        }

        @Override
        public FileData move(Location target, FileData source, boolean overwrite) {
            require(Capability.MOVE);
            check(target);
            check(source);
            refuseSame(target, source.location());
            boolean replace = overwrite && settings.overwriteExisting();
            if (adapterHas(Capability.MOVE)) {
                return adapter.manager().move(target, source, replace);
            }
            FileData copied = adapterHas(Capability.COPY) ? adapter.manager().copy(target, source, replace)
                    : emulatedCopy(target, source, replace);
            adapter.manager().remove(source);
            return copied;
        }

        @Override
        public Stream<Location> scan() {
            require(Capability.SCAN);
            return adapter.manager().scan();
        }

        @Override
        public FileData append(FileData data, Upload content) {
            require(Capability.APPEND);
            check(data);
            if (settings.maxSize() > 0 && content.size() > settings.maxSize()) {
                throw FilesException.tooLarge(name(), settings.maxSize());
            }
            MeasuredUpload measured = new MeasuredUpload(content, maxSizeLimit(), l -> FilesException.tooLarge(name(), l),
                    null, null);
            return measured.hand(() -> adapter.manager().append(data, measured));
        }

        @Override
        public FileData compose(Location target, List<FileData> sources, boolean overwrite) {
            require(Capability.COMPOSE);
            check(target);
            if (sources == null || sources.isEmpty()) {
                throw new FilesException(ErrorKind.BAD_REQUEST, "compose needs at least one source");
            }
            sources.forEach(s -> {
                check(s);
                refuseSame(target, s.location());
            });
            boolean replace = overwrite && settings.overwriteExisting();
            if (adapterHas(Capability.COMPOSE)) {
                return adapter.manager().compose(target, sources, replace);
            }
            long total = 0;
            for (FileData source : sources) {
                total = source.size() > 0 && total >= 0 ? total + source.size() : -1;
            }
            if (total > settings.inefficientOperationCap()) {
                throw capExceeded("compose files", total);
            }
            if (!replace && adapterExists(target)) {
                throw FilesException.existingFile(name(), target);
            }
            if (adapterHas(Capability.EXISTS)) {
                for (FileData source : sources) {
                    if (!adapter.manager().exists(source)) {
                        throw FilesException.missingFile(name(), source.location());
                    }
                }
            }
            Iterator<FileData> next = sources.iterator();
            Enumeration<InputStream> parts = new Enumeration<>() {
                @Override
                public boolean hasMoreElements() {
                    return next.hasNext();
                }

                @Override
                public InputStream nextElement() {
                    return adapter.reader().stream(next.next());
                }
            };
            return emulatedStore("compose files", target, new SequenceInputStream(parts), sources.get(0).contentType(), replace);
        }

        @Override
        public FileData analyze(Location location) {
            require(Capability.ANALYZE);
            return adapter.manager().analyze(check(location));
        }

        private FileData emulatedCopy(Location target, FileData source, boolean replace) {
            if (source.size() > settings.inefficientOperationCap()) {
                throw capExceeded("copy files", source.size());
            }
            if (!replace && adapterExists(target)) {
                throw FilesException.existingFile(name(), target);
            }
            return emulatedStore("copy files", target, adapter.reader().stream(source), source.contentType(), replace);
        }

        /** Streams {@code content} into {@code target} through the adapter, failing past the cap. */
        private FileData emulatedStore(String operation, Location target, InputStream content, String contentType, boolean replace) {
            Upload upload = streamed(content, LocationRules.fileName(target.value()), contentType);
            MeasuredUpload measured = new MeasuredUpload(upload, settings.inefficientOperationCap(), l -> capExceeded(operation, 0),
                    digest(), new MeasuredUpload.TypeCheck(name(), List.of()));
            try {
                FileData stored = store(target, measured, replace);
                return new FileData(target, measured.count(), measured.contentType(), measured.hash(),
                        settings.hashingAlgorithm(), stored.storageData());
            } finally {
                closeQuietly(content);
            }
        }

        private void refuseSame(Location target, Location source) {
            if (target.equals(source)) {
                throw new FilesException(ErrorKind.BAD_REQUEST, "source and target are the same location " + target);
            }
        }
    }

    private Set<Capability> intersect(Set<Capability> service) {
        EnumSet<Capability> out = EnumSet.noneOf(Capability.class);
        for (Capability c : all) {
            if (service.contains(c)) {
                out.add(c);
            }
        }
        return out;
    }

    private static void closeQuietly(InputStream in) {
        try {
            in.close();
        } catch (IOException | UncheckedIOException ignored) {
            // the stream is done with either way
        }
    }
}
