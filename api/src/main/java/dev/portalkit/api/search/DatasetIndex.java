package dev.portalkit.api.search;

import dev.portalkit.api.action.ActionContext;
import java.util.Map;
import java.util.Set;

/**
 * A dataset search index. {@link #index} and {@link #remove} run inside the transaction of the
 * change (an index in the portal's database commits or rolls back with it; an external one should
 * send its update after the commit, e.g. from a post-commit task queued on {@code ctx.tasks()}).
 */
public interface DatasetIndex {
    /**
     * Adds or replaces one dataset.
     *
     * @param dataset its {@code package_show} dict: {@code id}, {@code name}, {@code title},
     *                {@code notes}, {@code state}, {@code private}, {@code owner_org},
     *                {@code organization}, {@code groups}, {@code tags}, {@code resources},
     *                {@code extras}, {@code license_id}, {@code metadata_modified}, ... and any
     *                field a plugin's schema adds
     */
    void index(ActionContext ctx, Map<String, Object> dataset);

    /** Removes one dataset (the portal calls it when a dataset is purged). */
    void remove(ActionContext ctx, String datasetId);

    /** Removes every dataset (before a full rebuild). */
    void clear(ActionContext ctx);

    /** Runs a query; the portal has already checked its fields against {@link #fields()}. */
    DatasetHits search(ActionContext ctx, DatasetQuery query);

    /**
     * The fields a query may filter on ({@code fq=field:value}), facet on and sort by, besides
     * free text; {@code package_search} refuses others naming them. Field names are CKAN's
     * ({@code organization}, {@code groups}, {@code tags}, {@code res_format}, {@code license_id},
     * {@code vocab_<vocabulary name>}, {@code extras_<key>}, ...).
     */
    Fields fields();

    /**
     * What a query may name.
     *
     * @param filters  fields of {@code fq} terms; an entry ending in {@code _} names a family
     *                 ({@code extras_} allows {@code extras_spatial})
     * @param facets   fields of {@code facet.field}, with the same family rule
     * @param sortable fields of {@code sort} besides {@code score}
     */
    record Fields(Set<String> filters, Set<String> facets, Set<String> sortable) {
        public Fields {
            filters = Set.copyOf(filters);
            facets = Set.copyOf(facets);
            sortable = Set.copyOf(sortable);
        }

        /** Whether {@code field} is in {@code names}, itself or by family. */
        public static boolean allows(Set<String> names, String field) {
            if (names.contains(field)) {
                return true;
            }
            for (String name : names) {
                if (name.endsWith("_") && field.startsWith(name) && field.length() > name.length()) {
                    return true;
                }
            }
            return false;
        }
    }
}
