package dev.portalkit.runtime.search.migration;

import java.sql.Connection;
import java.sql.Statement;
import java.util.Locale;
import org.flywaydb.core.api.migration.BaseJavaMigration;
import org.flywaydb.core.api.migration.Context;

/**
 * The built-in dataset search index. {@code portal_search_facet}: one row per value of each
 * filterable field of a dataset (organization, groups, tags, formats, license, extras), with an
 * index from value to dataset for filters and facet counts. The text: on PostgreSQL one weighted
 * {@code tsvector} per dataset with a GIN index ({@code portal_search_text}); on H2 a word index
 * ({@code portal_search_word}: word, dataset, weight). A Java migration because the two differ.
 * No foreign keys: the datasets belong to the model plugin's migrations.
 */
public class V1__Search_index extends BaseJavaMigration {
    @Override
    public void migrate(Context context) throws Exception {
        Connection c = context.getConnection();
        boolean postgres = c.getMetaData().getDatabaseProductName().toLowerCase(Locale.ROOT).contains("postgres");
        try (Statement s = c.createStatement()) {
            s.execute("CREATE TABLE portal_search_facet ("
                    + "package_id VARCHAR(36) NOT NULL, "
                    + "facet_field VARCHAR(200) NOT NULL, "
                    + "facet_value VARCHAR(200) NOT NULL, "
                    + "PRIMARY KEY (package_id, facet_field, facet_value))");
            s.execute("CREATE INDEX portal_search_facet_value ON portal_search_facet (facet_field, facet_value, package_id)");
            if (postgres) {
                s.execute("CREATE TABLE portal_search_text (package_id VARCHAR(36) PRIMARY KEY, document TSVECTOR NOT NULL)");
                s.execute("CREATE INDEX portal_search_text_document ON portal_search_text USING GIN (document)");
            } else {
                s.execute("CREATE TABLE portal_search_word ("
                        + "word VARCHAR(100) NOT NULL, "
                        + "package_id VARCHAR(36) NOT NULL, "
                        + "weight INTEGER NOT NULL, "
                        + "PRIMARY KEY (word, package_id))");
                s.execute("CREATE INDEX portal_search_word_package ON portal_search_word (package_id)");
            }
        }
    }
}
