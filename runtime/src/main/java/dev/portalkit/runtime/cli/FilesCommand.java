package dev.portalkit.runtime.cli;

import dev.portalkit.api.files.ContainerManagement;
import java.util.function.Predicate;
import dev.portalkit.api.ErrorKind;
import dev.portalkit.api.PortalException;
import dev.portalkit.api.ValidationException;
import dev.portalkit.api.action.ActionContext;
import dev.portalkit.api.config.ConfigOption;
import dev.portalkit.api.files.Capability;
import dev.portalkit.api.files.FileData;
import dev.portalkit.api.files.Location;
import dev.portalkit.api.files.ManagedStorage;
import dev.portalkit.api.files.StorageFactory;
import dev.portalkit.api.files.StorageSettings;
import dev.portalkit.runtime.BootOptions;
import dev.portalkit.runtime.Portal;
import dev.portalkit.runtime.PortalContainer;
import dev.portalkit.runtime.config.PortalConfigImpl;
import dev.portalkit.runtime.files.FilesPlugin;
import dev.portalkit.runtime.files.ManagedStorageImpl;
import dev.portalkit.runtime.files.Storages;
import dev.portalkit.runtime.files.tracked.FileApi;
import dev.portalkit.runtime.files.tracked.FileApiConfig;
import dev.portalkit.runtime.files.tracked.FileVerification;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
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
        subcommands = {FilesCommand.Adapters.class, FilesCommand.StorageList.class, FilesCommand.Scan.class, FilesCommand.Verify.class,
                FilesCommand.StreamFile.class,
                FilesCommand.CreateContainer.class, FilesCommand.FixCors.class,
                CleanMultipartCommand.class, TransferCommand.class, MigrateCommand.class})
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
     * {@code portalkit files scan [-s STORAGE] [-u] [-t [-a OWNER]]}: the locations of one
     * storage, one a line; {@code -u} only those no tracked file has; {@code -t} tracks those
     * (files_file_register: ANALYZE), owned by {@code -a} or by nobody. Only that storage is opened.
     */
    @Command(name = "scan", description = "List the files of one storage (default: the default storage); only that storage is touched.")
    public static final class Scan implements Callable<Integer> {
        static final int BATCH = 500;

        @Mixin
        CommonOptions common;

        @Option(names = {"-s", "--storage", "--storage-name"}, paramLabel = "STORAGE", description = "The storage to scan (default: portal.files.default_storage).")
        String storage;

        @Option(names = {"-u", "--untracked-only"}, description = "List only locations that no tracked file has.")
        boolean untrackedOnly;

        @Option(names = {"-t", "--track"}, description = "Track every untracked location as a file (needs ANALYZE); tracked ones are left alone.")
        boolean track;

        @Option(names = {"-a", "--adopt-by"}, paramLabel = "OWNER", description = "With -t: the owner of the new files, a user id or name, "
                + "or TYPE:ID (package:rivers); default: no owner.")
        String adoptBy;

        @Option(names = "--progress", negatable = true, description = "Show progress on stderr (default: when stderr is a terminal).")
        Boolean progress;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            if (adoptBy != null && !track) {
                throw PortalException.badRequest("-a/--adopt-by needs -t/--track");
            }
            BootOptions boot = common.boot();
            PortalConfigImpl config = PortalConfigImpl.load(boot.effectiveConfigFile(), boot.effectiveOverrides());
            String name = StorageScope.require(boot, "-s/--storage", storage != null ? storage
                    : config.get(FilesPlugin.DEFAULT_STORAGE).map(String::trim).filter(s -> !s.isEmpty()).orElse(FilesPlugin.IMPLICIT_STORAGE));
            // Open this storage only: a command scoped to one storage touches no other.
            boolean tracking = untrackedOnly || track;
            boot = StorageScope.opening(boot, List.of(name)).withDatabase(tracking ? BootOptions.Database.AUTO : BootOptions.Database.CONNECT)
                    .withRunPendingTasks(false);
            try (PortalContainer container = PortalContainer.start(boot)) {
                Portal portal = container.portal();
                FilesPlugin files = FilesPlugin.of(portal);
                ManagedStorage target = files.storages().get(name);
                if (!target.supports(Capability.SCAN)) {
                    throw PortalException.badRequest("storage " + name + " cannot list its files (no SCAN capability)");
                }
                if (track && !target.supports(Capability.ANALYZE)) {
                    throw PortalException.badRequest("storage " + name + " cannot describe its files (no ANALYZE capability), so -t cannot track them");
                }
                ActionContext system = portal.context(Optional.empty(), true);
                Map<String, Object> owner = track && adoptBy != null ? owner(files.fileApi(), system, adoptBy) : Map.of();
                PrintWriter out = spec.commandLine().getOut();
                PrintWriter err = spec.commandLine().getErr();
                boolean show = CliProgress.wanted(progress);
                Counts counts = new Counts();
                try (ProgressBar bar = show ? progressBar(err, name) : null; Stream<Location> locations = target.manager().scan()) {
                    List<Location> batch = new ArrayList<>();
                    for (Location location : (Iterable<Location>) locations::iterator) {
                        if (bar != null) {
                            bar.step();
                        }
                        batch.add(location);
                        if (batch.size() == BATCH) {
                            handle(batch, files.fileApi(), system, name, owner, out, err, counts);
                            batch.clear();
                        }
                    }
                    handle(batch, files.fileApi(), system, name, owner, out, err, counts);
                }
                out.flush();
                if (untrackedOnly) {
                    inProgress(files.fileApi(), name, err);
                }
                String summary = track ? "%d file(s) tracked in storage %s" : untrackedOnly ? "%d untracked file(s) in storage %s"
                        : "%d file(s) in storage %s";
                err.printf(summary + "%s%n", counts.listed, name, counts.failed > 0 ? "; " + counts.failed + " could not be tracked" : "");
                err.flush();
                return counts.failed > 0 ? 1 : 0;
            }
        }

        /**
         * With {@code -u}: the unfinished multipart uploads of the storage, on stderr (their parts are
         * bytes without a record too, kept apart from the storage's files, so the scan does not list them).
         */
        private static void inProgress(FileApi api, String storage, PrintWriter err) {
            long count = api.countMultipartUploads(storage, null);
            if (count == 0) {
                return;
            }
            List<Map<String, Object>> shown = api.multipartUploads(storage, null, SHOWN_UPLOADS);
            for (Map<String, Object> u : shown) {
                err.printf("in progress: %s (multipart upload %s by %s, started %s, %s of %s bytes received)%n", u.get("location"),
                        u.get("id"), u.get("initiator_name") == null ? "nobody" : u.get("initiator_name"), u.get("ctime"),
                        u.get("received"), u.get("size"));
            }
            if (count > shown.size()) {
                err.printf("... and %d more%n", count - shown.size());
            }
            err.printf("%d multipart upload(s) in progress in storage %s (files_multipart_list; files clean-multipart aborts those "
                    + "started more than portal.files.max_multipart_lifetime days ago)%n", count, storage);
        }

        private static final int SHOWN_UPLOADS = 100;

        private static final class Counts {
            long listed;
            long failed;
        }

        /** Lists (and with -t tracks) one batch of scanned locations, looking up which are tracked in one query. */
        private void handle(List<Location> batch, FileApi api, ActionContext system, String name, Map<String, Object> owner,
                            PrintWriter out, PrintWriter err, Counts counts) {
            if (batch.isEmpty()) {
                return;
            }
            Set<String> tracked = untrackedOnly || track ? api.tracked(name, batch.stream().map(Location::value).toList()) : Set.of();
            for (Location location : batch) {
                if (tracked.contains(location.value())) {
                    continue;
                }
                if (track) {
                    Map<String, Object> data = new LinkedHashMap<>(owner);
                    data.put("storage", name);
                    data.put("location", location.value());
                    try {
                        system.call("files_file_register", data);
                    } catch (PortalException e) {
                        err.println("error: " + location.value() + ": " + e.getMessage());
                        counts.failed++;
                        continue;
                    }
                }
                out.println(location.value());
                counts.listed++;
            }
        }

        /** {@code -a ID} (a user) or {@code -a TYPE:ID}, checked once before the scan. */
        private static Map<String, Object> owner(FileApi api, ActionContext system, String adoptBy) {
            int colon = adoptBy.indexOf(':');
            String type = colon > 0 ? adoptBy.substring(0, colon) : "user";
            String id = colon > 0 ? adoptBy.substring(colon + 1) : adoptBy;
            try {
                String ownerId = api.ownerId(system, type, id);
                Map<String, Object> owner = new LinkedHashMap<>();
                owner.put("owner_type", type);
                owner.put("owner_id", ownerId);
                return owner;
            } catch (ValidationException e) {
                throw PortalException.badRequest("-a " + adoptBy + ": " + e.errors().values().iterator().next()
                        .toString().replaceAll("^\\[|\\]$", ""));
            }
        }

        private static ProgressBar progressBar(PrintWriter err, String storage) {
            return CliProgress.bar(err, "scan " + storage, -1);
        }
    }

    /**
     * {@code portalkit files verify [-s STORAGE] [--hashes] [--repair]} (ckanext-files' {@code files
     * maintain}): whether tracked files and stored bytes agree ({@link FileVerification}). One line a
     * finding on stdout, a summary on stderr; exit 1 while a problem is left, 0 when all is well.
     */
    @Command(name = "verify", description = "Check that tracked files and stored bytes agree: records without bytes, bytes "
            + "without records, size and (--hashes) hash mismatches, stale spools in <data_dir>/tmp, multipart uploads older "
            + "than portal.files.max_multipart_lifetime. Exit 1 when something is wrong, 0 when all is well.")
    public static final class Verify implements Callable<Integer> {
        @Mixin
        CommonOptions common;

        @Option(names = {"-s", "--storage"}, paramLabel = "STORAGE", description = "Only this storage (only it is opened); "
                + "default: every configured storage.")
        String storage;

        @Option(names = "--hashes", description = "Also read every file and compare its content hash with the record's.")
        boolean hashes;

        @Option(names = "--repair", description = "Remove bytes without records older than portal.files.orphan_grace_period, "
                + "stale spools and old multipart uploads; mark broken records (the File API shows them as broken; no record "
                + "is deleted); unmark records that are sound again.")
        boolean repair;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            BootOptions boot = common.boot();
            List<String> names = storage == null ? List.of() : List.of(StorageScope.require(boot, "-s/--storage", storage));
            if (storage != null) {
                boot = StorageScope.opening(boot, names);
            }
            boot = boot.withDatabase(BootOptions.Database.AUTO).withRunPendingTasks(false);
            try (PortalContainer container = PortalContainer.start(boot)) {
                Portal portal = container.portal();
                FilesPlugin files = FilesPlugin.of(portal);
                PrintWriter out = spec.commandLine().getOut();
                PrintWriter err = spec.commandLine().getErr();
                FileVerification.Options options = new FileVerification.Options(names, hashes, repair,
                        Duration.ofSeconds(portal.config().integer(FileApiConfig.ORPHAN_GRACE_PERIOD)),
                        portal.dataDirectory().resolve("tmp"),
                        Duration.ofDays(portal.config().integer(FileApiConfig.MAX_MULTIPART_LIFETIME)), true);
                FileVerification.Summary summary = files.fileApi().verification().verify(options,
                        portal.context(Optional.empty(), true), finding -> {
                            out.println(finding.line());
                            out.flush();
                        });
                List<String> verified = names.isEmpty() ? List.copyOf(files.storages().configured().keySet()) : names;
                err.printf("%d file(s) and %d stored location(s) in %s verified: %s%n", summary.files(), summary.locations(),
                        String.join(", ", verified), summary.problems() == 0 ? "all is well"
                                : summary.problems() + " problem(s)" + (repair ? ", " + summary.repaired() + " repaired" : ""));
                err.flush();
                return summary.remaining() > 0 ? 1 : 0;
            }
        }
    }

    /**
     * {@code portalkit files stream ID [--start N] [--end N] [--output FILE]}: the content of a
     * tracked file (bytes {@code start} inclusive to {@code end} exclusive with a range; the
     * storage's RANGE or its emulation), to stdout or a file. Only the file's storage is opened.
     */
    @Command(name = "stream", description = "Write the content of a tracked file to stdout (or --output FILE); --start/--end for a byte range.")
    public static final class StreamFile implements Callable<Integer> {
        @Mixin
        CommonOptions common;

        @Parameters(index = "0", paramLabel = "ID", description = "The file's id.")
        String id;

        @Option(names = "--start", paramLabel = "N", description = "First byte (from 0, inclusive).")
        Long start;

        @Option(names = "--end", paramLabel = "N", description = "Byte after the last one (exclusive; default: the end of the file).")
        Long end;

        @Option(names = "--output", paramLabel = "FILE", description = "Write to this file instead of stdout (-o is the config option of every command).")
        Path output;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() throws IOException {
            BootOptions boot = common.boot();
            Map<String, String> overrides = new LinkedHashMap<>(boot.overrides());
            overrides.put(FilesPlugin.OPEN_STORAGES, FilesPlugin.OPEN_NONE);
            boot = boot.withOverrides(overrides).withDatabase(BootOptions.Database.AUTO).withRunPendingTasks(false);
            try (PortalContainer container = PortalContainer.start(boot)) {
                Portal portal = container.portal();
                @SuppressWarnings("unchecked")
                Map<String, Object> file = (Map<String, Object>) portal.context(Optional.empty(), true)
                        .call("files_file_show", Map.of("id", id));
                long size = ((Number) file.get("size")).longValue();
                long from = start == null ? 0 : start;
                long to = end == null ? size : Math.min(end, size);
                if (from < 0 || from > to) {
                    throw PortalException.badRequest("--start " + from + " --end " + to + " is not a byte range of this "
                            + size + "-byte file");
                }
                @SuppressWarnings("unchecked")
                Map<String, Object> storageData = (Map<String, Object>) file.get("storage_data");
                FileData data = new FileData(new Location((String) file.get("location")), size, (String) file.get("content_type"),
                        (String) file.get("hash"), (String) file.get("hash_algorithm"), storageData);
                try (ManagedStorage storage = FilesPlugin.of(portal).openConfigured((String) file.get("storage"));
                     InputStream in = start == null && end == null ? storage.reader().stream(data) : storage.reader().range(data, from, to)) {
                    if (output != null) {
                        long written;
                        try (OutputStream out = Files.newOutputStream(output)) {
                            written = in.transferTo(out);
                        }
                        PrintWriter err = spec.commandLine().getErr();
                        err.printf("%d byte(s) written to %s%n", written, output);
                        err.flush();
                    } else {
                        OutputStream out = CommandStreams.current().out();
                        in.transferTo(out);
                        out.flush();
                    }
                } catch (IOException e) {
                    throw new PortalException(ErrorKind.TRANSIENT, "cannot stream file " + id + ": " + e.getMessage(), e);
                }
            }
            return 0;
        }
    }

    /**
     * Opens only the storage {@code name} (a command scoped to one storage touches no other) and
     * hands its adapter's {@link ContainerManagement} to {@code work}.
     */
    static void withContainer(CommonOptions common, String name, String command, java.util.function.BiConsumer<ManagedStorage,
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
