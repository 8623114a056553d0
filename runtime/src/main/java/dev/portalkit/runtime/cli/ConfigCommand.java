package dev.portalkit.runtime.cli;

import dev.portalkit.api.PortalException;
import dev.portalkit.api.config.ConfigOption;
import dev.portalkit.api.config.IConfigDeclarations;
import dev.portalkit.runtime.PortalDeclarations;
import dev.portalkit.runtime.config.DeclaredOptions;
import dev.portalkit.runtime.config.PortalConfigImpl;
import dev.portalkit.runtime.plugin.PluginInfo;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code portalkit config ...}. */
@Command(name = "config", description = "Configuration.", subcommands = ConfigCommand.Declaration.class)
public final class ConfigCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /**
     * {@code portalkit config declaration [PLUGIN...] [-d]}: prints declared options as a config
     * file would hold them (like {@code ckan config declaration files -d}). The configuration is
     * validated first, so a bad value fails with the key named.
     */
    @Command(name = "declaration", description = "Print declared config options (of the core and enabled plugins, or of the named plugins).")
    public static final class Declaration implements Callable<Integer> {
        @Mixin
        CommonOptions common;

        @Parameters(paramLabel = "PLUGIN", arity = "0..*", description = "Plugins to print (default: core and every enabled plugin).")
        List<String> plugins = new ArrayList<>();

        @Option(names = {"-d", "--include-docs"}, description = "Include the help text of each option.")
        boolean docs;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            return PortalDeclarations.read(common.boot(), plugins, declarations -> {
                PortalConfigImpl config = declarations.config();
                List<DeclaredOptions.Section> sections = new ArrayList<>();
                if (plugins.isEmpty()) {
                    sections.addAll(config.declared().sections());
                } else {
                    for (String name : plugins) {
                        sections.add(section(declarations, name));
                    }
                }
                PrintWriter out = spec.commandLine().getOut();
                for (DeclaredOptions.Section section : sections) {
                    print(out, section, config);
                }
                out.flush();
                return 0;
            });
        }

        private static DeclaredOptions.Section section(PortalDeclarations declarations, String name) {
            PortalConfigImpl config = declarations.config();
            for (DeclaredOptions.Section s : config.declared().sections()) {
                if (s.owner().equals(name)) {
                    return s;
                }
            }
            List<PluginInfo> discovered = declarations.plugins().discovered();
            PluginInfo info = discovered.stream().filter(p -> p.name().equals(name)).findFirst()
                    .orElseThrow(() -> PortalException.badRequest("unknown plugin '" + name + "' (available plugins: "
                            + discovered.stream().map(PluginInfo::name).collect(Collectors.joining(", ")) + ")"));
            DeclaredOptions declared = new DeclaredOptions();
            if (info.plugin() instanceof IConfigDeclarations declarer) {
                declarer.declareConfig(declared.declarerFor(name, config.rawValues()));
            }
            return declared.sections().isEmpty() ? new DeclaredOptions.Section(name, List.of(), List.of()) : declared.sections().get(0);
        }

        private void print(PrintWriter out, DeclaredOptions.Section section, PortalConfigImpl config) {
            String title = "## " + section.owner() + " ";
            out.println(title + "#".repeat(Math.max(4, 79 - title.length())));
            if (section.options().isEmpty()) {
                out.println("## (no options declared)");
            }
            for (ConfigOption option : section.options()) {
                List<String> keys = new ArrayList<>();
                if (DeclaredOptions.isTemplate(option.key())) {
                    Set<String> instances = config.familyInstances(option.key());
                    if (instances.isEmpty()) {
                        keys.add(option.key());
                    }
                    instances.forEach(i -> keys.add(PortalConfigImpl.instantiate(option.key(), i)));
                } else {
                    keys.add(option.key());
                }
                for (String key : keys) {
                    if (docs) {
                        for (String line : wrap(option.help(), 76)) {
                            out.println("## " + line);
                        }
                        StringBuilder facts = new StringBuilder("## (" + option.type().name().toLowerCase());
                        facts.append(option.required() ? ", required" : ", optional");
                        if (!option.allowedValues().isEmpty()) {
                            facts.append(", one of ").append(option.allowedValues());
                        }
                        if (option.secret()) {
                            facts.append(", secret");
                        }
                        out.println(facts.append(")"));
                    }
                    String shown = option.secret() || option.defaultValue() == null ? "" : option.defaultValue();
                    out.println(key + " = " + shown);
                    if (docs) {
                        out.println();
                    }
                }
            }
            out.println();
        }

        private static List<String> wrap(String text, int width) {
            List<String> lines = new ArrayList<>();
            StringBuilder line = new StringBuilder();
            for (String word : text.split("\\s+")) {
                if (line.length() > 0 && line.length() + word.length() + 1 > width) {
                    lines.add(line.toString());
                    line.setLength(0);
                }
                if (line.length() > 0) {
                    line.append(' ');
                }
                line.append(word);
            }
            if (line.length() > 0) {
                lines.add(line.toString());
            }
            return lines;
        }
    }
}
