package dev.portalkit.api.search;

import java.util.List;
import java.util.Set;

/**
 * One dataset search, parsed from {@code package_search}'s CKAN parameters by the portal.
 *
 * @param text        the free text of {@code q} (words and {@code "quoted phrases"}), empty for
 *                    all datasets; every word must match, results ranked by relevance
 * @param filters     field filters from {@code q} and {@code fq}, all of which must hold
 * @param facetFields fields to count values of among the matches
 * @param facetLimit  most values per facet, most frequent first; -1 for all
 * @param sort        sort keys, first decides; field {@code score} is relevance
 * @param start       matches to skip
 * @param rows        matches to return
 * @param visibility  which datasets the caller may see
 */
public record DatasetQuery(String text, List<Filter> filters, List<String> facetFields, int facetLimit,
                           List<Sort> sort, int start, int rows, Visibility visibility) {
    public DatasetQuery {
        text = text == null ? "" : text;
        filters = List.copyOf(filters);
        facetFields = List.copyOf(facetFields);
        sort = List.copyOf(sort);
    }

    /** {@code field:value}: the dataset has this value in the field (one of them, for lists). */
    public record Filter(String field, String value) {
    }

    /** A sort key: {@code score}, {@code name}, {@code title}, {@code metadata_modified}, ... */
    public record Sort(String field, boolean descending) {
    }

    /**
     * Which datasets the caller may see (decided by the portal's permissions, applied by the index).
     *
     * @param draftsOf      drafts visible too: {@code null} none, empty string all (sysadmins),
     *                      else only those created by this user id
     * @param privateOrgs   private datasets visible too: {@code null} none, else those owned by
     *                      these organization ids; {@link #ALL} for all (sysadmins)
     */
    public record Visibility(String draftsOf, Set<String> privateOrgs) {
        /** Stands for every organization in {@link #privateOrgs}. */
        public static final Set<String> ALL = Set.of("*");

        public Visibility {
            privateOrgs = privateOrgs == null ? null : Set.copyOf(privateOrgs);
        }
    }
}
