package dev.portalkit.runtime.cli;

import dev.portalkit.api.files.ContainerManagement;
import dev.portalkit.api.PortalException;
import dev.portalkit.api.files.ManagedStorage;
import dev.portalkit.runtime.BootOptions;
import dev.portalkit.runtime.PortalContainer;
import dev.portalkit.runtime.files.FilesPlugin;
import dev.portalkit.runtime.files.managed.ManagedStorageImpl;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code portalkit files ...}: storage adapters, configured storages and their files. {@code -v}
 * (the global verbose flag) adds detail: adapter options, storage settings.
 */
@Command(name = "files", description = "Storage adapters, storages and their files.",
        subcommands = {AdaptersCommand.class, StoragesCommand.class, ScanCommand.class, VerifyCommand.class,
                StreamCommand.class,
                CreateContainerCommand.class, FixCorsCommand.class,
                CleanMultipartCommand.class, TransferCommand.class, MigrateCommand.class, StatsCommand.class})
public final class FilesCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    static boolean verbose(CommandSpec spec) {
        return spec.root().userObject() instanceof PortalCli cli && cli.verbose;
    }

    /**
     * Opens only the storage {@code name} (a command scoped to one storage touches no other) and
     * hands its adapter's {@link ContainerManagement} to {@code work}.
     */
    static void withContainer(CommonOptions common, String name, String command, java.util.function.BiConsumer<dev.portalkit.runtime.Portal,
            ContainerManagement> work) {
        BootOptions boot = common.boot();
        StorageScope.require(boot, "-s/--storage", name);
        boot = StorageScope.opening(boot, List.of(name)).withDatabase(BootOptions.Database.CONNECT).withRunPendingTasks(false);
        try (PortalContainer container = PortalContainer.start(boot)) {
            ManagedStorage target = FilesPlugin.of(container.portal()).storages().get(name);
            ContainerManagement management = target instanceof ManagedStorageImpl m
                    ? m.adapterAs(ContainerManagement.class).orElse(null) : null;
            if (management == null) {
                throw PortalException.badRequest("storage " + name + " (" + target.settings().type() + ") has no container to "
                        + "manage: " + command + " works with adapters such as files:s3 whose storages keep files in a bucket");
            }
            work.accept(container.portal(), management);
        }
    }
}
