package dev.portalkit.runtime.cli;

import dev.portalkit.api.config.ConfigOption;
import dev.portalkit.api.files.StorageFactory;
import dev.portalkit.runtime.PortalDeclarations;
import dev.portalkit.runtime.files.FilesPlugin;
import dev.portalkit.runtime.files.registry.StorageRegistry;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code portalkit files adapters [-v]}. */
@Command(name = "adapters", description = "List storage adapters (-v: with their options).")
final class AdaptersCommand implements Callable<Integer> {
    @Mixin
    CommonOptions common;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        return PortalDeclarations.read(common.boot(), List.of(), declarations -> {
            PrintWriter out = spec.commandLine().getOut();
            for (Map.Entry<String, StorageRegistry.Adapter> e : FilesPlugin.of(declarations.plugins()).adapters().entrySet()) {
                StorageFactory factory = e.getValue().factory();
                out.printf("%-18s %-10s %s%n", e.getKey(), e.getValue().plugin(), factory.description());
                if (FilesCommand.verbose(spec)) {
                    if (factory.options().isEmpty()) {
                        out.println("    (no options of its own)");
                    }
                    for (ConfigOption option : factory.options()) {
                        out.printf("    %-18s %s%n", option.key(), facts(option));
                        out.printf("    %-18s %s%n", "", option.help());
                    }
                }
            }
            out.flush();
            return 0;
        });
    }

    private static String facts(ConfigOption option) {
        List<String> facts = new ArrayList<>();
        facts.add(option.type().name().toLowerCase());
        facts.add(option.required() ? "required" : "optional");
        if (option.defaultValue() != null && !option.defaultValue().isEmpty() && !option.secret()) {
            facts.add("default " + option.defaultValue());
        }
        if (option.secret()) {
            facts.add("secret");
        }
        return "(" + String.join(", ", facts) + ")";
    }
}
