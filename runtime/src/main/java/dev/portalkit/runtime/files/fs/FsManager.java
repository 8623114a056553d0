package dev.portalkit.runtime.files.fs;

import dev.portalkit.api.ErrorKind;
import dev.portalkit.api.files.Capability;
import dev.portalkit.api.files.FileData;
import dev.portalkit.api.files.FileStat;
import dev.portalkit.api.files.FilesException;
import dev.portalkit.api.files.Location;
import dev.portalkit.api.files.Manager;
import dev.portalkit.api.files.Upload;
import dev.portalkit.runtime.files.content.ContentTypes;
import dev.portalkit.runtime.files.content.Hashing;
import dev.portalkit.runtime.files.content.LocationRules;
import dev.portalkit.runtime.files.content.Streams;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Manages the files of an {@link FsStorage}: remove, exists, stat, copy, move, scan, append,
 * compose, analyze.
 */
final class FsManager implements Manager {
    private static final Set<Capability> MANAGES = EnumSet.of(Capability.REMOVE, Capability.EXISTS, Capability.SCAN,
            Capability.ANALYZE, Capability.COPY, Capability.MOVE, Capability.APPEND, Capability.COMPOSE);

    private final FsPaths paths;

    FsManager(FsPaths paths) {
        this.paths = paths;
    }

    @Override
    public Set<Capability> capabilities() {
        return MANAGES;
    }

