package dev.portalkit.runtime.cli;

import dev.portalkit.api.PortalException;
import dev.portalkit.api.ValidationException;
import dev.portalkit.api.action.ActionContext;
import dev.portalkit.api.files.Capability;
import dev.portalkit.api.files.Location;
import dev.portalkit.api.files.ManagedStorage;
import dev.portalkit.runtime.BootOptions;
import dev.portalkit.runtime.Portal;
import dev.portalkit.runtime.PortalContainer;
import dev.portalkit.runtime.config.PortalConfigImpl;
import dev.portalkit.runtime.files.FilesPlugin;
import dev.portalkit.runtime.files.tracked.FileApi;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import me.tongfei.progressbar.ProgressBar;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code portalkit files scan [-s STORAGE] [-u] [-t [-a OWNER]]}: the locations of one
 * storage, one a line; {@code -u} only those no tracked file has; {@code -t} tracks those
 * (files_file_register: ANALYZE), owned by {@code -a} or by nobody. Only that storage is opened.
 */
@Command(name = "scan", description = "List the files of one storage (default: the default storage); only that storage is touched.")
final class ScanCommand implements Callable<Integer> {
    static final int BATCH = 500;

    @Mixin
    CommonOptions common;

    @Option(names = {"-s", "--storage", "--storage-name"}, paramLabel = "STORAGE", description = "The storage to scan (default: portal.files.default_storage).")
    String storage;

    @Option(names = {"-u", "--untracked-only"}, description = "List only locations that no tracked file has.")
    boolean untrackedOnly;

    @Option(names = {"-t", "--track"}, description = "Track every untracked location as a file (needs ANALYZE); tracked ones are left alone.")
    boolean track;

    @Option(names = {"-a", "--adopt-by"}, paramLabel = "OWNER", description = "With -t: the owner of the new files, a user id or name, "
            + "or TYPE:ID (package:rivers); default: no owner.")
    String adoptBy;

