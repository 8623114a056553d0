package dev.portalkit.runtime.cli;

import dev.portalkit.api.ErrorKind;
import dev.portalkit.api.PortalException;
import dev.portalkit.api.files.FileData;
import dev.portalkit.api.files.Location;
import dev.portalkit.api.files.ManagedStorage;
import dev.portalkit.runtime.BootOptions;
import dev.portalkit.runtime.Portal;
import dev.portalkit.runtime.PortalContainer;
import dev.portalkit.runtime.files.FilesPlugin;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
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
 * {@code portalkit files stream ID [--start N] [--end N] [--output FILE]}: the content of a
 * tracked file (bytes {@code start} inclusive to {@code end} exclusive with a range; the
 * storage's RANGE or its emulation), to stdout or a file. Only the file's storage is opened.
 */
@Command(name = "stream", description = "Write the content of a tracked file to stdout (or --output FILE); --start/--end for a byte range.")
final class StreamCommand implements Callable<Integer> {
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
