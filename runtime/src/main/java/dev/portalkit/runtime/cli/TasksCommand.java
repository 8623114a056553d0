package dev.portalkit.runtime.cli;

import dev.portalkit.runtime.PortalContainer;
import dev.portalkit.runtime.task.TaskRecord;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code portalkit tasks ...}: the post-commit task outbox. */
@Command(name = "tasks", description = "Post-commit tasks.", subcommands = {TasksCommand.ListTasks.class, TasksCommand.Run.class})
public final class TasksCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** {@code portalkit tasks list [--status S]}. */
    @Command(name = "list", description = "List tasks of the outbox, newest first.")
    public static final class ListTasks implements Callable<Integer> {
        @Mixin
        CommonOptions common;

        @Option(names = "--status", description = "pending, done or failed.")
        String status;

        @Option(names = "--limit", defaultValue = "50")
        int limit;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            try (PortalContainer container = PortalContainer.start(common.boot().withRunPendingTasks(false))) {
                PrintWriter out = spec.commandLine().getOut();
                for (TaskRecord t : container.portal().tasks().list(status, limit)) {
                    out.printf("%s %-8s %-24s action=%s attempts=%d/%d%s%n", t.id, t.status, t.taskType, t.actionName,
                            t.attempts, t.maxAttempts, t.lastError == null ? "" : " error=" + t.lastError);
                }
                out.flush();
            }
            return 0;
        }
    }

    /** {@code portalkit tasks run}: run due tasks now (the server does this on its own). */
    @Command(name = "run", description = "Run due pending tasks now.")
    public static final class Run implements Callable<Integer> {
        @Mixin
        CommonOptions common;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            try (PortalContainer container = PortalContainer.start(common.boot().withRunPendingTasks(false))) {
                int ran = container.portal().tasks().runDue();
                spec.commandLine().getOut().println(ran + " task(s) ran");
            }
            return 0;
        }
    }
}
