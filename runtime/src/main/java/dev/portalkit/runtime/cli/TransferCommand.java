package dev.portalkit.runtime.cli;

import dev.portalkit.api.PortalException;
import dev.portalkit.runtime.BootOptions;
import dev.portalkit.runtime.PortalContainer;
import dev.portalkit.runtime.files.FilesPlugin;
import dev.portalkit.runtime.migration.ChangeLog;
import dev.portalkit.runtime.migration.MigrationRun;
import dev.portalkit.runtime.migration.StorageTransfer;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code portalkit files transfer SRC_STORAGE DEST_STORAGE [--copy-only] [--revert]}: see
 * {@link StorageTransfer}. Only the two storages are opened.
 */
@Command(name = "transfer", description = "Move every tracked file of SRC_STORAGE to DEST_STORAGE in two steps: copy "
        + "(verified by hash, recorded in a change log; the source is kept), then switch the file records to the copies. "
        + "Resumable, idempotent; --revert switches the records back.")
public final class TransferCommand implements Callable<Integer> {
    @Mixin
    CommonOptions common;

    @Mixin
    MigrationOptions migration;

    @Parameters(index = "0", paramLabel = "SRC_STORAGE", description = "The storage whose files move.")
    String from;

    @Parameters(index = "1", paramLabel = "DEST_STORAGE", description = "The storage they move to.")
    String to;

    @Option(names = "--copy-only", description = "Step 1 only: copy and log; the records keep pointing at the source.")
    boolean copyOnly;

    @Option(names = "--revert", description = "Point the records of the logged files back at SRC_STORAGE (nothing is copied or deleted).")
    boolean revert;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        if (from.equals(to)) {
            throw PortalException.badRequest("DEST_STORAGE: the source and the destination are both storage " + from);
        }
        if (revert && copyOnly) {
            throw PortalException.badRequest("--revert and --copy-only exclude each other");
        }
        BootOptions boot = common.boot();
        StorageScope.require(boot, "SRC_STORAGE", from);
        StorageScope.require(boot, "DEST_STORAGE", to);
        boot = StorageScope.opening(boot, List.of(from, to)).withDatabase(BootOptions.Database.AUTO).withRunPendingTasks(false);
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        try (PortalContainer container = PortalContainer.start(boot);
             ChangeLog log = migration.openLog(container.portal(), "transfer-" + from + "-" + to)) {
            FilesPlugin files = FilesPlugin.of(container.portal());
            StorageTransfer transfer = new StorageTransfer(files.storages().get(from), files.storages().get(to),
                    files.fileApi().relocation(), log, migration.dryRun, out, err);
            String dry = migration.dryRun ? " (dry run)" : "";
            long failed = 0;
            if (revert) {
                if (log.entries().isEmpty()) {
                    throw PortalException.badRequest("--revert: nothing to revert, change log " + log.file() + " is empty or missing");
                }
                MigrationRun.Summary back = transfer.revert(CliProgress.of(err, migration.progress, "revert", -1));
                err.println("revert" + dry + ": " + back.describe("record(s) pointed back at " + from));
                failed += back.failed();
            } else {
                MigrationRun.Summary copied = transfer.copy(CliProgress.of(err, migration.progress, "copy", transfer.sourceCount()),
                        migration.limit);
                err.println("copy" + dry + ": " + copied.describe("file(s) copied to " + to) + "; change log " + log.file());
                failed += copied.failed();
                if (!copyOnly && !copied.stoppedAtLimit()) {
                    MigrationRun.Summary switched = transfer.switchReferences(CliProgress.of(err, migration.progress, "switch", -1));
                    err.println("switch" + dry + ": " + switched.describe("record(s) pointed at " + to));
                    failed += switched.failed();
                }
            }
            out.flush();
            err.flush();
            return failed > 0 ? 1 : 0;
        }
    }
}
