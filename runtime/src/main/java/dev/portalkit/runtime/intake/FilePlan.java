package dev.portalkit.runtime.intake;

import dev.portalkit.runtime.files.managed.UploadPipe;
import java.nio.file.Path;
import java.util.Optional;

/**
 * What applies to a file part the {@link UploadIntake} accepted, while it is spooled.
 *
 * @param hashAlgorithm the configured name of the algorithm to hash it with (on a helper thread,
 *                      overlapping the write), or {@code null} for none
 * @param maxSize       the most bytes its target storage accepts ({@link Long#MAX_VALUE}: not known);
 *                      the spooling refuses the part once it passes them
 * @param storage       the storage that sets {@code maxSize}, for the error, or {@code null}
 * @param pipe          starts piping the part into its storage while it is spooled, or {@code null}
 */
public record FilePlan(String hashAlgorithm, long maxSize, String storage, PipeStarter pipe) {
    /** No hash, no limit but the HTTP layer's, no pipe. */
    public static final FilePlan PLAIN = new FilePlan(null, Long.MAX_VALUE, null, null);

    /** Starts a pipe of the part into the storage it is predicted to go to, when that storage can take it. */
    @FunctionalInterface
    public interface PipeStarter {
        /**
         * @param filename the part's file name as the upload will carry it
         * @param expected the part's predicted size in bytes (from the request's Content-Length)
         */
        Optional<UploadPipe> start(String filename, String contentType, Path spool, long expected);
    }
}
