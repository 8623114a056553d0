package dev.portalkit.runtime.files.tracked;

import dev.portalkit.api.ErrorKind;
import dev.portalkit.api.PortalException;
import dev.portalkit.api.action.ActionContext;
import dev.portalkit.api.files.Capability;
import dev.portalkit.api.files.FileData;
import dev.portalkit.api.files.FileStat;
import dev.portalkit.api.files.Location;
import dev.portalkit.api.files.ManagedStorage;
import dev.portalkit.runtime.files.Hashing;
import dev.portalkit.runtime.files.StorageOverlaps;
import dev.portalkit.runtime.files.Streams;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.stream.Stream;

/**
 * Whether the File API's records and the storages' bytes agree ({@code portalkit files verify},
 * ckanext-files' {@code files maintain}), and the server's periodic orphan sweep.
 *
 * <p>It reports, one finding each: records whose bytes are missing, whose size differs (from the
 * backend's metadata, {@link dev.portalkit.api.files.Manager#stat}) or, when asked, whose content
 * hash differs (reading every file); bytes no record tracks (orphans), apart from those of other
 * storages nested inside ({@link StorageOverlaps}) and those younger than the grace period (an
 * upload in flight writes its bytes before its record commits); spooled uploads in
 * {@code <data-dir>/tmp} older than the grace period; multipart uploads older than
 * {@code portal.files.max_multipart_lifetime}.
 *
 * <p>Repairing removes orphans older than the grace period (each checked again just before), stale
 * spools and old multipart uploads ({@code files_multipart_clean}), and marks broken records: their
 * {@code broken} column (shown by the File API) says why; records are never deleted. A marked
 * record is reported as known; a marked record that is sound again is unmarked.
 *
 * <p>Records are read in batches, each in a short transaction, and the storages are read outside
 * any transaction; nothing holds a whole listing in memory.
 */
public final class FileVerification {
    private static final Logger LOG = Logger.getLogger(FileVerification.class.getName());
    static final int BATCH = 500;
    /** The lease row of the periodic sweep (seeded by the migration). */
    static final String SWEEP_JOB = "orphan_sweep";

    /** What a finding is; {@link #problem} ones make {@code files verify} fail. */
    public enum Kind {
        MISSING("record without bytes", true),
        SIZE("size mismatch", true),
        HASH("hash mismatch", true),
        UNREADABLE("cannot check", true),
        HEALED("marked broken but sound", true),
        KNOWN_BROKEN("known broken record", false),
        ORPHAN("bytes without record", true),
        YOUNG_ORPHAN("bytes without record, younger than the grace period (an upload may be in flight)", false),
        SPOOL("stale spool", true),
        MULTIPART("old multipart upload", true);

        private final String label;
        private final boolean problem;

        Kind(String label, boolean problem) {
            this.label = label;
            this.problem = problem;
        }

        public String label() {
            return label;
        }

        public boolean problem() {
            return problem;
        }
    }

    /**
     * One finding.
     *
     * @param where    {@code storage:location}, or a spool's path
     * @param detail   what is wrong, for people
     * @param repair   what the repair did or why it did not, or null without repair
     * @param repaired whether the problem is dealt with (removed, marked, aborted)
     */
    public record Finding(Kind kind, String where, String detail, String repair, boolean repaired) {
        /** The finding as one line. */
        public String line() {
            return kind.label + ": " + where + (detail == null || detail.isEmpty() ? "" : " (" + detail + ")")
                    + (repair == null ? "" : ": " + repair);
        }
    }

    /**
     * What to check.
     *
     * @param storages          the storages (all configured ones when empty)
     * @param hashes            read every file and compare its hash
     * @param repair            repair what can be repaired
     * @param grace             how old orphans and spools must be to count
     * @param spools            the folder of spooled uploads ({@code <data-dir>/tmp}), or null to skip them
     * @param multipartLifetime how old an unfinished multipart upload may be
     * @param records           check records (false: only orphans, as the periodic sweep)
     */
    public record Options(List<String> storages, boolean hashes, boolean repair, Duration grace, Path spools,
                          Duration multipartLifetime, boolean records) {
    }

