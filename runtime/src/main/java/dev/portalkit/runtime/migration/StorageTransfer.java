package dev.portalkit.runtime.migration;

import dev.portalkit.api.ErrorKind;
import dev.portalkit.api.PortalException;
import dev.portalkit.api.files.Capability;
import dev.portalkit.api.files.FileData;
import dev.portalkit.api.files.Location;
import dev.portalkit.api.files.ManagedStorage;
import dev.portalkit.runtime.files.tracked.FileRelocation;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;

/**
 * {@code files transfer SRC DEST}: every tracked file of one storage to another, in two steps
 * (as Indico's S3 migration does, so the portal keeps running meanwhile):
 * <ol>
 * <li><b>copy</b> — each file's content is copied to the same location of DEST, verified by hash
 *     (the source against its record, the copy read back), and recorded in the change log with
 *     both places; the source is never deleted;</li>
 * <li><b>switch</b> — from the log, each file's record (storage, location, storage data) is pointed
 *     at its copy, only where it still points at the source.</li>
 * </ol>
 * {@link #revert} switches the records from the log back to the source. Only SRC and DEST are opened.
 */
public final class StorageTransfer {
    static final String COPY = "copy";
    private static final int PAGE = 500;

    private final ManagedStorage source;
    private final ManagedStorage target;
    private final FileRelocation files;
    private final ChangeLog log;
    private final boolean dryRun;
    private final PrintWriter out;
    private final PrintWriter err;

    public StorageTransfer(ManagedStorage source, ManagedStorage target, FileRelocation files, ChangeLog log, boolean dryRun,
                           PrintWriter out, PrintWriter err) {
        if (source.name().equals(target.name())) {
            throw PortalException.badRequest("DEST_STORAGE: the source and the destination are both storage " + source.name());
        }
        this.source = source;
        this.target = target;
        this.files = files;
        this.log = log;
        this.dryRun = dryRun;
        this.out = out;
        this.err = err;
        if (!source.supports(Capability.STREAM)) {
            throw PortalException.badRequest("SRC_STORAGE: storage " + source.name() + " cannot stream its files (no STREAM capability)");
        }
        if (!target.supports(Capability.CREATE, Capability.STREAM)) {
            throw PortalException.badRequest("DEST_STORAGE: storage " + target.name() + " cannot take and read back files "
                    + "(needs CREATE and STREAM)");
        }
    }

    /** How many files the source tracks (the copy's progress total). */
    public long sourceCount() {
        return files.count(source.name());
    }

    /** Step 1: copies every file of the source not copied yet (per the log). */
    public MigrationRun.Summary copy(MigrationRun.Progress progress, long limit) {
        Map<String, Map<String, Object>> copied = copies();
        return MigrationRun.run(sourceFiles(), f -> source.name() + " " + f.get("location") + " (file " + f.get("id") + ")", f -> {
            Map<String, Object> done = copied.get((String) f.get("id"));
            if (done != null && done.get("from_location").equals(f.get("location")) && stillThere(done)) {
                return MigrationRun.Outcome.UNCHANGED;
            }
            if (dryRun) {
                out.println("would copy " + f.get("id") + " " + f.get("location"));
                return MigrationRun.Outcome.CHANGED;
            }
            copyOne(f);
            return MigrationRun.Outcome.CHANGED;
        }, progress, err, limit);
    }

    @SuppressWarnings("unchecked")
    private void copyOne(Map<String, Object> f) {
        FileData from = fileData(f);
        String algorithm = (String) f.get("hash_algorithm");
        if (algorithm == null || algorithm.isEmpty()) {
            algorithm = target.settings().hashingAlgorithm();
        }
        ContentCopy.Copied copy = ContentCopy.copy(new ContentCopy.Source() {
            @Override
            public InputStream open() throws IOException {
                return source.reader().stream(from);
            }

            @Override
            public String name() {
                return (String) f.get("name");
            }

            @Override
            public String contentType() {
                return (String) f.get("content_type");
            }

            @Override
            public long size() {
                return from.size();
            }
        }, target, from.location(), algorithm, (String) f.get("hash"));
        Map<String, Object> entry = new LinkedHashMap<>();
        entry.put("op", COPY);
        entry.put("file_id", f.get("id"));
        entry.put("from_storage", source.name());
        entry.put("from_location", from.location().value());
        entry.put("from_storage_data", from.storageData());
        entry.put("to_storage", target.name());
        entry.put("to_location", copy.stored().location().value());
        entry.put("to_storage_data", copy.stored().storageData());
        entry.put("size", from.size());
        entry.put("hash", copy.hash());
        entry.put("hash_algorithm", algorithm);
        log.append(entry);
    }

