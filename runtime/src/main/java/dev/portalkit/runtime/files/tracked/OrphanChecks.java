package dev.portalkit.runtime.files.tracked;

import dev.portalkit.api.PortalException;
import dev.portalkit.api.files.Capability;
import dev.portalkit.api.files.FileData;
import dev.portalkit.api.files.FileStat;
import dev.portalkit.api.files.Location;
import dev.portalkit.api.files.ManagedStorage;
import dev.portalkit.runtime.files.registry.StorageOverlaps;
import dev.portalkit.runtime.files.tracked.FileVerification.Kind;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The location checks of {@link FileVerification}: bytes no record tracks (orphans), apart from
 * other storages' and young ones; repair removes them.
 */
final class OrphanChecks {
    private final FileApi api;
    private final FileStore store;

    OrphanChecks(FileApi api, FileStore store) {
        this.api = api;
        this.store = store;
    }

    void checkLocations(VerificationRun run, ManagedStorage storage) {
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
                if (batch.size() == FileVerification.BATCH) {
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

    private void checkBatch(VerificationRun run, ManagedStorage storage, List<String> sameRoot, List<String> batch) {
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

    private void checkOrphan(VerificationRun run, ManagedStorage storage, List<String> sameRoot, String location) {
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
}
