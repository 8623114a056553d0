package dev.portalkit.runtime.cli;

import dev.portalkit.runtime.BootOptions;
import dev.portalkit.runtime.Json;
import dev.portalkit.runtime.PortalContainer;
import java.io.PrintWriter;
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
 * {@code portalkit files stats [--json]}: the tracked files' count and bytes in total, per
 * storage, per owner type, per content type and per month of creation, through {@code files_stats}
 * (as the system: the command line is trusted like a sysadmin). No storage is opened.
 */
@Command(name = "stats", description = "Count and bytes of the tracked files: in total, per storage, owner type, content type "
        + "and month of creation (UTC).")
public final class StatsCommand implements Callable<Integer> {
    private static final List<String[]> SECTIONS = List.of(new String[]{"storages", "storage"},
            new String[]{"owner_types", "owner_type"}, new String[]{"content_types", "content_type"}, new String[]{"months", "month"});

    @Mixin
    CommonOptions common;

    @Option(names = "--json", description = "The action's result as JSON.")
    boolean json;

    @Spec
    CommandSpec spec;

    @Override
    @SuppressWarnings("unchecked")
    public Integer call() {
        BootOptions boot = StorageScope.opening(common.boot(), List.of()).withDatabase(BootOptions.Database.AUTO)
                .withRunPendingTasks(false);
        try (PortalContainer container = PortalContainer.start(boot)) {
            Map<String, Object> stats = (Map<String, Object>) container.portal().context(Optional.empty(), true)
                    .call("files_stats", Map.of());
            PrintWriter out = spec.commandLine().getOut();
            if (json) {
                out.println(Json.write(stats));
            } else {
                out.printf("%-40s %10s %16s%n", "total", stats.get("count"), stats.get("bytes"));
                for (String[] section : SECTIONS) {
                    out.println();
                    out.printf("%-40s %10s %16s%n", section[1], "files", "bytes");
                    for (Map<String, Object> group : (List<Map<String, Object>>) stats.get(section[0])) {
                        Object key = group.get(section[1]);
                        out.printf("%-40s %10s %16s%n", key == null ? "(none)" : key, group.get("count"), group.get("bytes"));
                    }
                }
            }
            out.flush();
        }
        return 0;
    }
}
