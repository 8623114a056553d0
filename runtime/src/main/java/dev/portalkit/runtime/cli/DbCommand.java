package dev.portalkit.runtime.cli;

import dev.portalkit.runtime.BootOptions;
import dev.portalkit.runtime.PortalContainer;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code portalkit db ...}. */
@Command(name = "db", description = "Database maintenance.", subcommands = DbCommand.Upgrade.class)
public final class DbCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** {@code portalkit db upgrade [-p PLUGIN]}. */
    @Command(name = "upgrade", description = "Apply pending migrations of the core and the enabled plugins (or of one plugin).")
    public static final class Upgrade implements Callable<Integer> {
        @Mixin
        CommonOptions common;

        @Option(names = {"-p", "--plugin"}, paramLabel = "PLUGIN", description = "Only this plugin's migrations.")
        String plugin;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            BootOptions boot = common.boot().withDatabase(BootOptions.Database.CONNECT).withRunPendingTasks(false);
            try (PortalContainer container = PortalContainer.start(boot)) {
                Map<String, Integer> applied = container.portal().upgradeDatabase(plugin);
                var out = spec.commandLine().getOut();
                applied.forEach((name, count) -> out.printf("%s: %d migration(s) applied%n", name, count));
                out.flush();
            }
            return 0;
        }
    }
}
