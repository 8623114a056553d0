package dev.portalkit.runtime.cli;

import dev.portalkit.runtime.BootOptions;
import dev.portalkit.runtime.PortalContainer;
import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code portalkit files clean-multipart [-s STORAGE] [--dry-run]}: aborts the multipart uploads
 * older than {@code portal.files.max_multipart_lifetime} days through {@code files_multipart_clean},
 * at the backend and in the database; one line per upload on stdout, the count on stderr.
 */
@Command(name = "clean-multipart", description = "Abort unfinished multipart uploads older than "
        + "portal.files.max_multipart_lifetime days (default 7), at the storage's backend and in the database.")
public final class CleanMultipartCommand implements Callable<Integer> {
    @Mixin
    CommonOptions common;

    @Option(names = {"-s", "--storage"}, paramLabel = "STORAGE", description = "Only this storage's uploads (only it is opened).")
    String storage;

    @Option(names = "--dry-run", description = "List what would be aborted; change nothing.")
    boolean dryRun;

    @Spec
    CommandSpec spec;

    @Override
    @SuppressWarnings("unchecked")
    public Integer call() {
        BootOptions boot = common.boot();
        if (storage != null) {
            boot = StorageScope.opening(boot, List.of(StorageScope.require(boot, "-s/--storage", storage)));
        }
        boot = boot.withDatabase(BootOptions.Database.AUTO).withRunPendingTasks(false);
        try (PortalContainer container = PortalContainer.start(boot)) {
            Map<String, Object> data = new LinkedHashMap<>();
            if (storage != null) {
                data.put("storage", storage);
            }
            data.put("dry_run", dryRun);
            Map<String, Object> result = (Map<String, Object>) container.portal().context(Optional.empty(), true)
                    .call("files_multipart_clean", data);
            PrintWriter out = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            for (Map<String, Object> upload : (List<Map<String, Object>>) result.get("uploads")) {
                out.printf("%s %s %s (started %s)%n", upload.get("id"), upload.get("storage"), upload.get("location"), upload.get("ctime"));
            }
            List<Map<String, Object>> failed = (List<Map<String, Object>>) result.get("failed");
            for (Map<String, Object> f : failed) {
                err.printf("error: %s %s %s: %s%n", f.get("id"), f.get("storage"), f.get("location"), f.get("error"));
            }
            out.flush();
            err.printf("%d multipart upload(s) started before %s %s%s%n", ((Number) result.get("removed")).intValue(),
                    result.get("started_before"), dryRun ? "would be aborted (dry run)" : "aborted",
                    failed.isEmpty() ? "" : "; " + failed.size() + " could not be aborted (kept, try again)");
            err.flush();
            return failed.isEmpty() ? 0 : 1;
        }
    }
}
