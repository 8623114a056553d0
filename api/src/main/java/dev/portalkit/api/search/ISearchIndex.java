package dev.portalkit.api.search;

/**
 * Extension point: the dataset search index behind {@code package_search} (CKAN's Solr core).
 *
 * <p>Without a plugin providing one, the built-in index answers: PostgreSQL full-text search
 * (a weighted {@code tsvector} with a GIN index) or, on H2, a word index in the portal's own
 * database. A plugin that implements this interface (a Solr or OpenSearch client) replaces it;
 * at most one enabled plugin may. The portal keeps the index up to date: it calls
 * {@link DatasetIndex#index} whenever a dataset, its resources, tags, groups or organization
 * change, and {@code portalkit search-index rebuild} re-sends every dataset.
 */
public interface ISearchIndex {
    DatasetIndex datasetIndex();
}