    @Option(names = "--progress", negatable = true, description = "Show progress on stderr (default: when stderr is a terminal).")
    Boolean progress;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        if (adoptBy != null && !track) {
            throw PortalException.badRequest("-a/--adopt-by needs -t/--track");
        }
        BootOptions boot = common.boot();
        PortalConfigImpl config = PortalConfigImpl.load(boot.effectiveConfigFile(), boot.effectiveOverrides());
        String name = StorageScope.require(boot, "-s/--storage", storage != null ? storage
                : config.get(FilesPlugin.DEFAULT_STORAGE).map(String::trim).filter(s -> !s.isEmpty()).orElse(FilesPlugin.IMPLICIT_STORAGE));
        // Open this storage only: a command scoped to one storage touches no other.
        boolean tracking = untrackedOnly || track;
        boot = StorageScope.opening(boot, List.of(name)).withDatabase(tracking ? BootOptions.Database.AUTO : BootOptions.Database.CONNECT)
                .withRunPendingTasks(false);
        try (PortalContainer container = PortalContainer.start(boot)) {
            Portal portal = container.portal();
            FilesPlugin files = FilesPlugin.of(portal);
            ManagedStorage target = files.storages().get(name);
            if (!target.supports(Capability.SCAN)) {
                throw PortalException.badRequest("storage " + name + " cannot list its files (no SCAN capability)");
            }
            if (track && !target.supports(Capability.ANALYZE)) {
                throw PortalException.badRequest("storage " + name + " cannot describe its files (no ANALYZE capability), so -t cannot track them");
            }
            ActionContext system = portal.context(Optional.empty(), true);
            Map<String, Object> owner = track && adoptBy != null ? owner(files.fileApi(), system, adoptBy) : Map.of();
            PrintWriter out = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            boolean show = CliProgress.wanted(progress);
            Counts counts = new Counts();
            try (ProgressBar bar = show ? progressBar(err, name) : null; Stream<Location> locations = target.manager().scan()) {
                List<Location> batch = new ArrayList<>();
                for (Location location : (Iterable<Location>) locations::iterator) {
                    if (bar != null) {
                        bar.step();
                    }
                    batch.add(location);
                    if (batch.size() == BATCH) {
                        handle(batch, files.fileApi(), system, name, owner, out, err, counts);
                        batch.clear();
                    }
                }
                handle(batch, files.fileApi(), system, name, owner, out, err, counts);
            }
            out.flush();
            if (untrackedOnly) {
                inProgress(files.fileApi(), name, err);
            }
            String summary = track ? "%d file(s) tracked in storage %s" : untrackedOnly ? "%d untracked file(s) in storage %s"
                    : "%d file(s) in storage %s";
            err.printf(summary + "%s%n", counts.listed, name, counts.failed > 0 ? "; " + counts.failed + " could not be tracked" : "");
            err.flush();
            return counts.failed > 0 ? 1 : 0;
        }
    }

    /**
     * With {@code -u}: the unfinished multipart uploads of the storage, on stderr (their parts are
     * bytes without a record too, kept apart from the storage's files, so the scan does not list them).
     */
    private static void inProgress(FileApi api, String storage, PrintWriter err) {
        long count = api.countMultipartUploads(storage, null);
        if (count == 0) {
            return;
        }
        List<Map<String, Object>> shown = api.multipartUploads(storage, null, SHOWN_UPLOADS);
        for (Map<String, Object> u : shown) {
            err.printf("in progress: %s (multipart upload %s by %s, started %s, %s of %s bytes received)%n", u.get("location"),
                    u.get("id"), u.get("initiator_name") == null ? "nobody" : u.get("initiator_name"), u.get("ctime"),
                    u.get("received"), u.get("size"));
        }
        if (count > shown.size()) {
            err.printf("... and %d more%n", count - shown.size());
        }
        err.printf("%d multipart upload(s) in progress in storage %s (files_multipart_list; files clean-multipart aborts those "
                + "started more than portal.files.max_multipart_lifetime days ago)%n", count, storage);
    }

    private static final int SHOWN_UPLOADS = 100;

    private static final class Counts {
        long listed;
        long failed;
    }

    /** Lists (and with -t tracks) one batch of scanned locations, looking up which are tracked in one query. */
    private void handle(List<Location> batch, FileApi api, ActionContext system, String name, Map<String, Object> owner,
                        PrintWriter out, PrintWriter err, Counts counts) {
        if (batch.isEmpty()) {
            return;
        }
        Set<String> tracked = untrackedOnly || track ? api.tracked(name, batch.stream().map(Location::value).toList()) : Set.of();
        for (Location location : batch) {
            if (tracked.contains(location.value())) {
                continue;
            }
            if (track) {
                Map<String, Object> data = new LinkedHashMap<>(owner);
                data.put("storage", name);
                data.put("location", location.value());
                try {
                    system.call("files_file_register", data);
                } catch (PortalException e) {
                    err.println("error: " + location.value() + ": " + e.getMessage());
                    counts.failed++;
                    continue;
                }
            }
            out.println(location.value());
            counts.listed++;
        }
    }

    /** {@code -a ID} (a user) or {@code -a TYPE:ID}, checked once before the scan. */
    private static Map<String, Object> owner(FileApi api, ActionContext system, String adoptBy) {
        int colon = adoptBy.indexOf(':');
        String type = colon > 0 ? adoptBy.substring(0, colon) : "user";
        String id = colon > 0 ? adoptBy.substring(colon + 1) : adoptBy;
        try {
            String ownerId = api.ownerId(system, type, id);
            Map<String, Object> owner = new LinkedHashMap<>();
            owner.put("owner_type", type);
            owner.put("owner_id", ownerId);
            return owner;
        } catch (ValidationException e) {
            throw PortalException.badRequest("-a " + adoptBy + ": " + e.errors().values().iterator().next()
                    .toString().replaceAll("^\\[|\\]$", ""));
        }
    }

    private static ProgressBar progressBar(PrintWriter err, String storage) {
        return CliProgress.bar(err, "scan " + storage, -1);
    }
}
