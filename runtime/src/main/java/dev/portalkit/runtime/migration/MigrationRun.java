package dev.portalkit.runtime.migration;

import dev.portalkit.api.PortalException;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.function.Function;

/**
 * Runs one step of a long maintenance command over many items: each item is handled on its own
 * (a failure is reported with the item and the run goes on), progress is shown, and the run may
 * stop after {@code limit} changed items (the rest is left for the next run, which the change log
 * makes resumable). Steps are idempotent: an item that needs nothing reports {@link Outcome#UNCHANGED}.
 */
public final class MigrationRun {
    /** What a step did with one item. */
    public enum Outcome {
        /** Changed something (or would, in a dry run). */
        CHANGED,
        /** Already done (by an earlier run) or nothing to do. */
        UNCHANGED
    }

    /** One step over one item. */
    @FunctionalInterface
    public interface Step<T> {
        Outcome apply(T item);
    }

    /** The progress display (a progress bar on a terminal); {@link #NONE} shows nothing. */
    public interface Progress extends AutoCloseable {
        Progress NONE = new Progress() {
            @Override
            public void step() {
            }

            @Override
            public void close() {
            }
        };

        void step();

        @Override
        void close();
    }

    /** The counts of a run, and whether it stopped at its limit. */
    public record Summary(long changed, long unchanged, long failed, boolean stoppedAtLimit) {
        public String describe(String changedVerb) {
            return changed + " " + changedVerb + ", " + unchanged + " already done" + (failed > 0 ? ", " + failed + " failed" : "")
                    + (stoppedAtLimit ? " (stopped at --limit; run again to continue)" : "");
        }
    }

    private MigrationRun() {
    }

    /**
     * Applies {@code step} to every item; errors go to {@code err} as {@code error: LABEL: message}.
     *
     * @param limit stop after this many changed items (0: no limit)
     */
    public static <T> Summary run(Iterator<T> items, Function<T, String> label, Step<T> step, Progress progress, PrintWriter err,
                                  long limit) {
        long changed = 0;
        long unchanged = 0;
        long failed = 0;
        try (progress) {
            while (items.hasNext()) {
                if (limit > 0 && changed >= limit) {
                    return new Summary(changed, unchanged, failed, true);
                }
                T item = items.next();
                try {
                    if (step.apply(item) == Outcome.CHANGED) {
                        changed++;
                    } else {
                        unchanged++;
                    }
                } catch (PortalException | java.io.UncheckedIOException e) {
                    failed++;
                    err.println("error: " + label.apply(item) + ": " + e.getMessage());
                    err.flush();
                }
                progress.step();
            }
        }
        return new Summary(changed, unchanged, failed, false);
    }

}
