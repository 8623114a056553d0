package dev.portalkit.storage.opendal;

import dev.portalkit.api.files.Capability;
import dev.portalkit.api.files.FileData;
import dev.portalkit.api.files.FileStat;
import dev.portalkit.api.files.FilesException;
import dev.portalkit.api.files.Location;
import dev.portalkit.api.files.Manager;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.EnumSet;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.Set;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;
import org.apache.opendal.Entry;

/** Manages a {@code files:opendal} storage with the service's own delete, stat, list, copy and rename. */
final class OpenDalManager implements Manager {
    private final OpenDalStorage storage;

    OpenDalManager(OpenDalStorage storage) {
        this.storage = storage;
    }

    @Override
    public Set<Capability> capabilities() {
        org.apache.opendal.Capability can = storage.can();
        Set<Capability> all = EnumSet.of(Capability.EXISTS);
        if (can.delete) {
            all.add(Capability.REMOVE);
        }
        if (can.list) {
            all.add(Capability.SCAN);
        }
        if (can.copy) {
            all.add(Capability.COPY);
        }
        if (can.rename) {
            all.add(Capability.MOVE);
        }
        return all;
    }

    @Override
    public boolean remove(FileData data) {
        requireCan(Capability.REMOVE);
        String path = storage.path(data.location());
        if (storage.stat(path, data.location()).isEmpty()) {
            return false;
        }
        try {
            storage.operator().delete(path);
            return true;
        } catch (RuntimeException e) {
            if (OpenDalFailures.notFound(e)) {
                return false;
            }
            throw storage.failure("remove", data.location(), e);
        }
    }

    @Override
    public boolean exists(FileData data) {
        return storage.stat(storage.path(data.location()), data.location()).isPresent();
    }

    @Override
    public Optional<FileStat> stat(FileData data) {
        return storage.stat(storage.path(data.location()), data.location())
                .map(m -> new FileStat(m.getContentLength(), m.getLastModified()));
    }

    @Override
    public FileData copy(Location target, FileData source, boolean overwrite) {
        requireCan(Capability.COPY);
        return transfer(target, source, overwrite, false);
    }

    @Override
    public FileData move(Location target, FileData source, boolean overwrite) {
        requireCan(Capability.MOVE);
        return transfer(target, source, overwrite, true);
    }

    private FileData transfer(Location target, FileData source, boolean overwrite, boolean move) {
        String to = storage.path(target);
        String from = storage.path(source.location());
        storage.stat(from, source.location())
                .orElseThrow(() -> FilesException.missingFile(storage.name(), source.location()));
        if (!overwrite && storage.stat(to, target).isPresent()) {
            throw FilesException.existingFile(storage.name(), target);
        }
        try {
            if (move) {
                storage.operator().rename(from, to);
            } else {
                storage.operator().copy(from, to);
            }
        } catch (RuntimeException e) {
            throw storage.failure(move ? "move" : "copy", source.location(), e);
        }
        return source.withLocation(target);
    }

    /** Every file, one folder listed at a time (depth first), the staging folder left out. */
    @Override
    public Stream<Location> scan() {
        requireCan(Capability.SCAN);
        Iterator<Location> files = new Iterator<>() {
            private final Deque<String> folders = new ArrayDeque<>(List.of(""));
            private final Deque<Location> ready = new ArrayDeque<>();

            @Override
            public boolean hasNext() {
                while (ready.isEmpty() && !folders.isEmpty()) {
                    String folder = folders.pop();
                    List<Entry> entries;
                    try {
                        entries = storage.operator().list(folder.isEmpty() ? "/" : folder);
                    } catch (RuntimeException e) {
                        if (OpenDalFailures.notFound(e)) {
                            continue;
                        }
                        throw storage.failure("list", folder.isEmpty() ? null : new Location(folder), e);
                    }
                    for (Entry entry : entries) {
                        String path = entry.getPath();
                        if (path.startsWith("/")) {
                            path = path.substring(1);
                        }
                        if (path.isEmpty() || path.equals(folder) || path.equals(OpenDalStorage.STAGING + "/")) {
                            continue;
                        }
                        if (path.endsWith("/")) {
                            folders.push(path);
                        } else {
                            ready.add(new Location(path));
                        }
                    }
                }
                return !ready.isEmpty();
            }

            @Override
            public Location next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                return ready.poll();
            }
        };
        return StreamSupport.stream(Spliterators.spliteratorUnknownSize(files, Spliterator.ORDERED | Spliterator.NONNULL), false);
    }

    private void requireCan(Capability capability) {
        if (!capabilities().contains(capability)) {
            throw FilesException.unsupported(storage.name(), capability);
        }
    }
}
