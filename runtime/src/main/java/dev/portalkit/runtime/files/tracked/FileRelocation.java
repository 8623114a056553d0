package dev.portalkit.runtime.files.tracked;

import dev.portalkit.api.files.FileData;
import dev.portalkit.runtime.Json;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Where tracked files live, for maintenance commands ({@code files transfer}): pages of one
 * storage's files, and switching a file's record to a copy of its content in another storage (and
 * back). Each call runs in the current transaction, or in a short one of its own.
 */
public final class FileRelocation {
    private final FileApi.Host host;
    private final FileStore store;

    FileRelocation(FileApi.Host host, FileStore store) {
        this.host = host;
        this.store = store;
    }

    /** Up to {@code limit} files of {@code storage} with ids after {@code afterId} ({@code ""}: from the first), by id. */
    public List<Map<String, Object>> page(String storage, String afterId, int limit) {
        return host.inTransaction(() -> store.em().createQuery("SELECT f FROM FileRecord f WHERE f.storage = :s AND f.id > :after "
                        + "ORDER BY f.id", FileRecord.class).setParameter("s", storage).setParameter("after", afterId)
                .setMaxResults(limit).getResultList().stream().map(store::dict).toList());
    }

    /** How many files {@code storage} tracks. */
    public long count(String storage) {
        return host.inTransaction(() -> store.em().createQuery("SELECT COUNT(f) FROM FileRecord f WHERE f.storage = :s", Long.class)
                .setParameter("s", storage).getSingleResult());
    }

    /** The tracked file at {@code location} of {@code storage} as its dict, or {@code null}. */
    public Map<String, Object> tracked(String storage, String location) {
        return host.inTransaction(() -> {
            FileRecord f = store.tracked(storage, location);
            return f == null ? null : store.dict(f);
        });
    }

    /**
     * Points file {@code id} at {@code to} in storage {@code toStorage} (location, storage data
     * and its search index, size, hash) — only while its record still says {@code fromStorage} /
     * {@code fromLocation}, so a repeated or concurrent switch changes nothing.
     *
     * @return whether the record was switched
     */
    public boolean relocate(String id, String fromStorage, String fromLocation, String toStorage, FileData to) {
        return host.inTransaction(() -> {
            FileRecord f = store.lockedFile(id);
            if (f == null || !f.storage.equals(fromStorage) || !f.location.equals(fromLocation)) {
                return false;
            }
            if (!Objects.equals(fromStorage, toStorage) || !f.location.equals(to.location().value())) {
                FileRecord clash = store.tracked(toStorage, to.location().value());
                if (clash != null && !clash.id.equals(id)) {
                    throw new dev.portalkit.api.PortalException(dev.portalkit.api.ErrorKind.CONFLICT, "location " + to.location()
                            + " of storage " + toStorage + " is tracked already, by file " + clash.id);
                }
            }
            f.storage = toStorage;
            f.location = to.location().value();
            f.size = to.size();
            if (to.hash() != null && !to.hash().isEmpty()) {
                f.hash = to.hash();
                f.hashAlgorithm = to.hashAlgorithm();
            }
            f.storageData = Json.write(to.storageData());
            store.reindex(f.id, to.storageData());
            store.flush();
            return true;
        });
    }
}