    /** Step 2: points every copied file's record at its copy (where it still points at the source). */
    public MigrationRun.Summary switchReferences(MigrationRun.Progress progress) {
        return switchAll(progress, true);
    }

    /** Points every copied file's record back at the source (where it still points at the copy). */
    public MigrationRun.Summary revert(MigrationRun.Progress progress) {
        return switchAll(progress, false);
    }

    private MigrationRun.Summary switchAll(MigrationRun.Progress progress, boolean forward) {
        List<Map<String, Object>> entries = List.copyOf(copies().values());
        return MigrationRun.run(entries.iterator(), e -> "file " + e.get("file_id"), e -> {
            String prefix = forward ? "from_" : "to_";
            String other = forward ? "to_" : "from_";
            FileData next = new FileData(new Location((String) e.get(other + "location")), ((Number) e.get("size")).longValue(), null,
                    (String) e.get("hash"), (String) e.get("hash_algorithm"), map(e.get(other + "storage_data")));
            if (dryRun) {
                Map<String, Object> now = files.tracked((String) e.get(prefix + "storage"), (String) e.get(prefix + "location"));
                boolean would = now != null && now.get("id").equals(e.get("file_id"));
                if (would) {
                    out.println("would switch " + e.get("file_id") + " to " + e.get(other + "storage") + " " + next.location());
                }
                return would ? MigrationRun.Outcome.CHANGED : MigrationRun.Outcome.UNCHANGED;
            }
            boolean switched = files.relocate((String) e.get("file_id"), (String) e.get(prefix + "storage"),
                    (String) e.get(prefix + "location"), (String) e.get(other + "storage"), next);
            return switched ? MigrationRun.Outcome.CHANGED : MigrationRun.Outcome.UNCHANGED;
        }, progress, err, 0);
    }

    /** The log's copies of this source to this target, the latest per file. */
    private Map<String, Map<String, Object>> copies() {
        Map<String, Map<String, Object>> out = new LinkedHashMap<>();
        for (Map<String, Object> e : log.entries()) {
            if (COPY.equals(e.get("op")) && source.name().equals(e.get("from_storage")) && target.name().equals(e.get("to_storage"))) {
                out.put((String) e.get("file_id"), e);
            }
        }
        return out;
    }

    /** Whether a logged copy is still at the target (a HEAD where the storage can; trusted otherwise). */
    private boolean stillThere(Map<String, Object> entry) {
        if (!target.supports(Capability.EXISTS)) {
            return true;
        }
        return target.manager().exists(new FileData(new Location((String) entry.get("to_location")), ((Number) entry.get("size"))
                .longValue(), null, "", "", map(entry.get("to_storage_data"))));
    }

    /** The source's files, a page at a time by id. */
    private Iterator<Map<String, Object>> sourceFiles() {
        return new Iterator<>() {
            private List<Map<String, Object>> page = files.page(source.name(), "", PAGE);
            private int next;

            @Override
            public boolean hasNext() {
                if (next == page.size() && page.size() == PAGE) {
                    page = files.page(source.name(), (String) page.get(PAGE - 1).get("id"), PAGE);
                    next = 0;
                }
                return next < page.size();
            }

            @Override
            public Map<String, Object> next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                return page.get(next++);
            }
        };
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> map(Object value) {
        return value instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
    }

    static FileData fileData(Map<String, Object> f) {
        return new FileData(new Location((String) f.get("location")), ((Number) f.get("size")).longValue(), (String) f.get("content_type"),
                (String) f.get("hash"), (String) f.get("hash_algorithm"), map(f.get("storage_data")));
    }

}
