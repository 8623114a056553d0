package dev.portalkit.runtime.files.tracked;

import dev.portalkit.api.PortalException;
import dev.portalkit.api.action.ActionContext;
import dev.portalkit.api.files.ManagedStorage;
import dev.portalkit.runtime.files.registry.StorageOverlaps;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;

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
    private final RecordChecks records;
    private final OrphanChecks orphans;
    private final LeftoverChecks leftovers;

    FileVerification(FileApi api, FileStore store) {
        this.api = api;
        this.store = store;
        this.records = new RecordChecks(api, store);
        this.orphans = new OrphanChecks(api, store);
        this.leftovers = new LeftoverChecks(api, store);
    }

    /**
     * Checks {@code options.storages()} (all when empty), the spools and the multipart uploads, and
     * repairs when asked; every finding goes to {@code out} as it is made.
     *
     * @param system a context that ignores auth (for files_multipart_clean)
     */
    public Summary verify(Options options, ActionContext system, Consumer<Finding> out) {
        VerificationRun run = new VerificationRun(options, out, api.now());
        List<String> names = options.storages().isEmpty() ? new ArrayList<>(api.host().storages().configured().keySet())
                : options.storages();
        for (String name : names) {
            try {
                ManagedStorage storage = api.host().storages().get(name);
                if (options.records()) {
                    records.checkRecords(run, storage);
                }
                orphans.checkLocations(run, storage);
            } catch (PortalException e) {
                // A storage that cannot be opened or listed now: the others are still checked.
                run.report(Kind.UNREADABLE, name, "cannot check the storage: " + e.getMessage(), null, false);
            }
        }
        if (options.multipartLifetime() != null) {
            leftovers.checkMultipart(run, names, system);
        }
        if (options.spools() != null) {
            leftovers.checkSpools(run, options.spools());
        }
        return run.summary();
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
        return sweepIfDue(interval, grace, null, null);
    }

    /**
     * {@link #sweepIfDue(Duration, Duration)} that also aborts the multipart uploads started more
     * than {@code multipartLifetime} ago (what {@code files_multipart_clean} does), so that one
     * process per database cleans them up periodically.
     *
     * @param system a context that ignores auth (for files_multipart_clean); null with a null lifetime
     */
    public Optional<Summary> sweepIfDue(Duration interval, Duration grace, Duration multipartLifetime, ActionContext system) {
        Instant now = api.now();
        if (!claim(now, interval)) {
            return Optional.empty();
        }
        try {
            Options options = new Options(List.of(), false, true, grace, null, multipartLifetime, false);
            Summary summary = verify(options, system, finding -> {
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