    /** Counts of one run: problems found, problems dealt with by the repair. */
    public record Summary(long problems, long repaired, long files, long locations) {
        /** Problems the run left as they were. */
        public long remaining() {
            return problems - repaired;
        }
    }

    private final FileApi api;
    private final FileStore store;

    FileVerification(FileApi api, FileStore store) {
        this.api = api;
        this.store = store;
    }

    private final class Run {
        final Options options;
        final Consumer<Finding> out;
        final Instant now = api.now();
        long problems;
        long repaired;
        long files;
        long locations;

        Run(Options options, Consumer<Finding> out) {
            this.options = options;
            this.out = out;
        }

        void report(Kind kind, String where, String detail, String repair, boolean done) {
            if (kind.problem) {
                problems++;
                if (done) {
                    repaired++;
                }
            }
            out.accept(new Finding(kind, where, detail, repair, done));
        }

        Summary summary() {
            return new Summary(problems, repaired, files, locations);
        }
    }

    /**
     * Checks {@code options.storages()} (all when empty), the spools and the multipart uploads, and
     * repairs when asked; every finding goes to {@code out} as it is made.
     *
     * @param system a context that ignores auth (for files_multipart_clean)
     */
    public Summary verify(Options options, ActionContext system, Consumer<Finding> out) {
        Run run = new Run(options, out);
        List<String> names = options.storages().isEmpty() ? new ArrayList<>(api.host().storages().configured().keySet())
                : options.storages();
        for (String name : names) {
            try {
                ManagedStorage storage = api.host().storages().get(name);
                if (options.records()) {
                    checkRecords(run, storage);
                }
                checkLocations(run, storage);
            } catch (PortalException e) {
                // A storage that cannot be opened or listed now: the others are still checked.
                run.report(Kind.UNREADABLE, name, "cannot check the storage: " + e.getMessage(), null, false);
            }
        }
        if (options.multipartLifetime() != null) {
            checkMultipart(run, names, system);
        }
        if (options.spools() != null) {
            checkSpools(run, options.spools());
        }
        return run.summary();
    }

    // ---- records --------------------------------------------------------------------------------

    private void checkRecords(Run run, ManagedStorage storage) {
        String after = null;
        while (true) {
            String from = after;
            List<FileRecord> batch = api.host().inTransaction(() -> {
                List<FileRecord> rows = store.filesAfter(storage.name(), from, BATCH);
                rows.forEach(store.em()::detach);
                return rows;
            });
            for (FileRecord f : batch) {
                run.files++;
                checkRecord(run, storage, f);
            }
            if (batch.size() < BATCH) {
                return;
            }
            after = batch.get(batch.size() - 1).id;
        }
    }

    /** What is wrong with a record's bytes, if anything. */
    private record Verdict(Kind kind, String detail) {
    }

    private void checkRecord(Run run, ManagedStorage storage, FileRecord f) {
        String where = storage.name() + ":" + f.location;
        Verdict verdict;
        try {
            verdict = verdict(run, storage, f);
        } catch (PortalException e) {
            verdict = new Verdict(Kind.UNREADABLE, "file " + f.id + ": " + e.getMessage());
        }
        if (verdict != null && verdict.kind() != Kind.UNREADABLE && !stillTracked(f)) {
            return; // deleted or moved while it was checked
        }
        if (verdict == null) {
            if (f.broken == null || (!run.options.hashes() && f.broken.startsWith(Kind.HASH.label))) {
                if (f.broken != null) {
                    run.report(Kind.KNOWN_BROKEN, where, "file " + f.id + ": " + f.broken + "; hashes not checked", null, false);
                }
                return;
            }
            String detail = "file " + f.id + " is marked broken (" + f.broken + ") but its bytes are sound";
            if (run.options.repair()) {
                mark(f.id, null);
                run.report(Kind.HEALED, where, detail, "mark cleared", true);
            } else {
                run.report(Kind.HEALED, where, detail, null, false);
            }
            return;
        }
        String reason = verdict.kind().label + ": " + verdict.detail();
        if (verdict.kind() == Kind.UNREADABLE) {
            run.report(Kind.UNREADABLE, where, verdict.detail(), run.options.repair() ? "left as it is (try again)" : null, false);
            return;
        }
        if (reason.equals(f.broken)) {
            run.report(Kind.KNOWN_BROKEN, where, "file " + f.id + ": " + verdict.detail(), null, false);
            return;
        }
        String detail = "file " + f.id + ": " + verdict.detail();
        if (run.options.repair()) {
            boolean marked = mark(f.id, reason);
            run.report(verdict.kind(), where, detail, marked ? "marked broken" : "not marked: the record is gone", marked);
        } else {
            run.report(verdict.kind(), where, detail, null, false);
        }
    }

