package dev.portalkit.runtime.cli;

import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code portalkit files create-container -s STORAGE}: the bucket (container) of one storage, with its policy and versioning. */
@Command(name = "create-container", description = "Create the bucket (container) of one storage if it is missing, "
        + "with the policy and versioning its options give; only that storage is touched.")
final class CreateContainerCommand implements Callable<Integer> {
    @Mixin
    CommonOptions common;

    @Option(names = {"-s", "--storage"}, paramLabel = "STORAGE", required = true, description = "The storage.")
    String storage;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        FilesCommand.withContainer(common, storage, "create-container", (portal, management) -> {
            boolean created = management.createContainer();
            PrintWriter out = spec.commandLine().getOut();
            out.println(created ? "created the container of storage " + storage
                    : "the container of storage " + storage + " exists already");
            out.flush();
        });
        return 0;
    }
}
