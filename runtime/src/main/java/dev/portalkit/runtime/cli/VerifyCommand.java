package dev.portalkit.runtime.cli;

import dev.portalkit.runtime.BootOptions;
import dev.portalkit.runtime.Portal;
import dev.portalkit.runtime.PortalContainer;
import dev.portalkit.runtime.files.FilesPlugin;
import dev.portalkit.runtime.files.tracked.FileApiConfig;
import dev.portalkit.runtime.files.tracked.FileVerification;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code portalkit files verify [-s STORAGE] [--hashes] [--repair]} (ckanext-files' {@code files
 * maintain}): whether tracked files and stored bytes agree ({@link FileVerification}). One line a
 * finding on stdout, a summary on stderr; exit 1 while a problem is left, 0 when all is well.
 */
@Command(name = "verify", description = "Check that tracked files and stored bytes agree: records without bytes, bytes "
        + "without records, size and (--hashes) hash mismatches, stale spools in <data_dir>/tmp, multipart uploads older "
        + "than portal.files.max_multipart_lifetime. Exit 1 when something is wrong, 0 when all is well.")
final class VerifyCommand implements Callable<Integer> {
    @Mixin
    CommonOptions common;

    @Option(names = {"-s", "--storage"}, paramLabel = "STORAGE", description = "Only this storage (only it is opened); "
            + "default: every configured storage.")
    String storage;

    @Option(names = "--hashes", description = "Also read every file and compare its content hash with the record's.")
    boolean hashes;

    @Option(names = "--repair", description = "Remove bytes without records older than portal.files.orphan_grace_period, "
            + "stale spools and old multipart uploads; mark broken records (the File API shows them as broken; no record "
            + "is deleted); unmark records that are sound again.")
    boolean repair;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        BootOptions boot = common.boot();
        List<String> names = storage == null ? List.of() : List.of(StorageScope.require(boot, "-s/--storage", storage));
        if (storage != null) {
            boot = StorageScope.opening(boot, names);
        }
        boot = boot.withDatabase(BootOptions.Database.AUTO).withRunPendingTasks(false);
        try (PortalContainer container = PortalContainer.start(boot)) {
            Portal portal = container.portal();
            FilesPlugin files = FilesPlugin.of(portal);
            PrintWriter out = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            FileVerification.Options options = new FileVerification.Options(names, hashes, repair,
                    Duration.ofSeconds(portal.config().integer(FileApiConfig.ORPHAN_GRACE_PERIOD)),
                    portal.dataDirectory().resolve("tmp"),
                    Duration.ofDays(portal.config().integer(FileApiConfig.MAX_MULTIPART_LIFETIME)), true);
            FileVerification.Summary summary = files.fileApi().verification().verify(options,
                    portal.context(Optional.empty(), true), finding -> {
                        out.println(finding.line());
                        out.flush();
                    });
            List<String> verified = names.isEmpty() ? List.copyOf(files.storages().configured().keySet()) : names;
            err.printf("%d file(s) and %d stored location(s) in %s verified: %s%n", summary.files(), summary.locations(),
                    String.join(", ", verified), summary.problems() == 0 ? "all is well"
                            : summary.problems() + " problem(s)" + (repair ? ", " + summary.repaired() + " repaired" : ""));
            err.flush();
            return summary.remaining() > 0 ? 1 : 0;
        }
    }
}