    /** Null when the bytes match the record as far as the checks go. */
    private Verdict verdict(Run run, ManagedStorage storage, FileRecord f) {
        FileData data = FileStore.fileData(f);
        Optional<FileStat> stat = Optional.empty();
        boolean statKnown = storage.supports(Capability.EXISTS);
        if (statKnown) {
            stat = storage.manager().stat(data);
            if (stat.isEmpty()) {
                return new Verdict(Kind.MISSING, "no bytes in the storage");
            }
            long stored = stat.get().size();
            if (stored >= 0 && stored != f.size) {
                return new Verdict(Kind.SIZE, f.size + " bytes recorded, " + stored + " stored");
            }
        }
        boolean hashable = f.hash != null && !f.hash.isEmpty() && f.hashAlgorithm != null && !f.hashAlgorithm.isEmpty();
        if (run.options.hashes() && storage.supports(Capability.STREAM) && hashable) {
            MessageDigest digest = Hashing.digest(f.hashAlgorithm);
            long size;
            try (InputStream in = storage.reader().stream(data)) {
                size = Streams.copy(in, OutputStream.nullOutputStream(), digest);
            } catch (PortalException e) {
                if (e.kind() == ErrorKind.NOT_FOUND) {
                    return new Verdict(Kind.MISSING, "no bytes in the storage");
                }
                throw e;
            } catch (IOException e) {
                throw new PortalException(ErrorKind.TRANSIENT, "cannot read it: " + e.getMessage(), e);
            }
            if (size != f.size) {
                return new Verdict(Kind.SIZE, f.size + " bytes recorded, " + size + " stored");
            }
            String hash = Hashing.hex(digest);
            if (!hash.equalsIgnoreCase(f.hash)) {
                return new Verdict(Kind.HASH, f.hashAlgorithm + " " + f.hash + " recorded, " + hash + " stored");
            }
        }
        return null;
    }

    private boolean stillTracked(FileRecord f) {
        return api.host().inTransaction(() -> {
            FileRecord now = store.file(f.id);
            return now != null && now.location.equals(f.location) && now.storage.equals(f.storage);
        });
    }

    private boolean mark(String fileId, String reason) {
        String text = reason != null && reason.length() > 1000 ? reason.substring(0, 997) + "..." : reason;
        return api.host().inTransaction(() -> store.markBroken(fileId, text));
    }

    // ---- locations (orphans) --------------------------------------------------------------------

    private void checkLocations(Run run, ManagedStorage storage) {
        if (!storage.supports(Capability.SCAN)) {
            return;
        }
        Map<String, String> inside = StorageOverlaps.inside(storage.name(), api.host().storages().configured());
        List<String> nested = new ArrayList<>();
        List<String> sameRoot = new ArrayList<>();
        inside.forEach((other, prefix) -> (prefix.isEmpty() ? sameRoot : nested).add(prefix.isEmpty() ? other : prefix));
        try (Stream<Location> scanned = storage.manager().scan()) {
            List<String> batch = new ArrayList<>();
            for (Location location : (Iterable<Location>) scanned::iterator) {
                String value = location.value();
                if (nested.stream().anyMatch(value::startsWith)) {
                    continue; // another storage's file: its own check covers it
                }
                run.locations++;
                batch.add(value);
                if (batch.size() == BATCH) {
                    checkBatch(run, storage, sameRoot, batch);
                    batch.clear();
                }
            }
            checkBatch(run, storage, sameRoot, batch);
        }
    }

    private Set<String> tracked(ManagedStorage storage, List<String> sameRoot, List<String> locations) {
        return api.host().inTransaction(() -> {
            Set<String> known = new HashSet<>(store.trackedAmong(storage.name(), locations));
            for (String other : sameRoot) {
                known.addAll(store.trackedAmong(other, locations));
            }
            return known;
        });
    }

