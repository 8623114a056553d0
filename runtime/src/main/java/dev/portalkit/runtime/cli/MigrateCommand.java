package dev.portalkit.runtime.cli;

import dev.portalkit.api.PortalException;
import dev.portalkit.api.files.ManagedStorage;
import dev.portalkit.runtime.BootOptions;
import dev.portalkit.runtime.Portal;
import dev.portalkit.runtime.PortalContainer;
import dev.portalkit.runtime.files.FilesPlugin;
import dev.portalkit.runtime.files.tracked.FileRelocation;
import dev.portalkit.runtime.migration.ChangeLog;
import dev.portalkit.runtime.migration.CloudStorageResources;
import dev.portalkit.runtime.migration.LocalFileStore;
import dev.portalkit.runtime.migration.MigrationRun;
import dev.portalkit.runtime.migration.ReferenceMigration;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code portalkit files migrate ...}: bring files of a classic CKAN portal under the File API
 * (seed 003's migration workflows), with the resources, groups and users pointing at them.
 * Every subcommand: progress bars, {@code --dry-run}, a change log it resumes from, {@code --revert}.
 */
@Command(name = "migrate", description = "Migrate classic CKAN uploads: local-filestore, groups, users, local-resources, cloudstorage.",
        subcommands = {MigrateCommand.LocalFilestore.class, MigrateCommand.Groups.class, MigrateCommand.Users.class,
                MigrateCommand.LocalResources.class, MigrateCommand.CloudStorage.class})
public final class MigrateCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** Boots with only {@code storage} open (checked first, the error naming {@code argument}). */
    static PortalContainer start(CommonOptions common, String argument, String storage) {
        BootOptions boot = common.boot();
        StorageScope.require(boot, argument, storage);
        return PortalContainer.start(StorageScope.opening(boot, List.of(storage)).withDatabase(BootOptions.Database.AUTO)
                .withRunPendingTasks(false));
    }

    /** Reverts what {@code log} records, or says there is nothing to revert. */
    static int revert(ReferenceMigration migration, ChangeLog log, MigrationOptions options, PrintWriter err) {
        if (!migration.anyDone()) {
            throw PortalException.badRequest("--revert: nothing to revert, change log " + log.file() + " records no migrated file");
        }
        MigrationRun.Summary back = migration.revert(CliProgress.of(err, options.progress, "revert", -1));
        err.println("revert" + (options.dryRun ? " (dry run)" : "") + ": " + back.describe("item(s) set back") + "; change log " + log.file());
        err.flush();
        return back.failed() > 0 ? 1 : 0;
    }

    static int report(String what, MigrationRun.Summary summary, MigrationOptions options, ChangeLog log, PrintWriter out, PrintWriter err) {
        out.flush();
        err.println(what + (options.dryRun ? " (dry run)" : "") + ": " + summary.describe("file(s) migrated") + "; change log " + log.file());
        err.flush();
        return summary.failed() > 0 ? 1 : 0;
    }

    /** {@code files migrate local-filestore PATH -s STORAGE}. */
    @Command(name = "local-filestore", description = "Copy a classic CKAN storage_path tree (resources/, storage/uploads/group|user|admin/) "
            + "into STORAGE, track every file, give it to its resource / group / user and point those at it. The source is kept.")
    public static final class LocalFilestore implements Callable<Integer> {
        @Mixin
        CommonOptions common;

        @Mixin
        MigrationOptions migration;

        @Parameters(index = "0", paramLabel = "PATH", description = "The classic CKAN storage_path (ckan.storage_path).")
        Path path;

        @Option(names = {"-s", "--storage"}, paramLabel = "STORAGE", required = true, description = "The storage the files go to.")
        String storage;

        @Option(names = "--revert", description = "Set the resources, groups and users back as they were (the copies stay).")
        boolean revert;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            LocalFileStore tree = revert ? null : new LocalFileStore(path);
            PrintWriter out = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            try (PortalContainer container = start(common, "-s/--storage", storage);
                 ChangeLog log = migration.openLog(container.portal(), "local-filestore-" + storage)) {
                Portal portal = container.portal();
                ReferenceMigration references = new ReferenceMigration(portal, log, migration.dryRun, out, err);
                if (revert) {
                    return revert(references, log, migration, err);
                }
                FilesPlugin files = FilesPlugin.of(portal);
                List<String> paths = tree.paths();
                ReferenceMigration.Tracker tracker = LocalFileStore.tracker(files.storages().get(storage), files.fileApi().relocation(),
                        paths);
                MigrationRun.Summary summary = references.migrate(tree.items(paths, references), tracker,
                        CliProgress.of(err, migration.progress, "migrate", paths.size()), migration.limit);
                return report("migrate " + path + " -> " + storage, summary, migration, log, out, err);
            }
        }
    }

    /** {@code files migrate cloudstorage STORAGE}. */
    @Command(name = "cloudstorage", description = "Track the resource files ckanext-cloudstorage left in STORAGE's bucket or "
            + "container (resources/<resource id>/<file name>) where they are, give them to their resources (pinned) and point "
            + "the resources at them. Nothing is copied.")
    public static final class CloudStorage implements Callable<Integer> {
        @Mixin
        CommonOptions common;

        @Mixin
        MigrationOptions migration;

        @Parameters(index = "0", paramLabel = "STORAGE", description = "The storage over ckanext-cloudstorage's bucket or container "
                + "(the one portal.cloudstorage.* configures: resources).")
        String storage;

        @Option(names = "--revert", description = "Set the resources back as they were (the files stay tracked).")
        boolean revert;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            try (PortalContainer container = start(common, "STORAGE", storage);
                 ChangeLog log = migration.openLog(container.portal(), "cloudstorage-" + storage)) {
                Portal portal = container.portal();
                ReferenceMigration references = new ReferenceMigration(portal, log, migration.dryRun, out, err);
                if (revert) {
                    return revert(references, log, migration, err);
                }
                FilesPlugin files = FilesPlugin.of(portal);
                ReferenceMigration.Tracker tracker = CloudStorageResources.tracker(files.storages().get(storage),
                        files.fileApi().relocation());
                List<ReferenceMigration.Item> items = CloudStorageResources.items(portal);
                // Migrated resources have their file now and drop out of the list: count them as done.
                java.util.Set<String> listed = new java.util.HashSet<>();
                items.forEach(i -> listed.add(i.key()));
                references.done().stream().filter(i -> !listed.contains(i.key())).forEach(items::add);
                MigrationRun.Summary summary = references.migrate(items.iterator(), tracker,
                        CliProgress.of(err, migration.progress, "migrate", items.size()), migration.limit);
                return report("migrate cloudstorage resources of " + storage, summary, migration, log, out, err);
            }
        }
    }

    /** The ownership workflows of seed 003 over files already tracked in one storage. */
    abstract static class Ownership implements Callable<Integer> {
        @Mixin
        CommonOptions common;

        @Mixin
        MigrationOptions migration;

        @Parameters(index = "0", paramLabel = "STORAGE", description = "The storage whose tracked files are migrated (files scan -s STORAGE -t first).")
        String storage;

        @Option(names = {"-y", "--yes"}, description = "Answer yes to every question (show nothing, transfer).")
        boolean yes;

        @Option(names = "--revert", description = "Set the owners' fields back as they were (files stay tracked and owned).")
        boolean revert;

        @Spec
        CommandSpec spec;

        abstract String kind();

        /** What owners are called in questions: group, user, resource. */
        abstract String owners();

        /** What of a location identifies the owner. */
        String ownerKey(String location) {
            return location;
        }

        @Override
        public Integer call() throws IOException {
            PrintWriter out = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            try (PortalContainer container = start(common, "STORAGE", storage);
                 ChangeLog log = migration.openLog(container.portal(), "migrate-" + kind() + "-" + storage)) {
                Portal portal = container.portal();
                ReferenceMigration references = new ReferenceMigration(portal, log, migration.dryRun, out, err);
                if (revert) {
                    return revert(references, log, migration, err);
                }
                FileRelocation files = FilesPlugin.of(portal).fileApi().relocation();
                List<ReferenceMigration.Item> found = new ArrayList<>();
                List<String> orphans = new ArrayList<>();
                long total = files.count(storage);
                out.println("Found " + total + " files. Searching file owners...");
                try (MigrationRun.Progress progress = CliProgress.of(err, migration.progress, "owners", total)) {
                    String after = "";
                    for (List<Map<String, Object>> page = files.page(storage, after, 500); !page.isEmpty();
                         page = files.page(storage, after, 500)) {
                        for (Map<String, Object> f : page) {
                            String location = (String) f.get("location");
                            Optional<String> owner = references.owner(kind(), ownerKey(location));
                            if (owner.isPresent()) {
                                found.add(new ReferenceMigration.Item((String) f.get("id"), location, kind(), owner.get(), f));
                            } else {
                                orphans.add(location);
                            }
                            progress.step();
                        }
                        after = (String) page.get(page.size() - 1).get("id");
                    }
                }
                out.println("Located owners for " + found.size() + " files out of " + total + ".");
                BufferedReader in = new BufferedReader(new InputStreamReader(CommandStreams.current().in(), StandardCharsets.UTF_8));
                boolean ask = !yes && !migration.dryRun;
                if (ask && confirm(in, out, "Show " + owners() + " IDs and corresponding file?")) {
                    found.forEach(i -> out.println(i.ownerId() + ": " + i.label()));
                }
                if (ask && !orphans.isEmpty() && confirm(in, out, "Show files that do not belong to any " + owners() + "?")) {
                    orphans.forEach(out::println);
                }
                if (ask && !confirm(in, out, "Transfer file ownership to " + owners() + " identified in previous steps?")) {
                    out.println("Nothing changed.");
                    out.flush();
                    return 0;
                }
                ReferenceMigration.Tracker tracker = (item, prepared, system) -> {
                    @SuppressWarnings("unchecked")
                    Map<String, Object> file = (Map<String, Object>) system.call("files_file_show",
                            new LinkedHashMap<>(Map.of("id", item.key())));
                    return file;
                };
                MigrationRun.Summary summary = references.migrate(found.iterator(), tracker,
                        CliProgress.of(err, migration.progress, "transfer", found.size()), migration.limit);
                return report("migrate " + kind() + " files of " + storage, summary, migration, log, out, err);
            }
        }

        private static boolean confirm(BufferedReader in, PrintWriter out, String question) throws IOException {
            out.print(question + " [y/N]: ");
            out.flush();
            String answer = in.readLine();
            return answer != null && answer.strip().toLowerCase(java.util.Locale.ROOT).startsWith("y");
        }
    }

    /** {@code files migrate groups STORAGE}. */
    @Command(name = "groups", description = "Give the group / organization images tracked in STORAGE to the groups whose image_url "
            + "names them (pinned), and set image_url to the file's location.")
    public static final class Groups extends Ownership {
        @Override
        String kind() {
            return ReferenceMigration.GROUP;
        }

        @Override
        String owners() {
            return "group";
        }
    }

    /** {@code files migrate users STORAGE}. */
    @Command(name = "users", description = "Give the user images tracked in STORAGE to the users whose image_url names them (pinned), "
            + "and set image_url to the file's location.")
    public static final class Users extends Ownership {
        @Override
        String kind() {
            return ReferenceMigration.USER;
        }

        @Override
        String owners() {
            return "user";
        }
    }

    /** {@code files migrate local-resources STORAGE}. */
    @Command(name = "local-resources", description = "Give the resource files tracked in STORAGE (a storage rooted at the classic "
            + "storage_path/resources: locations abc/def/ghijk...) to their resources (pinned), and point the resources at them "
            + "(url_type upload, url the file name, size, mimetype, hash, file_id).")
    public static final class LocalResources extends Ownership {
        @Override
        String kind() {
            return ReferenceMigration.RESOURCE;
        }

        @Override
        String owners() {
            return "resource";
        }
    }
}
