package dev.portalkit.runtime.migration;

import dev.portalkit.api.ErrorKind;
import dev.portalkit.api.PortalException;
import dev.portalkit.api.files.Capability;
import dev.portalkit.api.files.FileData;
import dev.portalkit.api.files.Location;
import dev.portalkit.api.files.ManagedStorage;
import dev.portalkit.api.files.Upload;
import dev.portalkit.runtime.files.content.Hashing;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.util.Map;

/**
 * Copies content into a storage for the migration commands, verified by hash: the source bytes
 * are hashed while they stream into the target (checked against the hash recorded for them, when
 * there is one), then the target's copy is read back and hashed again. Content already at the
 * target location counts as copied when its hash is the same (a rerun after an interruption);
 * different content there is a conflict, left alone. A copy that fails verification is removed.
 */
public final class ContentCopy {
    /** What a source offers: its bytes (opened once), name, type and size (-1 unknown). */
    public interface Source {
        InputStream open() throws IOException;

        String name();

        String contentType();

        long size();
    }

    /** The copy at the target ({@code created}: by this call), and the hash of the bytes in {@code algorithm}. */
    public record Copied(FileData stored, String hash, boolean created) {
    }

    private ContentCopy() {
    }

    /**
     * Copies {@code source} to {@code location} of {@code target}, never overwriting.
     *
     * @param expectedHash the hash recorded for the source in {@code algorithm}, or empty
     * @throws PortalException CONFLICT when content differs (from its record, or at the target)
     */
    public static Copied copy(Source source, ManagedStorage target, Location location, String algorithm, String expectedHash) {
        MessageDigest digest = Hashing.digest(algorithm);
        FileData stored;
        boolean created;
        try (InputStream raw = source.open(); InputStream in = new DigestInputStream(raw, digest)) {
            FileData existing = existing(target, location, source);
            if (existing == null) {
                stored = target.uploader().upload(location, Upload.of(in, source.name(), source.contentType(), source.size()), false);
                created = true;
            } else {
                drain(in);
                stored = existing;
                created = false;
            }
        } catch (IOException e) {
            throw new PortalException(ErrorKind.TRANSIENT, "cannot read " + source.name() + ": " + e.getMessage(), e);
        }
        String hash = Hashing.hex(digest);
        try {
            if (expectedHash != null && !expectedHash.isEmpty() && !expectedHash.equalsIgnoreCase(hash)) {
                throw new PortalException(ErrorKind.CONFLICT, "the source's content does not match its recorded " + algorithm
                        + " hash (" + expectedHash + ", read " + hash + ")");
            }
            String copied = hashOf(target, stored, algorithm);
            if (!copied.equalsIgnoreCase(hash)) {
                throw new PortalException(ErrorKind.CONFLICT, (created ? "the copy at " : "other content is at ") + location
                        + " of storage " + target.name() + " (" + algorithm + " " + copied + ", source " + hash + ")"
                        + (created ? "" : "; left alone"));
            }
        } catch (RuntimeException e) {
            if (created && target.supports(Capability.REMOVE)) {
                target.manager().remove(stored);
            }
            throw e;
        }
        return new Copied(stored, hash, created);
    }

    /** The content at {@code location} of {@code target} when there is some, described (ANALYZE) or as the source says. */
    private static FileData existing(ManagedStorage target, Location location, Source source) {
        FileData probe = new FileData(location, source.size(), source.contentType(), "", "", Map.of());
        if (target.supports(Capability.EXISTS) && !target.manager().exists(probe)) {
            return null;
        }
        if (target.supports(Capability.ANALYZE)) {
            try {
                return target.manager().analyze(location);
            } catch (PortalException e) {
                if (e.kind() == ErrorKind.NOT_FOUND) {
                    return null;
                }
                throw e;
            }
        }
        return target.supports(Capability.EXISTS) ? probe : null;
    }

    /** The hash of the stored content in {@code algorithm}, streamed. */
    public static String hashOf(ManagedStorage storage, FileData data, String algorithm) {
        MessageDigest digest = Hashing.digest(algorithm);
        try (InputStream in = new DigestInputStream(storage.reader().stream(data), digest)) {
            drain(in);
        } catch (IOException e) {
            throw new PortalException(ErrorKind.TRANSIENT, "cannot read back " + data.location() + " of storage " + storage.name()
                    + ": " + e.getMessage(), e);
        }
        return Hashing.hex(digest);
    }

    private static void drain(InputStream in) throws IOException {
        in.transferTo(OutputStream.nullOutputStream());
    }
}
