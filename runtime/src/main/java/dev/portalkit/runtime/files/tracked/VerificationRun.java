package dev.portalkit.runtime.files.tracked;

import dev.portalkit.runtime.files.tracked.FileVerification.Finding;
import dev.portalkit.runtime.files.tracked.FileVerification.Kind;
import dev.portalkit.runtime.files.tracked.FileVerification.Options;
import dev.portalkit.runtime.files.tracked.FileVerification.Summary;
import java.time.Instant;
import java.util.function.Consumer;

/** One run of {@link FileVerification}: its options, its time, where findings go and the counts. */
final class VerificationRun {
    final Options options;
    final Consumer<Finding> out;
    final Instant now;
    long problems;
    long repaired;
    long files;
    long locations;

    VerificationRun(Options options, Consumer<Finding> out, Instant now) {
        this.options = options;
        this.out = out;
        this.now = now;
    }

    void report(Kind kind, String where, String detail, String repair, boolean done) {
        if (kind.problem()) {
            problems++;
            if (done) {
                repaired++;
            }
        }
        out.accept(new Finding(kind, where, detail, repair, done));
    }

    Summary summary() {
        return new Summary(problems, repaired, files, locations);
    }
}
