package dev.portalkit.runtime.cli;

import dev.portalkit.runtime.Portal;
import dev.portalkit.runtime.migration.ChangeLog;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** Options of every migration command: dry run, progress, the change log, a limit per run. */
public final class MigrationOptions {
    @Option(names = "--dry-run", description = "Report what would change; change nothing (the change log is read, not written).")
    boolean dryRun;

    @Option(names = "--progress", negatable = true, description = "Show progress bars on stderr (default: when stderr is a terminal).")
    Boolean progress;

    @Option(names = "--log", paramLabel = "FILE", description = "The change log (default: <data-dir>/migrations/<command>.jsonl). "
            + "A run resumes from it; --revert undoes what it records.")
    Path log;

    @Option(names = "--limit", paramLabel = "N", description = "Stop after N changed files (run again to continue; 0: no limit).")
    long limit;

    /** The change log, {@code <data-dir>/migrations/NAME.jsonl} unless --log names one. */
    ChangeLog openLog(Portal portal, String name) {
        Path file = log != null ? log : portal.dataDirectory().resolve("migrations").resolve(name + ".jsonl");
        return ChangeLog.open(file, dryRun);
    }
}