    private void checkBatch(Run run, ManagedStorage storage, List<String> sameRoot, List<String> batch) {
        if (batch.isEmpty()) {
            return;
        }
        Set<String> known = tracked(storage, sameRoot, batch);
        for (String location : batch) {
            if (!known.contains(location)) {
                checkOrphan(run, storage, sameRoot, location);
            }
        }
    }

    private void checkOrphan(Run run, ManagedStorage storage, List<String> sameRoot, String location) {
        String where = storage.name() + ":" + location;
        Optional<FileStat> stat;
        try {
            stat = storage.supports(Capability.EXISTS) ? storage.manager().stat(FileData.of(new Location(location)))
                    : Optional.of(FileStat.UNKNOWN);
        } catch (PortalException e) {
            run.report(Kind.UNREADABLE, where, "bytes without record: " + e.getMessage(), null, false);
            return;
        }
        if (stat.isEmpty()) {
            return; // removed since the scan listed it
        }
        Instant modified = stat.get().modified();
        String size = stat.get().size() >= 0 ? stat.get().size() + " bytes" : "size unknown";
        if (modified != null && Duration.between(modified, run.now).compareTo(run.options.grace()) < 0) {
            run.report(Kind.YOUNG_ORPHAN, where, size + ", written " + modified, null, false);
            return;
        }
        String detail = size + (modified == null ? ", age unknown" : ", written " + modified);
        if (!run.options.repair()) {
            run.report(Kind.ORPHAN, where, detail, null, false);
            return;
        }
        if (modified == null) {
            run.report(Kind.ORPHAN, where, detail, "not removed: the storage cannot tell its age", false);
            return;
        }
        if (!storage.supports(Capability.REMOVE)) {
            run.report(Kind.ORPHAN, where, detail, "not removed: the storage cannot remove files", false);
            return;
        }
        boolean claimed = api.host().inTransaction(() -> !tracked(storage, sameRoot, List.of(location)).isEmpty()
                || store.multipartAt(storage.name(), location));
        if (claimed) {
            return; // tracked (or an upload's target) by now: not an orphan
        }
        try {
            storage.manager().remove(FileData.of(new Location(location)));
            run.report(Kind.ORPHAN, where, detail, "removed", true);
        } catch (PortalException e) {
            run.report(Kind.ORPHAN, where, detail, "not removed: " + e.getMessage(), false);
        }
    }

    // ---- multipart uploads and spools -----------------------------------------------------------

    private void checkMultipart(Run run, List<String> storages, ActionContext system) {
        Instant cutoff = run.now.minus(run.options.multipartLifetime());
        List<MultipartRecord> old = api.host().inTransaction(() -> {
            List<MultipartRecord> rows = store.multipartsBefore(cutoff, storages);
            rows.forEach(store.em()::detach);
            return rows;
        });
        Map<String, List<MultipartRecord>> byStorage = new LinkedHashMap<>();
        old.forEach(m -> byStorage.computeIfAbsent(m.storage, k -> new ArrayList<>()).add(m));
        for (Map.Entry<String, List<MultipartRecord>> e : byStorage.entrySet()) {
            Map<String, String> failures = new LinkedHashMap<>();
            if (run.options.repair()) {
                Object result = system.call("files_multipart_clean", Map.of("storage", e.getKey()));
                if (result instanceof Map<?, ?> r && r.get("failed") instanceof List<?> failed) {
                    for (Object f : failed) {
                        if (f instanceof Map<?, ?> failure) {
                            failures.put(String.valueOf(failure.get("id")), String.valueOf(failure.get("error")));
                        }
                    }
                }
            }
            for (MultipartRecord m : e.getValue()) {
                String detail = "upload " + m.id + " of " + m.name + ", started " + m.ctime;
                if (!run.options.repair()) {
                    run.report(Kind.MULTIPART, e.getKey() + ":" + m.location, detail, null, false);
                } else if (failures.containsKey(m.id)) {
                    run.report(Kind.MULTIPART, e.getKey() + ":" + m.location, detail, "not aborted: " + failures.get(m.id), false);
                } else {
                    run.report(Kind.MULTIPART, e.getKey() + ":" + m.location, detail, "aborted", true);
                }
            }
        }
    }

