package dev.portalkit.runtime.files.tracked;

import dev.portalkit.api.PortalException;
import dev.portalkit.api.ValidationException;
import dev.portalkit.api.action.ActionContext;
import dev.portalkit.api.validation.Schema;
import jakarta.persistence.LockModeType;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code files_multipart_clean} (sysadmins only; seed 000's {@code cloudstorage_clean_multipart}):
 * aborts the unfinished multipart uploads started more than {@code portal.files.max_multipart_lifetime}
 * days ago — at the backend (S3 aborts the upload id, the built-in adapters drop their staged
 * parts) and in {@code files_multipart}. Only uploads past the lifetime are touched; with
 * {@code storage}, only that storage's. An upload whose backend refuses the abort keeps its row
 * (reported under {@code failed}), so the next run tries again. Resumable (tus) uploads of the
 * removed multipart uploads go with them, and so do completed ones older than the lifetime.
 */
final class MultipartCleanup {
    static final Schema SCHEMA = Schema.empty()
            .with("storage", "ignore_empty", "unicode_safe", "strip_value")
            .with("dry_run", "ignore_missing", "boolean_validator");

    private final FileApi api;
    private final FileStore store;

    MultipartCleanup(FileApi api, FileStore store) {
        this.api = api;
        this.store = store;
    }

    Object clean(ActionContext ctx, Map<String, Object> data) {
        Map<String, Object> valid = ctx.validate(SCHEMA, data);
        String storage = (String) valid.get("storage");
        boolean dryRun = Boolean.TRUE.equals(valid.get("dry_run"));
        if (storage != null && !api.host().storages().configured().containsKey(storage)) {
            throw ValidationException.of("storage", "Storage " + storage + " is not configured (configured: "
                    + String.join(", ", api.host().storages().configured().keySet()) + ")");
        }
        int days = ctx.config().integer(FileApiConfig.MAX_MULTIPART_LIFETIME);
        Instant cutoff = api.now().minus(Duration.ofDays(days));
        var query = store.em().createQuery("SELECT m FROM MultipartRecord m WHERE m.ctime < :cutoff"
                + (storage == null ? "" : " AND m.storage = :s") + " ORDER BY m.ctime, m.id", MultipartRecord.class)
                .setParameter("cutoff", cutoff);
        if (storage != null) {
            query.setParameter("s", storage);
        }
        List<MultipartRecord> stale = query.getResultList();
        List<Map<String, Object>> removed = new ArrayList<>();
        List<Map<String, Object>> failed = new ArrayList<>();
        List<String> gone = new ArrayList<>();
        for (MultipartRecord m : stale) {
            if (dryRun) {
                removed.add(FileStore.multipartDict(m));
                continue;
            }
            MultipartRecord locked = store.em().find(MultipartRecord.class, m.id, LockModeType.PESSIMISTIC_WRITE);
            if (locked == null) {
                continue; // completed or aborted meanwhile
            }
            try {
                MultipartActions.abortAtBackend(api, locked);
            } catch (PortalException e) {
                Map<String, Object> failure = new LinkedHashMap<>();
                failure.put("id", locked.id);
                failure.put("storage", locked.storage);
                failure.put("location", locked.location);
                failure.put("error", e.getMessage());
                failed.add(failure);
                continue;
            }
            removed.add(FileStore.multipartDict(locked));
            store.em().remove(locked);
            gone.add(locked.id);
        }
        store.flush();
        int resumable = dryRun ? 0 : api.resumable().forget(gone, cutoff);
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("max_multipart_lifetime", days);
        result.put("started_before", FileStore.timestamp(cutoff));
        result.put("dry_run", dryRun);
        result.put("removed", removed.size());
        result.put("uploads", removed);
        result.put("failed", failed);
        result.put("resumable_uploads_forgotten", resumable);
        return result;
    }
}
