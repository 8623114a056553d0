package dev.portalkit.runtime.cli;

import dev.portalkit.api.PortalException;
import dev.portalkit.api.config.ConfigOption;
import dev.portalkit.api.files.Capability;
import dev.portalkit.api.files.ContainerManagement;
import dev.portalkit.api.files.Location;
import dev.portalkit.api.files.ManagedStorage;
import dev.portalkit.api.files.StorageFactory;
import dev.portalkit.api.files.StorageSettings;
import dev.portalkit.runtime.BootOptions;
import dev.portalkit.runtime.PortalContainer;
import dev.portalkit.runtime.config.PortalConfigImpl;
import dev.portalkit.runtime.files.FilesPlugin;
import dev.portalkit.runtime.files.ManagedStorageImpl;
import dev.portalkit.runtime.files.Storages;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code portalkit files ...}: storage adapters, configured storages and their files. {@code -v}
 * (the global verbose flag) adds detail: adapter options, storage settings.
 */
@Command(name = "files", description = "Storage adapters, storages and their files.",
        subcommands = {FilesCommand.Adapters.class, FilesCommand.StorageList.class, FilesCommand.Scan.class,
                FilesCommand.CreateContainer.class, FilesCommand.FixCors.class})
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

    /** {@code portalkit files adapters [-v]}. */
    @Command(name = "adapters", description = "List storage adapters (-v: with their options).")
    public static final class Adapters implements Callable<Integer> {
        @Mixin
        CommonOptions common;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            BootOptions boot = common.boot().withDatabase(BootOptions.Database.NONE).withRunPendingTasks(false);
            try (PortalContainer container = PortalContainer.start(boot)) {
                PrintWriter out = spec.commandLine().getOut();
                for (Map.Entry<String, FilesPlugin.Adapter> e : FilesPlugin.of(container.portal()).adapters().entrySet()) {
                    StorageFactory factory = e.getValue().factory();
                    out.printf("%-18s %-10s %s%n", e.getKey(), e.getValue().plugin(), factory.description());
                    if (verbose(spec)) {
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
            }
            return 0;
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

    /** {@code portalkit files storages [-v]}. */
    @Command(name = "storages", description = "List configured storages with their capabilities (-v: with their settings).")
    public static final class StorageList implements Callable<Integer> {
        @Mixin
        CommonOptions common;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            BootOptions boot = common.boot().withDatabase(BootOptions.Database.CONNECT).withRunPendingTasks(false);
            try (PortalContainer container = PortalContainer.start(boot)) {
                FilesPlugin files = FilesPlugin.of(container.portal());
                Storages storages = files.storages();
                PrintWriter out = spec.commandLine().getOut();
                for (ManagedStorage storage : storages.all().values()) {
                    StorageSettings s = storage.settings();
                    String marks = storage.name().equals(storages.defaultName()) ? " (default)" : "";
                    out.printf("%s: %s%s%n", storage.name(), s.type(), marks);
                    Set<Capability> emulated = storage instanceof ManagedStorageImpl m ? m.emulatedCapabilities() : Set.of();
                    out.printf("    capabilities: %s%n", storage.capabilities().stream()
                            .map(c -> emulated.contains(c) ? c + " (emulated)" : c.name()).collect(Collectors.joining(", ")));
                    if (verbose(spec)) {
                        printSettings(out, s, files.adapters().get(s.type()).factory());
                    }
                }
                out.flush();
            }
            return 0;
        }

        private static void printSettings(PrintWriter out, StorageSettings s, StorageFactory factory) {
            Map<String, Object> shown = new LinkedHashMap<>();
            if (!s.label().equals(s.name())) {
                shown.put("name", s.label());
            }
            shown.put("max_size", s.maxSize() == 0 ? "0 (no limit)" : s.maxSize() + " bytes");
            shown.put("supported_types", s.supportedTypes().isEmpty() ? "(any)" : String.join(" ", s.supportedTypes()));
            shown.put("overwrite_existing", s.overwriteExisting());
            shown.put("location_transformers", String.join(" ", s.locationTransformers()));
            shown.put("initialize", s.initialize());
            shown.put("public", s.publicStorage());
            shown.put("disabled_capabilities", s.disabledCapabilities().stream().map(Enum::name).sorted().collect(Collectors.joining(" ")));
            shown.put("hashing_algorithm", s.hashingAlgorithm());
            shown.put("inefficient_operation_cap", s.inefficientOperationCap() + " bytes");
            for (ConfigOption option : factory.options()) {
                String value = s.option(option.key());
                shown.put(option.key(), option.secret() ? (value == null ? "" : "(secret, not shown)") : value == null ? "" : value);
            }
            shown.forEach((k, v) -> out.printf("    %-26s %s%n", k, v));
        }
    }

    /**
     * {@code portalkit files scan [-s STORAGE]}: the locations of one storage, one a line. Only
     * that storage is opened. Later: {@code -u} (untracked only) and {@code -t} (track them) filter
     * and act on each location through {@link #filter} and {@link #act}.
     */
    @Command(name = "scan", description = "List the files of one storage (default: the default storage); only that storage is touched.")
    public static final class Scan implements Callable<Integer> {
        @Mixin
        CommonOptions common;

        @Option(names = {"-s", "--storage"}, paramLabel = "STORAGE", description = "The storage to scan (default: portal.files.default_storage).")
        String storage;

        @Option(names = "--progress", negatable = true, description = "Show progress on stderr (default: when stderr is a terminal).")
        Boolean progress;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            BootOptions boot = common.boot();
            PortalConfigImpl config = PortalConfigImpl.load(boot.effectiveConfigFile(), boot.effectiveOverrides());
            String name = storage != null ? storage : config.get(FilesPlugin.DEFAULT_STORAGE).map(String::trim)
                    .filter(s -> !s.isEmpty()).orElse(FilesPlugin.IMPLICIT_STORAGE);
            Set<String> configured = FilesPlugin.configuredNames(config.rawValues());
            if (!configured.contains(name)) {
                throw PortalException.badRequest("unknown storage '" + name + "' (configured: " + String.join(", ", configured) + ")");
            }
            // Open this storage only: a command scoped to one storage touches no other.
            Map<String, String> overrides = new LinkedHashMap<>(boot.overrides());
            overrides.put(FilesPlugin.OPEN_STORAGES, name);
            boot = boot.withOverrides(overrides).withDatabase(BootOptions.Database.CONNECT).withRunPendingTasks(false);
            try (PortalContainer container = PortalContainer.start(boot)) {
                ManagedStorage target = FilesPlugin.of(container.portal()).storages().get(name);
                if (!target.supports(Capability.SCAN)) {
                    throw PortalException.badRequest("storage " + name + " cannot list its files (no SCAN capability)");
                }
                PrintWriter out = spec.commandLine().getOut();
                PrintWriter err = spec.commandLine().getErr();
                boolean show = progress != null ? progress : System.console() != null;
                long listed = 0;
                try (ProgressBar bar = show ? progressBar(err, name) : null; Stream<Location> locations = target.manager().scan()) {
                    for (Location location : (Iterable<Location>) locations::iterator) {
                        if (bar != null) {
                            bar.step();
                        }
                        if (filter().test(location)) {
                            out.println(location.value());
                            act(location);
                            listed++;
                        }
                    }
                }
                out.flush();
                err.printf("%d file(s) in storage %s%n", listed, name);
                err.flush();
            }
            return 0;
        }

        /** Which locations to list (all, for now; {@code -u} will keep the untracked ones). */
        private Predicate<Location> filter() {
            return location -> true;
        }

        /** What to do with a listed location (nothing, for now; {@code -t} will track it). */
        private void act(Location location) {
        }

        private static ProgressBar progressBar(PrintWriter err, String storage) {
            PrintStream stream = new PrintStream(new OutputStream() {
                @Override
                public void write(int b) {
                    err.write(b);
                }

                @Override
                public void write(byte[] b, int off, int len) {
                    err.write(new String(b, off, len, StandardCharsets.UTF_8));
                }

                @Override
                public void flush() {
                    err.flush();
                }
            }, true, StandardCharsets.UTF_8);
            return new ProgressBarBuilder().setTaskName("scan " + storage).setInitialMax(-1).setUnit(" files", 1)
                    .setStyle(ProgressBarStyle.ASCII).setUpdateIntervalMillis(250).hideEta()
                    .setConsumer(new ConsoleProgressBarConsumer(stream, 79)).build();
        }
    }

    /**
     * Opens only the storage {@code name} (a command scoped to one storage touches no other) and
     * hands its adapter's {@link ContainerManagement} to {@code work}.
     */
    static void withContainer(CommonOptions common, String name, String command, java.util.function.BiConsumer<ManagedStorage,
            ContainerManagement> work) {
        BootOptions boot = common.boot();
        PortalConfigImpl config = PortalConfigImpl.load(boot.effectiveConfigFile(), boot.effectiveOverrides());
        Set<String> configured = FilesPlugin.configuredNames(config.rawValues());
        if (!configured.contains(name)) {
            throw PortalException.badRequest("unknown storage '" + name + "' (configured: " + String.join(", ", configured) + ")");
        }
        Map<String, String> overrides = new LinkedHashMap<>(boot.overrides());
        overrides.put(FilesPlugin.OPEN_STORAGES, name);
        boot = boot.withOverrides(overrides).withDatabase(BootOptions.Database.CONNECT).withRunPendingTasks(false);
        try (PortalContainer container = PortalContainer.start(boot)) {
            ManagedStorage target = FilesPlugin.of(container.portal()).storages().get(name);
            ContainerManagement management = target instanceof ManagedStorageImpl m
                    ? m.adapterAs(ContainerManagement.class).orElse(null) : null;
            if (management == null) {
                throw PortalException.badRequest("storage " + name + " (" + target.settings().type() + ") has no container to "
                        + "manage: " + command + " works with adapters such as files:s3 whose storages keep files in a bucket");
            }
            work.accept(target, management);
        }
    }

    /** {@code portalkit files create-container -s STORAGE}: the bucket (container) of one storage, with its policy and versioning. */
    @Command(name = "create-container", description = "Create the bucket (container) of one storage if it is missing, "
            + "with the policy and versioning its options give; only that storage is touched.")
    public static final class CreateContainer implements Callable<Integer> {
        @Mixin
        CommonOptions common;

        @Option(names = {"-s", "--storage"}, paramLabel = "STORAGE", required = true, description = "The storage.")
        String storage;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            withContainer(common, storage, "create-container", (target, management) -> {
                boolean created = management.createContainer();
                PrintWriter out = spec.commandLine().getOut();
                out.println(created ? "created the container of storage " + storage
                        : "the container of storage " + storage + " exists already");
                out.flush();
            });
            return 0;
        }
    }

    /** {@code portalkit files fix-cors -s STORAGE ORIGIN...}: CORS rules for browsers at those origins. */
    @Command(name = "fix-cors", description = "Replace the CORS rules of one storage's bucket (container) so that browsers at "
            + "ORIGIN may download and upload directly and in parts; only that storage is touched.")
    public static final class FixCors implements Callable<Integer> {
        @Mixin
        CommonOptions common;

        @Option(names = {"-s", "--storage"}, paramLabel = "STORAGE", required = true, description = "The storage.")
        String storage;

        @Parameters(paramLabel = "ORIGIN", arity = "1..*", description = "Origins such as https://portal.example.org (or *).")
        List<String> origins;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            for (String origin : origins) {
                if (!origin.equals("*") && !origin.matches("https?://[^/\\s]+")) {
                    throw PortalException.badRequest("'" + origin + "' is not an origin: scheme and host (and port), "
                            + "e.g. https://portal.example.org, or *");
                }
            }
            withContainer(common, storage, "fix-cors", (target, management) -> {
                management.configureCors(List.copyOf(origins));
                PrintWriter out = spec.commandLine().getOut();
                out.println("CORS rules of storage " + storage + " now allow " + String.join(", ", origins));
                out.flush();
            });
            return 0;
        }
    }
}
