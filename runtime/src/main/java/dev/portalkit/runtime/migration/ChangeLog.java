package dev.portalkit.runtime.migration;

import dev.portalkit.api.ErrorKind;
import dev.portalkit.api.PortalException;
import dev.portalkit.runtime.Json;
import dev.portalkit.runtime.PrivateFiles;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The change log of a migration: one JSON object a line, appended (and flushed to the OS) as each
 * change is made, so a run that is interrupted resumes where the log ends and {@code --revert}
 * knows what to undo. A line torn by a crash (the last one) is ignored when read and cut off before
 * the next entry is appended. A dry run reads the log and never writes it.
 */
public final class ChangeLog implements AutoCloseable {
    private final Path file;
    private final List<Map<String, Object>> entries;
    private final boolean readOnly;
    private BufferedWriter writer;
    private FileChannel channel;

    private ChangeLog(Path file, List<Map<String, Object>> entries, boolean readOnly) {
        this.file = file;
        this.entries = entries;
        this.readOnly = readOnly;
    }

    /** Reads the log at {@code file} (none yet: empty); {@code readOnly} for dry runs. */
    public static ChangeLog open(Path file, boolean readOnly) {
        List<Map<String, Object>> entries = new ArrayList<>();
        if (Files.exists(file)) {
            try {
                List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
                for (int i = 0; i < lines.size(); i++) {
                    String line = lines.get(i).strip();
                    if (line.isEmpty()) {
                        continue;
                    }
                    Object parsed;
                    try {
                        parsed = Json.read(line);
                    } catch (RuntimeException e) {
                        parsed = null;
                    }
                    if (parsed instanceof Map<?, ?> m) {
                        @SuppressWarnings("unchecked")
                        Map<String, Object> entry = (Map<String, Object>) m;
                        entries.add(entry);
                    } else if (i < lines.size() - 1) {
                        throw new PortalException(ErrorKind.CONFIG_INVALID, "change log " + file + ", line " + (i + 1)
                                + ": not a JSON object; the log was edited by hand or belongs to another tool");
                    }
                }
            } catch (IOException e) {
                throw new PortalException(ErrorKind.TRANSIENT, "cannot read change log " + file + ": " + e.getMessage(), e);
            }
        }
        return new ChangeLog(file, entries, readOnly);
    }

    public Path file() {
        return file;
    }

    /** Every entry read or appended so far, oldest first. */
    public List<Map<String, Object>> entries() {
        return Collections.unmodifiableList(entries);
    }

    /** Appends {@code entry} (with a {@code time} stamp) and flushes it to the operating system; a no-op in a dry run. */
    public synchronized void append(Map<String, Object> entry) {
        if (readOnly) {
            return;
        }
        Map<String, Object> stamped = new LinkedHashMap<>(entry);
        stamped.putIfAbsent("time", java.time.Instant.now().toString());
        try {
            if (writer == null) {
                PrivateFiles.createDirectories(file.toAbsolutePath().getParent());
                PrivateFiles.createFile(file);
                channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE);
                // A line torn by a crash (no newline at the end) was skipped when read: cut it off before appending.
                channel.truncate(completeLinesLength(channel));
                channel.position(channel.size());
                OutputStream out = java.nio.channels.Channels.newOutputStream(channel);
                writer = new BufferedWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8));
            }
            writer.write(Json.write(stamped));
            writer.write('\n');
            writer.flush();
        } catch (IOException e) {
            throw new PortalException(ErrorKind.TRANSIENT, "cannot write change log " + file + ": " + e.getMessage(), e);
        }
        entries.add(stamped);
    }

    /** The length of the file up to and including its last newline. */
    private static long completeLinesLength(FileChannel channel) throws IOException {
        java.nio.ByteBuffer chunk = java.nio.ByteBuffer.allocate(4096);
        long end = channel.size();
        while (end > 0) {
            long start = Math.max(0, end - chunk.capacity());
            chunk.clear().limit((int) (end - start));
            channel.read(chunk, start);
            for (int i = (int) (end - start) - 1; i >= 0; i--) {
                if (chunk.get(i) == '\n') {
                    return start + i + 1;
                }
            }
            end = start;
        }
        return 0;
    }

    /** Forces the log to disk and closes it. */
    @Override
    public synchronized void close() {
        if (writer != null) {
            try {
                writer.flush();
                channel.force(true);
                writer.close();
            } catch (IOException e) {
                throw new PortalException(ErrorKind.TRANSIENT, "cannot close change log " + file + ": " + e.getMessage(), e);
            } finally {
                writer = null;
            }
        }
    }
}
