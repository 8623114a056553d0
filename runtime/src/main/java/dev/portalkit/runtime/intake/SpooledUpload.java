package dev.portalkit.runtime.intake;

import dev.portalkit.runtime.files.content.Hashing;
import dev.portalkit.runtime.files.managed.LocalUpload;
import dev.portalkit.runtime.files.managed.UploadPipe;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * A file part of a request, spooled to a temporary file that is deleted when the request ends,
 * with what was measured while it was written: its size, its head (for type detection) and, when
 * the spooling knew which algorithm the target storage records, its hash. A {@code files:fs}
 * storage on the same file system links the spooled file into place instead of copying it.
 */
final class SpooledUpload implements LocalUpload {
    private final String filename;
    private final String contentType;
    private final Path file;
    private final long size;
    private final byte[] head;
    private final String hashAlgorithm;
    private final String hash;
    private final UploadPipe pipe;

    /**
     * @param hashAlgorithm the configured name of the algorithm of {@code hash}, or {@code null} when not hashed
     * @param pipe          the multipart upload the part was piped into while spooled, or {@code null}
     */
    SpooledUpload(String filename, String contentType, Path file, long size, byte[] head, String hashAlgorithm, String hash,
                  UploadPipe pipe) {
        this.filename = filename;
        this.contentType = contentType;
        this.file = file;
        this.size = size;
        this.head = head;
        this.hashAlgorithm = hashAlgorithm;
        this.hash = hash;
        this.pipe = pipe;
    }

    @Override
    public Optional<UploadPipe> pipe() {
        return Optional.ofNullable(pipe);
    }

    @Override
    public String filename() {
        return filename;
    }

    @Override
    public String contentType() {
        return contentType;
    }

    @Override
    public long size() {
        return size;
    }

    @Override
    public InputStream open() throws IOException {
        return Files.newInputStream(file);
    }

    @Override
    public Path file() {
        return file;
    }

    @Override
    public byte[] head() {
        return head.clone();
    }

    @Override
    public Optional<String> hash(String algorithm) {
        if (hash == null || algorithm == null) {
            return Optional.empty();
        }
        String ours = Hashing.jcaName(hashAlgorithm);
        return ours != null && ours.equalsIgnoreCase(Hashing.jcaName(algorithm)) ? Optional.of(hash) : Optional.empty();
    }

    @Override
    public String toString() {
        return "Upload[" + filename + ", " + contentType + ", " + size + " bytes]";
    }
}