    @Override
    public boolean remove(FileData data) {
        Path file = paths.resolve(data.location());
        if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
            return false;
        }
        try {
            return Files.deleteIfExists(file);
        } catch (IOException e) {
            throw paths.failure("cannot remove", data.location(), e);
        }
    }

    @Override
    public boolean exists(FileData data) {
        return Files.isRegularFile(paths.resolve(data.location()));
    }

    /** Size and mtime of the file (a move sets the mtime, so it is when the bytes came to this location). */
    @Override
    public Optional<FileStat> stat(FileData data) {
        Path file = paths.resolve(data.location());
        try {
            BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            return attributes.isRegularFile()
                    ? Optional.of(new FileStat(attributes.size(), attributes.lastModifiedTime().toInstant())) : Optional.empty();
        } catch (NoSuchFileException | java.nio.file.NotDirectoryException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw paths.failure("cannot read the attributes of", data.location(), e);
        }
    }

    @Override
    public FileData copy(Location target, FileData source, boolean overwrite) {
        Path from = paths.existingFile(source.location());
        Path to = paths.resolve(target);
        if (!overwrite && Files.exists(to, LinkOption.NOFOLLOW_LINKS)) {
            throw FilesException.existingFile(paths.name(), target);
        }
        try {
            Path temp = paths.tempFile();
            try {
                Files.copy(from, temp, StandardCopyOption.REPLACE_EXISTING);
            } catch (IOException | RuntimeException e) {
                FsPaths.deleteQuietly(temp, e);
                throw e;
            }
            long size = Files.size(temp);
            paths.publish(temp, to, target, overwrite);
            return new FileData(target, size, source.contentType(), sameAlgorithm(source) ? source.hash() : "",
                    sameAlgorithm(source) ? source.hashAlgorithm() : "", Map.of());
        } catch (IOException e) {
            throw paths.failure("cannot copy to", target, e);
        }
    }

    @Override
    public FileData move(Location target, FileData source, boolean overwrite) {
        Path from = paths.existingFile(source.location());
        Path to = paths.resolve(target);
        try {
            try {
                FsPaths.makeFolders(to.getParent(), paths.folderMode());
            } catch (FileAlreadyExistsException e) {
                throw new FilesException(ErrorKind.CONFLICT, "cannot move to " + target + ": a part of its path is a file");
            }
            FsPaths.setMode(from, paths.fileMode());
            long size = Files.size(from);
            if (overwrite) {
                try {
                    Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                } catch (AtomicMoveNotSupportedException e) {
                    Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
                } catch (DirectoryNotEmptyException e) {
                    throw new FilesException(ErrorKind.CONFLICT, "cannot move to " + target + ": it is a folder");
                }
            } else {
                // A hard link fails if the target exists: no window in which it could be replaced.
                boolean linked;
                try {
                    Files.createLink(to, from);
                    linked = true;
                } catch (FileAlreadyExistsException e) {
                    throw FilesException.existingFile(paths.name(), target);
                } catch (UnsupportedOperationException | IOException e) {
                    linked = false;
                }
                if (linked) {
                    if (paths.fsync()) {
                        FsPaths.forceFolders(to.getParent(), to.getParent());
                    }
                    Files.delete(from);
                } else {
                    try {
                        Files.move(from, to);
                    } catch (FileAlreadyExistsException exists) {
                        throw FilesException.existingFile(paths.name(), target);
                    }
                }
            }
            FsPaths.markWritten(to);
            return new FileData(target, size, source.contentType(), source.hash(), source.hashAlgorithm(), Map.of());
        } catch (IOException e) {
            throw paths.failure("cannot move to", target, e);
        }
    }

    @Override
    public Stream<Location> scan() {
        Path reserved = paths.root().resolve(FsStorage.RESERVED);
        try {
            Stream<Path> files = Files.walk(paths.root(), paths.recursive() ? Integer.MAX_VALUE : 1);
            return files.filter(p -> !p.startsWith(reserved) && Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS))
                    .map(p -> new Location(relative(p)));
        } catch (IOException e) {
            throw FilesException.backend(paths.name(), "cannot list " + paths.root(), e);
        }
    }

    private String relative(Path file) {
        List<String> parts = new ArrayList<>();
        for (Path p : paths.root().relativize(file)) {
            parts.add(p.toString());
        }
        return String.join("/", parts);
    }

    @Override
    public FileData append(FileData data, Upload content) {
        Path file = paths.existingFile(data.location());
        long before;
        try {
            before = Files.size(file);
        } catch (IOException e) {
            throw paths.failure("cannot append to", data.location(), e);
        }
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE, StandardOpenOption.APPEND)) {
            try (InputStream in = content.open()) {
                Streams.copy(in, Channels.newOutputStream(channel), null);
                return new FileData(data.location(), channel.size(), data.contentType(), "", "", data.storageData());
            } catch (IOException | RuntimeException e) {
                try {
                    channel.truncate(before);
                } catch (IOException t) {
                    e.addSuppressed(t);
                }
                throw e;
            }
        } catch (IOException e) {
            throw paths.failure("cannot append to", data.location(), e);
        }
    }

    @Override
    public FileData compose(Location target, List<FileData> sources, boolean overwrite) {
        List<Path> from = sources.stream().map(s -> paths.existingFile(s.location())).toList();
        Path to = paths.resolve(target);
        if (!overwrite && Files.exists(to, LinkOption.NOFOLLOW_LINKS)) {
            throw FilesException.existingFile(paths.name(), target);
        }
        Path temp = null;
        try {
            temp = paths.tempFile();
            MessageDigest digest = Hashing.digest(paths.hashingAlgorithm());
            long size = 0;
            try (OutputStream out = Files.newOutputStream(temp)) {
                for (Path p : from) {
                    try (InputStream in = Files.newInputStream(p)) {
                        size += Streams.copy(in, out, digest);
                    }
                }
            }
            paths.publish(temp, to, target, overwrite);
            return new FileData(target, size, sources.get(0).contentType(), Hashing.hex(digest), paths.hashingAlgorithm(), Map.of());
        } catch (IOException e) {
            FsPaths.deleteQuietly(temp, e);
            throw paths.failure("cannot compose", target, e);
        } catch (RuntimeException e) {
            FsPaths.deleteQuietly(temp, e);
            throw e;
        }
    }

    @Override
    public FileData analyze(Location location) {
        Path file = paths.existingFile(location);
        MessageDigest digest = Hashing.digest(paths.hashingAlgorithm());
        try (InputStream in = Files.newInputStream(file)) {
            byte[] head = in.readNBytes(ContentTypes.SNIFF_BYTES);
            digest.update(head);
            long size = head.length + Streams.copy(in, OutputStream.nullOutputStream(), digest);
            String type = ContentTypes.detect(head, head.length, LocationRules.fileName(location.value()), null);
            return new FileData(location, size, type, Hashing.hex(digest), paths.hashingAlgorithm(), Map.of());
        } catch (IOException e) {
            throw paths.failure("cannot analyze", location, e);
        }
    }

    private boolean sameAlgorithm(FileData source) {
        return !source.hash().isEmpty() && paths.hashingAlgorithm().equalsIgnoreCase(source.hashAlgorithm());
    }
}
