package dev.portalkit.runtime.model;

import dev.portalkit.api.action.ActionContext;
import dev.portalkit.api.search.DatasetIndex;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Keeps the dataset search index in step with the model: every action that changes what a dataset
 * shows (the dataset, its resources and tags, its groups' and organization's names and titles)
 * hands the dataset's {@code package_show} dict to the index, in the same transaction.
 */
final class DatasetIndexing {
    /** Datasets per batch when re-indexing many (a rename of a large organization, a rebuild). */
    static final int BATCH = 200;

    private final ModelStore store;
    private final ModelDicts dicts;
    private final Supplier<DatasetIndex> index;

    DatasetIndexing(ModelStore store, ModelDicts dicts, Supplier<DatasetIndex> index) {
        this.store = store;
        this.dicts = dicts;
        this.index = index;
    }

    DatasetIndex index() {
        return index.get();
    }

    /** Indexes a dataset whose show dict the action has already built. */
    void index(ActionContext ctx, Map<String, Object> shown) {
        index.get().index(ctx, shown);
    }

    /** Re-indexes the datasets with these ids (unknown ids are skipped). */
    void reindex(ActionContext ctx, Collection<String> packageIds) {
        if (packageIds.isEmpty()) {
            return;
        }
        store.flush();
        List<String> ids = List.copyOf(packageIds);
        for (int from = 0; from < ids.size(); from += BATCH) {
            List<String> batch = ids.subList(from, Math.min(ids.size(), from + BATCH));
            List<PackageRecord> records = store.em().createQuery("SELECT p FROM PackageRecord p WHERE p.id IN :ids", PackageRecord.class)
                    .setParameter("ids", batch).getResultList();
            DatasetIndex target = index.get();
            for (Map<String, Object> shown : dicts.showPackages(ctx, records)) {
                target.index(ctx, shown);
            }
        }
    }

    /**
     * Empties the index and indexes every dataset again, in batches, within the caller's
     * transaction (the persistence context is cleared after each batch, so memory stays flat).
     */
    int rebuild(ActionContext ctx, java.util.function.IntConsumer progress) {
        index.get().clear(ctx);
        int done = 0;
        String after = "";
        while (true) {
            List<String> ids = store.em().createQuery("SELECT p.id FROM PackageRecord p WHERE p.id > :after ORDER BY p.id", String.class)
                    .setParameter("after", after).setMaxResults(BATCH).getResultList();
            if (ids.isEmpty()) {
                return done;
            }
            reindex(ctx, ids);
            store.em().clear();
            done += ids.size();
            after = ids.get(ids.size() - 1);
            progress.accept(done);
        }
    }

    /** The ids of the datasets of a group (members) or an organization (owned), any state. */
    List<String> datasetsOf(GroupRecord g) {
        return g.isOrganization
                ? store.em().createQuery("SELECT p.id FROM PackageRecord p WHERE p.ownerOrg = :g", String.class)
                        .setParameter("g", g.id).getResultList()
                : store.em().createQuery("SELECT m.tableId FROM MemberRecord m WHERE m.groupId = :g AND m.tableName = :t", String.class)
                        .setParameter("g", g.id).setParameter("t", MemberRecord.PACKAGE).getResultList();
    }
}
