package dev.portalkit.runtime.intake;

import dev.portalkit.api.ErrorKind;
import dev.portalkit.api.PortalException;
import dev.portalkit.api.files.FilesException;
import dev.portalkit.api.files.Upload;
import dev.portalkit.runtime.files.content.ContentTypes;
import dev.portalkit.runtime.files.content.Hashing;
import dev.portalkit.runtime.files.content.OverlappedDigest;
import dev.portalkit.runtime.files.managed.UploadPipe;
import dev.portalkit.runtime.action.FieldFailure;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The file parts of one request, each written to a spool file of the intake under the
 * {@link FilePlan} its {@link PartPlanner} answers: hashed on a helper thread as it goes (when the
 * target's algorithm is known), its head kept for type detection, refused once it passes the
 * target storage's {@code max_size} (when the storage is known), and piped into that storage while
 * it arrives when the plan has a pipe. A part is decided before its first byte is written: at its
 * start when it names a file; for a part without a file name, at its first byte. Closing aborts
 * the pipes no action kept and deletes the spool files.
 */
public final class SpooledParts implements FileParts {
    private static final Logger LOG = Logger.getLogger(SpooledParts.class.getName());

    private final PartPlanner planner;
    private final int maxFileParts;
    private final String maxFilePartsOption;
    private final List<Path> spooled = new ArrayList<>();
    private final List<UploadPipe> pipes = new ArrayList<>();
    private int files;

    /**
     * @param maxFileParts       the most file parts of one request
     * @param maxFilePartsOption the option that sets it, for the error
     */
    public SpooledParts(PartPlanner planner, int maxFileParts, String maxFilePartsOption) {
        this.planner = planner;
        this.maxFileParts = maxFileParts;
        this.maxFilePartsOption = maxFilePartsOption;
    }

    @Override
    public IncomingFile open(String field, String filename, String contentType, Map<String, Object> fields, long remaining,
                             long expected) {
        SpooledFile file = new SpooledFile(field, filename, contentType, fields, remaining, expected);
        if (file.named) {
            file.start();
        }
        return file;
    }

    /** The last segment of a client's file name (browsers on Windows used to send full paths), without control characters. */
    public static String baseName(String filename) {
        String name = filename == null ? "" : filename;
        int cut = Math.max(name.lastIndexOf('/'), name.lastIndexOf('\\'));
        if (cut >= 0) {
            name = name.substring(cut + 1);
        }
        StringBuilder out = new StringBuilder(name.length());
        name.codePoints().filter(c -> !Character.isISOControl(c)).forEach(out::appendCodePoint);
        String clean = out.toString().trim();
        return clean.equals(".") || clean.equals("..") ? "" : clean;
    }

    /** Aborts what was piped and not stored (nothing of a rejected upload stays at a backend), and deletes the spooled files. */
    @Override
    public void close() {
        for (UploadPipe pipe : pipes) {
            try {
                pipe.abort();
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "cannot abort " + pipe + ": " + e.getMessage(), e);
            }
        }
        pipes.clear();
        for (Path file : spooled) {
            try {
                Files.deleteIfExists(file);
            } catch (IOException e) {
                LOG.log(Level.WARNING, "cannot delete spooled upload " + file + ": " + e.getMessage());
            }
        }
        spooled.clear();
    }

    private static PortalException spoolFailure(IOException e) {
        // Our disk, not the client's request: e.g. no space left in <data-dir>/tmp.
        return new PortalException(ErrorKind.TRANSIENT, "The upload could not be stored for processing", e);
    }

    /** One file part being spooled. */
    private final class SpooledFile implements IncomingFile {
        private final String field;
        private final String filename;
        private final String uploadName;
        private final boolean named;
        private final String contentType;
        private final Map<String, Object> fields;
        private final long remaining;
        private final long expected;
        private final byte[] head = new byte[ContentTypes.SNIFF_BYTES];
        private FilePlan plan;
        private Path file;
        private FileChannel channel;
        private OverlappedDigest digest;
        private UploadPipe pipe;
        private long written;

        SpooledFile(String field, String filename, String type, Map<String, Object> fields, long remaining, long expected) {
            this.field = field;
            this.filename = filename;
            String clean = baseName(filename);
            this.named = !clean.isEmpty();
            this.uploadName = named ? clean : "upload";
            this.contentType = type == null || type.isBlank() ? "application/octet-stream" : type;
            this.fields = new LinkedHashMap<>(fields);
            this.remaining = remaining;
            this.expected = expected;
        }

        /** Asks the planner, then makes the spool file (and the pipe, when the plan has one). */
        private void start() {
            if (files >= maxFileParts) {
                throw FieldFailure.of(ErrorKind.BAD_REQUEST, field, "The request has more than " + maxFileParts + " files ("
                        + maxFilePartsOption + ")");
            }
            plan = planner.filePart(field, filename, fields, remaining);
            files++;
            try {
                file = planner.newSpool();
                spooled.add(file);
                channel = FileChannel.open(file, StandardOpenOption.WRITE);
            } catch (IOException e) {
                throw spoolFailure(e);
            }
            if (plan.pipe() != null && expected > 0) {
                pipe = plan.pipe().start(uploadName, contentType, file, expected).orElse(null);
                if (pipe != null) {
                    pipes.add(pipe);
                }
            }
            digest = plan.hashAlgorithm() == null ? null : new OverlappedDigest(Hashing.digest(plan.hashAlgorithm()));
        }

        @Override
        public void write(byte[] bytes, int off, int len) {
            if (plan == null) {
                start();
            }
            if (written + len > plan.maxSize()) {
                throw FieldFailure.on(field, FilesException.tooLarge(plan.storage(), plan.maxSize()));
            }
            if (written < head.length) {
                System.arraycopy(bytes, off, head, (int) written, (int) Math.min(len, head.length - written));
            }
            if (digest != null) {
                digest.update(bytes, off, len);
            }
            ByteBuffer chunk = ByteBuffer.wrap(bytes, off, len);
            try {
                while (chunk.hasRemaining()) {
                    channel.write(chunk);
                }
            } catch (IOException e) {
                throw spoolFailure(e);
            }
            written += len;
            if (pipe != null) {
                pipe.grew(written);
            }
        }

        @Override
        public Optional<Upload> finish() {
            if (plan == null) {
                return Optional.empty(); // an empty file input of a form: no file was sent
            }
            try {
                channel.close();
            } catch (IOException e) {
                abort();
                throw spoolFailure(e);
            }
            if (pipe != null) {
                pipe.ended(written);
            }
            String hash = digest == null ? null : digest.finish();
            return Optional.of(new SpooledUpload(uploadName, contentType, file, written,
                    Arrays.copyOf(head, (int) Math.min(written, head.length)), plan.hashAlgorithm(), hash, pipe));
        }

        @Override
        public void abort() {
            if (digest != null) {
                digest.abandon();
            }
            if (pipe != null) {
                pipe.abort();
            }
            if (channel != null) {
                try {
                    channel.close();
                } catch (IOException e) {
                    LOG.log(Level.FINE, "cannot close the spool " + file, e);
                }
            }
        }
    }
}
