package dev.portalkit.runtime.cli;

import dev.portalkit.runtime.PortalDeclarations;
import dev.portalkit.runtime.plugin.PluginInfo;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code portalkit plugins}: discovered and enabled plugins with the extension points each implements. */
@Command(name = "plugins", description = "List discovered plugins: enabled or not, where from, extension points.")
public final class PluginsCommand implements Callable<Integer> {
    @Mixin
    CommonOptions common;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        return PortalDeclarations.read(common.boot(), List.of(), declarations -> {
            var out = spec.commandLine().getOut();
            for (PluginInfo info : declarations.plugins().discovered()) {
                String status = info.builtIn() ? "built-in" : info.enabled() ? "enabled" : "disabled";
                out.printf("%-16s %-9s %s%n", info.name(), status, info.plugin().description());
                out.printf("  %-14s %s%n", "from", shortSource(info.source()));
                out.printf("  %-14s %s%n", "implements", String.join(", ", info.extensionPoints()));
            }
            out.flush();
            return 0;
        });
    }

    private static String shortSource(String source) {
        try {
            Path path = Path.of(source);
            Path cwd = Path.of("").toAbsolutePath();
            return path.startsWith(cwd) ? cwd.relativize(path).toString() : source;
        } catch (RuntimeException e) {
            return source;
        }
    }
}
