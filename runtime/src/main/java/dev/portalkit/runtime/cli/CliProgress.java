package dev.portalkit.runtime.cli;

import java.io.OutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/** The progress bars of long commands, on the command's stderr (ASCII, one line, 79 columns). */
final class CliProgress {
    private CliProgress() {
    }

    /** Whether to show one: {@code --progress / --no-progress} when given, else when stderr is a terminal. */
    static boolean wanted(Boolean option) {
        return option != null ? option : CommandStreams.current().terminal();
    }

    /** A migration step's progress: a bar when {@link #wanted}, else nothing. */
    static dev.portalkit.runtime.migration.MigrationRun.Progress of(PrintWriter err, Boolean option, String task, long max) {
        if (!wanted(option)) {
            return dev.portalkit.runtime.migration.MigrationRun.Progress.NONE;
        }
        ProgressBar bar = bar(err, task, max);
        return new dev.portalkit.runtime.migration.MigrationRun.Progress() {
            @Override
            public void step() {
                bar.step();
            }

            @Override
            public void close() {
                bar.close();
            }
        };
    }

    /** A bar named {@code task}; {@code max} -1 when the total is unknown. */
    static ProgressBar bar(PrintWriter err, String task, long max) {
        PrintStream stream = new PrintStream(new OutputStream() {
            @Override
            public void write(int b) {
                err.write(b);
            }

            @Override
            public void write(byte[] b, int off, int len) {
                err.write(new String(b, off, len, StandardCharsets.UTF_8));
            }

            @Override
            public void flush() {
                err.flush();
            }
        }, true, StandardCharsets.UTF_8);
        ProgressBarBuilder builder = new ProgressBarBuilder().setTaskName(task).setInitialMax(max).setUnit(" files", 1)
                .setStyle(ProgressBarStyle.ASCII).setUpdateIntervalMillis(250)
                .setConsumer(new ConsoleProgressBarConsumer(stream, 79));
        if (max < 0) {
            builder.hideEta();
        }
        return builder.build();
    }
}