    private void checkSpools(Run run, Path dir) {
        if (!Files.isDirectory(dir)) {
            return;
        }
        List<Path> files = new ArrayList<>();
        try (Stream<Path> all = Files.walk(dir)) {
            all.filter(p -> Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)).forEach(files::add);
        } catch (IOException | java.io.UncheckedIOException e) {
            run.report(Kind.UNREADABLE, dir.toString(), "cannot list the spools: " + e.getMessage(), null, false);
            return;
        }
        for (Path file : files) {
            BasicFileAttributes attributes;
            try {
                attributes = Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            } catch (NoSuchFileException e) {
                continue; // its request finished meanwhile
            } catch (IOException e) {
                run.report(Kind.UNREADABLE, file.toString(), "cannot read its attributes: " + e.getMessage(), null, false);
                continue;
            }
            Instant modified = attributes.lastModifiedTime().toInstant();
            if (Duration.between(modified, run.now).compareTo(run.options.grace()) < 0) {
                continue; // an upload being received
            }
            String detail = attributes.size() + " bytes, written " + modified;
            if (!run.options.repair()) {
                run.report(Kind.SPOOL, file.toString(), detail, null, false);
                continue;
            }
            try {
                Files.deleteIfExists(file);
                run.report(Kind.SPOOL, file.toString(), detail, "removed", true);
            } catch (IOException e) {
                run.report(Kind.SPOOL, file.toString(), detail, "not removed: " + e.getMessage(), false);
            }
        }
    }

    // ---- the periodic sweep ---------------------------------------------------------------------

    /**
     * The server's periodic orphan sweep: when {@code interval} has passed since the last sweep by
     * any process on this database, claims the sweep (a conditional update of its lease row, so
     * one process runs it) and removes the orphans older than {@code grace} from every configured
     * storage, logging what it removed.
     *
     * @return the sweep's summary, or empty when it was not due here
     */
    public Optional<Summary> sweepIfDue(Duration interval, Duration grace) {
        Instant now = api.now();
        if (!claim(now, interval)) {
            return Optional.empty();
        }
        try {
            Options options = new Options(List.of(), false, true, grace, null, null, false);
            Summary summary = verify(options, null, finding -> {
                if (finding.repaired()) {
                    LOG.info("orphan sweep: " + finding.line());
                } else if (finding.kind().problem()) {
                    LOG.warning("orphan sweep: " + finding.line());
                }
            });
            if (summary.problems() > 0) {
                LOG.warning("orphan sweep: " + summary.repaired() + " of " + summary.problems() + " orphan(s) removed, "
                        + summary.locations() + " location(s) scanned (run `portalkit files verify` for the records)");
            }
            return Optional.of(summary);
        } finally {
            release();
        }
    }

    private boolean claim(Instant now, Duration interval) {
        OffsetDateTime at = OffsetDateTime.ofInstant(now, ZoneOffset.UTC);
        OffsetDateTime due = OffsetDateTime.ofInstant(now.minus(interval), ZoneOffset.UTC);
        OffsetDateTime until = OffsetDateTime.ofInstant(now.plus(interval), ZoneOffset.UTC);
        try {
            return api.host().inTransaction(() -> store.em().createNativeQuery("UPDATE files_maintenance SET last_run = ?1, "
                            + "locked_until = ?2 WHERE job = ?3 AND (last_run IS NULL OR last_run <= ?4) "
                            + "AND (locked_until IS NULL OR locked_until < ?1)")
                    .setParameter(1, at).setParameter(2, until).setParameter(3, SWEEP_JOB).setParameter(4, due)
                    .executeUpdate()) == 1;
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "orphan sweep: cannot claim its lease: " + e.getMessage(), e);
            return false;
        }
    }

    private void release() {
        try {
            api.host().inTransaction(() -> store.em().createNativeQuery("UPDATE files_maintenance SET locked_until = NULL WHERE job = ?1")
                    .setParameter(1, SWEEP_JOB).executeUpdate());
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "orphan sweep: cannot release its lease (it expires by itself): " + e.getMessage(), e);
        }
    }
}
