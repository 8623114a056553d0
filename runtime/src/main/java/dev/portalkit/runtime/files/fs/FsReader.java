package dev.portalkit.runtime.files.fs;

import dev.portalkit.api.files.Capability;
import dev.portalkit.api.files.FileData;
import dev.portalkit.api.files.StorageReader;
import dev.portalkit.runtime.files.content.Streams;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;

/**
 * Reads the files of an {@link FsStorage}: streams, ranges, the local file, and public links for
 * files:public_fs.
 */
final class FsReader implements StorageReader {
    private static final Set<Capability> READS = EnumSet.of(Capability.STREAM, Capability.RANGE);

    private final FsPaths paths;
    /** The URL of the folder for public links, without a trailing slash, or {@code null}. */
    private final String publicRoot;

    FsReader(FsPaths paths, String publicRoot) {
        this.paths = paths;
        this.publicRoot = publicRoot;
    }

    @Override
    public Set<Capability> capabilities() {
        EnumSet<Capability> caps = EnumSet.copyOf(READS);
        if (publicRoot != null) {
            caps.add(Capability.PUBLIC_LINK);
        }
        return caps;
    }

    @Override
    public InputStream stream(FileData data) {
        Path file = paths.existingFile(data.location());
        try {
            return Files.newInputStream(file);
        } catch (IOException e) {
            throw paths.failure("cannot read", data.location(), e);
        }
    }

    @Override
    public InputStream range(FileData data, long start, long end) {
        Path file = paths.existingFile(data.location());
        try {
            FileChannel channel = FileChannel.open(file, StandardOpenOption.READ);
            channel.position(start);
            return Streams.limited(Channels.newInputStream(channel), end - start);
        } catch (IOException e) {
            throw paths.failure("cannot read", data.location(), e);
        }
    }

    @Override
    public Optional<Path> localFile(FileData data) {
        Path file = paths.resolve(data.location());
        return Files.isRegularFile(file) ? Optional.of(file) : Optional.empty();
    }

    @Override
    public URI publicLink(FileData data) {
        if (publicRoot == null) {
            return StorageReader.super.publicLink(data);
        }
        paths.resolve(data.location());
        return URI.create(publicRoot + "/" + encodePath(data.location().value()));
    }

    /** Percent-encodes every byte of each segment except unreserved characters. */
    static String encodePath(String location) {
        StringBuilder out = new StringBuilder();
        for (byte b : location.getBytes(StandardCharsets.UTF_8)) {
            char c = (char) (b & 0xff);
            if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || "-._~/".indexOf(c) >= 0) {
                out.append(c);
            } else {
                out.append('%').append(String.format("%02X", b & 0xff));
            }
        }
        return out.toString();
    }
}
