package dev.portalkit.runtime.files.managed;

import dev.portalkit.runtime.files.content.LocationRules;
import dev.portalkit.runtime.files.content.Streams;
import dev.portalkit.api.ErrorKind;
import dev.portalkit.api.files.Capability;
import dev.portalkit.api.files.FileData;
import dev.portalkit.api.files.FilesException;
import dev.portalkit.api.files.Location;
import dev.portalkit.api.files.StorageSettings;
import dev.portalkit.api.files.Upload;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.io.UncheckedIOException;
import java.util.Enumeration;
import java.util.Iterator;
import java.util.List;

/**
 * Emulation of RANGE, COPY, MOVE and COMPOSE for an adapter that lacks them, by streaming through
 * the adapter's own STREAM, CREATE and REMOVE. Emulating is allowed only up to the storage's
 * {@code inefficient_operation_cap}: refused before a byte moves when the size is known to pass it,
 * else once the stream passes it (and the partial target is removed). Callers checked the
 * capability and the locations.
 */
final class StreamingEmulation {
    private final StorageSettings settings;
    private final AdapterAccess access;
    private final UploadMeasuring measuring;

    StreamingEmulation(AdapterAccess access, UploadMeasuring measuring) {
        this.settings = access.settings();
        this.access = access;
        this.measuring = measuring;
    }

    /** Bytes {@code start} to {@code end} of the file, by skipping its stream. */
    InputStream range(FileData data, long start, long end) {
        if (start > settings.inefficientOperationCap()) {
            throw capExceeded("read a range starting at byte " + start, 0);
        }
        InputStream in = access.reader().stream(data);
        try {
            Streams.skip(in, start);
            return Streams.limited(in, end - start);
        } catch (IOException e) {
            closeQuietly(in);
            throw FilesException.backend(access.name(), "cannot read " + data.location(), e);
        }
    }

    /** Copies {@code source} to {@code target} by streaming it through the adapter. */
    FileData copy(Location target, FileData source, boolean replace) {
        if (source.size() > settings.inefficientOperationCap()) {
            throw capExceeded("copy files", source.size());
        }
        if (!replace && access.exists(target)) {
            throw FilesException.existingFile(access.name(), target);
        }
        return store("copy files", target, access.reader().stream(source), source.contentType(), replace);
    }

    /** Moves {@code source} to {@code target}: the adapter's own or an emulated copy, then the source removed. */
    FileData move(Location target, FileData source, boolean replace) {
        FileData copied = access.has(Capability.COPY) ? access.manager().copy(target, source, replace)
                : copy(target, source, replace);
        access.manager().remove(source);
        return copied;
    }

    /** Writes the {@code sources} one after the other into {@code target} by streaming them through the adapter. */
    FileData compose(Location target, List<FileData> sources, boolean replace) {
        long total = 0;
        for (FileData source : sources) {
            total = source.size() > 0 && total >= 0 ? total + source.size() : -1;
        }
        if (total > settings.inefficientOperationCap()) {
            throw capExceeded("compose files", total);
        }
        if (!replace && access.exists(target)) {
            throw FilesException.existingFile(access.name(), target);
        }
        if (access.has(Capability.EXISTS)) {
            for (FileData source : sources) {
                if (!access.manager().exists(source)) {
                    throw FilesException.missingFile(access.name(), source.location());
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
                return access.reader().stream(next.next());
            }
        };
        return store("compose files", target, new SequenceInputStream(parts), sources.get(0).contentType(), replace);
    }

    /** Streams {@code content} into {@code target} through the adapter, failing past the cap. */
    private FileData store(String operation, Location target, InputStream content, String contentType, boolean replace) {
        Upload upload = Upload.of(content, LocationRules.fileName(target.value()), contentType, -1);
        MeasuredUpload measured = new MeasuredUpload(upload, settings.inefficientOperationCap(), l -> capExceeded(operation, 0),
                measuring.digest(), new MeasuredUpload.TypeCheck(access.name(), List.of()));
        try {
            FileData stored = measuring.store(target, measured, replace);
            return new FileData(target, measured.count(), measured.contentType(), measured.hash(),
                    settings.hashingAlgorithm(), stored.storageData());
        } finally {
            closeQuietly(content);
        }
    }

    private FilesException capExceeded(String operation, long size) {
        return new FilesException(ErrorKind.UNSUPPORTED, "storage " + access.name() + " cannot " + operation
                + " natively, and emulating it is allowed only for files up to its inefficient_operation_cap of "
                + settings.inefficientOperationCap() + " bytes (" + settings.key("inefficient_operation_cap") + ")"
                + (size > 0 ? "; this is " + size + " bytes" : ""));
    }

    private static void closeQuietly(InputStream in) {
        try {
            in.close();
        } catch (IOException | UncheckedIOException ignored) {
            // the stream is done with either way
        }
    }
}
