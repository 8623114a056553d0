package dev.portalkit.runtime.cli;

import dev.portalkit.runtime.PortalContainer;
import dev.portalkit.runtime.model.ModelPlugin;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code portalkit search-index ...}: the dataset search index (CKAN's {@code ckan search-index}). */
@Command(name = "search-index", description = "The dataset search index.", subcommands = SearchIndexCommand.Rebuild.class)
public final class SearchIndexCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** {@code portalkit search-index rebuild}: index every dataset again (after a plugin or text configuration change). */
    @Command(name = "rebuild", description = "Empty the dataset search index and index every dataset again, in one transaction "
            + "(searches see the old index until it commits).")
    public static final class Rebuild implements Callable<Integer> {
        @Mixin
        CommonOptions common;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            try (PortalContainer container = PortalContainer.start(common.boot().withRunPendingTasks(false))) {
                PrintWriter err = spec.commandLine().getErr();
                long started = System.nanoTime();
                int done = ModelPlugin.of(container.portal()).rebuildSearchIndex(n -> {
                    if (n % 10_000 == 0) {
                        err.println(n + " datasets indexed");
                        err.flush();
                    }
                });
                spec.commandLine().getOut().printf("%d dataset(s) indexed in %.1f s%n", done, (System.nanoTime() - started) / 1e9);
            }
            return 0;
        }
    }
}
