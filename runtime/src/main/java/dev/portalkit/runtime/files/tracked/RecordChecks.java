package dev.portalkit.runtime.files.tracked;

import dev.portalkit.api.ErrorKind;
import dev.portalkit.api.PortalException;
import dev.portalkit.api.files.Capability;
import dev.portalkit.api.files.FileData;
import dev.portalkit.api.files.FileStat;
import dev.portalkit.api.files.ManagedStorage;
import dev.portalkit.runtime.files.content.Hashing;
import dev.portalkit.runtime.files.content.Streams;
import dev.portalkit.runtime.files.tracked.FileVerification.Kind;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.security.MessageDigest;
import java.util.List;
import java.util.Optional;

/**
 * The record checks of {@link FileVerification}: each record's bytes are there, of its size and
 * (when asked) its hash; repair marks broken records.
 */
final class RecordChecks {
    private final FileApi api;
    private final FileStore store;

    RecordChecks(FileApi api, FileStore store) {
        this.api = api;
        this.store = store;
    }

    void checkRecords(VerificationRun run, ManagedStorage storage) {
        String after = null;
        while (true) {
            String from = after;
            List<FileRecord> batch = api.host().inTransaction(() -> {
                List<FileRecord> rows = store.filesAfter(storage.name(), from, FileVerification.BATCH);
                rows.forEach(store.em()::detach);
                return rows;
            });
            for (FileRecord f : batch) {
                run.files++;
                checkRecord(run, storage, f);
            }
            if (batch.size() < FileVerification.BATCH) {
                return;
            }
            after = batch.get(batch.size() - 1).id;
        }
    }

    /** What is wrong with a record's bytes, if anything. */
    private record Verdict(Kind kind, String detail) {
    }

    private void checkRecord(VerificationRun run, ManagedStorage storage, FileRecord f) {
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
            if (f.broken == null || (!run.options.hashes() && f.broken.startsWith(Kind.HASH.label()))) {
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
        String reason = verdict.kind().label() + ": " + verdict.detail();
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
    private Verdict verdict(VerificationRun run, ManagedStorage storage, FileRecord f) {
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
}
