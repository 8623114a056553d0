package dev.portalkit.runtime.files.fs;

import dev.portalkit.api.ErrorKind;
import dev.portalkit.api.files.FileData;
import dev.portalkit.api.files.FilesException;
import dev.portalkit.api.files.MultipartData;
import dev.portalkit.api.files.MultipartUploads;
import dev.portalkit.api.files.Upload;
import dev.portalkit.runtime.files.content.Hashing;
import dev.portalkit.runtime.files.content.Streams;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * Multipart uploads of an {@link FsStorage}: parts are files in {@code <path>/.portalkit/multipart/<upload id>/},
 * concatenated and published at completion.
 */
final class FsMultipart implements MultipartUploads {
    private final FsPaths paths;

    FsMultipart(FsPaths paths) {
        this.paths = paths;
    }

    @Override
    public MultipartData start(MultipartData data) {
        paths.resolve(data.location());
        String id = UUID.randomUUID().toString();
        try {
            FsPaths.makeFolders(paths.ownFolder("multipart").resolve(id), FsPaths.OWNER_ONLY_FOLDER);
        } catch (IOException e) {
            throw paths.failure("cannot start a multipart upload of", data.location(), e);
        }
        return data.withStorageData(Map.of("upload_id", id, "parts", Map.of()));
    }

    @Override
    public MultipartData update(MultipartData data, int part, Upload content) {
        Path dir = partsFolder(data);
        Path temp = null;
        try {
            temp = Files.createTempFile(dir, "part-" + part + "-", ".tmp");
            try (InputStream in = content.open(); OutputStream out = Files.newOutputStream(temp)) {
                Streams.copy(in, out, null);
            }
            Files.move(temp, dir.resolve(Integer.toString(part)), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            return refresh(data);
        } catch (IOException e) {
            FsPaths.deleteQuietly(temp, e);
            throw paths.failure("cannot store part " + part + " of", data.location(), e);
        } catch (RuntimeException e) {
            FsPaths.deleteQuietly(temp, e);
            throw e;
        }
    }

    @Override
    public MultipartData refresh(MultipartData data) {
        Map<String, Object> parts = new LinkedHashMap<>();
        parts(partsFolder(data)).forEach((n, p) -> {
            try {
                parts.put(Integer.toString(n), Files.size(p));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
        Map<String, Object> state = new LinkedHashMap<>(data.storageData());
        state.put("parts", parts);
        return data.withStorageData(state);
    }

    @Override
    public FileData complete(MultipartData data) {
        Path dir = partsFolder(data);
        Map<Integer, Path> parts = parts(dir);
        if (parts.isEmpty()) {
            throw new FilesException(ErrorKind.BAD_REQUEST, "multipart upload of " + data.location() + " has no parts");
        }
        for (int n = 1; n <= parts.size(); n++) {
            if (!parts.containsKey(n)) {
                throw new FilesException(ErrorKind.BAD_REQUEST, "multipart upload of " + data.location() + ": part " + n
                        + " is missing");
            }
        }
        Path target = paths.resolve(data.location());
        boolean replace = paths.settings().overwriteExisting();
        if (!replace && Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
            throw FilesException.existingFile(paths.name(), data.location());
        }
        Path temp = null;
        try {
            temp = paths.tempFile();
            // The host hashed the bytes it sent to the parts already (a resumable upload): then only copy.
            boolean hashed = data.storageData().get(Hashing.RECEIVED) instanceof Map<?, ?> noted
                    && paths.hashingAlgorithm().equalsIgnoreCase(String.valueOf(noted.get("algorithm")));
            MessageDigest digest = hashed ? null : Hashing.digest(paths.hashingAlgorithm());
            long size = 0;
            if (hashed) {
                // Nothing to read on the way: the kernel copies (sendfile / copy_file_range).
                try (java.nio.channels.FileChannel out = java.nio.channels.FileChannel.open(temp, java.nio.file.StandardOpenOption.WRITE)) {
                    for (Path part : parts.values()) {
                        try (java.nio.channels.FileChannel in = java.nio.channels.FileChannel.open(part)) {
                            long length = in.size();
                            for (long at = 0; at < length; ) {
                                long n = in.transferTo(at, length - at, out);
                                if (n <= 0) {
                                    throw new IOException("part " + part.getFileName() + " stopped short at byte " + at + " of " + length);
                                }
                                at += n;
                            }
                            size += length;
                        }
                    }
                }
            } else {
                try (OutputStream out = Files.newOutputStream(temp)) {
                    for (Path part : parts.values()) {
                        try (InputStream in = Files.newInputStream(part)) {
                            size += Streams.copy(in, out, digest);
                        }
                    }
                }
            }
            paths.publish(temp, target, data.location(), replace);
            FsPaths.deleteTree(dir);
            return new FileData(data.location(), size, data.contentType(), hashed ? "" : Hashing.hex(digest),
                    hashed ? "" : paths.hashingAlgorithm(), Map.of());
        } catch (IOException e) {
            FsPaths.deleteQuietly(temp, e);
            throw paths.failure("cannot assemble", data.location(), e);
        } catch (RuntimeException e) {
            FsPaths.deleteQuietly(temp, e);
            throw e;
        }
    }

    @Override
    public void abort(MultipartData data) {
        try {
            FsPaths.deleteTree(partsFolder(data));
        } catch (IOException e) {
            throw paths.failure("cannot abort the multipart upload of", data.location(), e);
        }
    }

    private Path partsFolder(MultipartData data) {
        paths.resolve(data.location());
        Object id = data.storageData().get("upload_id");
        String text = id == null ? "" : id.toString();
        try {
            if (!UUID.fromString(text).toString().equals(text)) {
                throw new IllegalArgumentException(text);
            }
        } catch (IllegalArgumentException e) {
            throw new FilesException(ErrorKind.BAD_REQUEST, "not a multipart upload of storage " + paths.name() + ": upload_id '"
                    + text + "'");
        }
        Path dir = paths.root().resolve(FsStorage.RESERVED).resolve("multipart").resolve(text);
        if (!Files.isDirectory(dir)) {
            throw new FilesException(ErrorKind.NOT_FOUND, "multipart upload " + text + " of " + data.location()
                    + " does not exist in storage " + paths.name() + " (completed or aborted)");
        }
        return dir;
    }

    private Map<Integer, Path> parts(Path dir) {
        Map<Integer, Path> parts = new TreeMap<>();
        try (Stream<Path> files = Files.list(dir)) {
            files.forEach(p -> {
                String n = p.getFileName().toString();
                if (n.matches("[1-9][0-9]{0,5}")) {
                    parts.put(Integer.parseInt(n), p);
                }
            });
        } catch (IOException e) {
            throw FilesException.backend(paths.name(), "cannot list parts in " + dir.getFileName(), e);
        }
        return parts;
    }
}
