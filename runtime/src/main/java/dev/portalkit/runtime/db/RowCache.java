package dev.portalkit.runtime.db;

import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Values read from rows, by key, kept in this process while {@link RowChanges} tells it of every
 * committed change: a change to a row of {@code table} forgets that key (when the key is the row's
 * entity id), a change to any row of a {@code clearedBy} table forgets everything.
 * Read through {@link Transactions#cached}, which asks the cache only outside a transaction with
 * its own changes. Each entry also ends after {@code portal.db.cache_ttl} seconds, and the cache
 * starts again empty when it holds {@code portal.db.cache_entries}. Missing rows are not kept.
 *
 * @param <V> what is kept (immutable: every caller gets the same value)
 */
public final class RowCache<V> {
    /** How long an entry lives and how many are kept; a zero TTL or size keeps nothing. */
    public record Settings(Duration ttl, int entries) {
        public static final Settings NONE = new Settings(Duration.ZERO, 0);

        public boolean off() {
            return ttl.isZero() || ttl.isNegative() || entries <= 0;
        }
    }

    private record Entry<V>(V value, long readAt) {
    }

    private final RowChanges changes;
    private final String table;
    private final Set<String> clearedBy;
    private final Settings settings;
    private final long ttlNanos;
    private final Map<String, Entry<V>> entries = new ConcurrentHashMap<>();

    RowCache(RowChanges changes, Settings settings, String table, Set<String> clearedBy) {
        this.changes = changes;
        this.settings = settings;
        this.table = table == null ? null : table.toLowerCase(Locale.ROOT);
        this.clearedBy = clearedBy.stream().map(t -> t.toLowerCase(Locale.ROOT)).collect(java.util.stream.Collectors.toSet());
        this.ttlNanos = settings.ttl().toNanos();
        java.util.stream.Stream.concat(java.util.stream.Stream.ofNullable(this.table), this.clearedBy.stream()).forEach(t -> {
            if (!RowChanges.watches(t)) {
                throw new IllegalArgumentException(t + " is not among RowChanges.TABLES: its changes would not be told");
            }
        });
        changes.listen(this::changed);
    }

    private void changed(String changedTable, String key) {
        if (changedTable == null || clearedBy.contains(changedTable) || (changedTable.equals(table) && key == null)) {
            entries.clear();
        } else if (changedTable.equals(table)) {
            entries.remove(key);
        }
    }

    /** The value for {@code key}: kept, or read by {@code load} (and kept when nothing changed meanwhile). */
    <E extends Exception> V get(String key, Loader<V, E> load) throws E {
        if (settings.off() || !changes.serving()) {
            return load.load(key);
        }
        long now = System.nanoTime();
        Entry<V> kept = entries.get(key);
        if (kept != null && now - kept.readAt() < ttlNanos) {
            return kept.value();
        }
        long before = changes.generation();
        V value = load.load(key);
        if (value != null && changes.generation() == before && changes.serving()) {
            if (entries.size() >= settings.entries()) {
                entries.clear(); // bounded: a crude reset is enough (a miss costs one read)
            }
            entries.put(key, new Entry<>(value, now));
        }
        return value;
    }

    /** How many entries are kept now (for tests). */
    public int size() {
        return entries.size();
    }

    /** Reads the value of one key from the database. */
    @FunctionalInterface
    interface Loader<V, E extends Exception> {
        V load(String key) throws E;
    }
}
