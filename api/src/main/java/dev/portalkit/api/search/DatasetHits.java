package dev.portalkit.api.search;

import java.util.List;
import java.util.Map;

/**
 * The answer of a {@link DatasetQuery}.
 *
 * @param count  how many datasets match
 * @param ids    the ids of the requested page of matches, in order
 * @param facets per requested facet field, its values among all matches with their counts,
 *               most frequent first (ties by value)
 */
public record DatasetHits(long count, List<String> ids, Map<String, List<FacetCount>> facets) {
    public DatasetHits {
        ids = List.copyOf(ids);
        facets = Map.copyOf(facets);
    }

    /** One value of a facet and how many matches have it. */
    public record FacetCount(String value, long count) {
    }
}
