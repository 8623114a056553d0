package dev.portalkit.runtime.cli;

import dev.portalkit.api.config.ConfigOption;
import dev.portalkit.api.files.Capability;
import dev.portalkit.api.files.ManagedStorage;
import dev.portalkit.api.files.StorageFactory;
import dev.portalkit.api.files.StorageSettings;
import dev.portalkit.runtime.BootOptions;
import dev.portalkit.runtime.PortalContainer;
import dev.portalkit.runtime.files.FilesPlugin;
import dev.portalkit.runtime.files.managed.ManagedStorageImpl;
import dev.portalkit.runtime.files.registry.Storages;
import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code portalkit files storages [-v]}. */
@Command(name = "storages", description = "List configured storages with their capabilities (-v: with their settings).")
final class StoragesCommand implements Callable<Integer> {
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
                if (FilesCommand.verbose(spec)) {
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
