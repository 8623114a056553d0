package dev.portalkit.runtime.search.migration;

import java.sql.Connection;
import java.sql.Statement;
import java.util.Locale;
import org.flywaydb.core.api.migration.BaseJavaMigration;
import org.flywaydb.core.api.migration.Context;

/**
 * The built-in dataset search index.
 * <ul>
 *   <li>{@code portal_search_state}: one row, the index's version, raised by every change in the
 *       changing transaction; its row lock orders changes in commit order.</li>
 *   <li>{@code portal_search_doc}: one row per indexed dataset with what searches filter, sort and
 *       count facets on (state, visibility, owner, name, title, dates, facet values), the version of
 *       its last change, and a tombstone flag for removed ones. Every node keeps these rows in
 *       memory and reads the rows of versions it has not seen before each search.</li>
 *   <li>The text: on PostgreSQL three {@code tsvector} columns of the doc row (the whole text under
 *       a GIN index; name, title and tags; notes) ; on H2 a word index ({@code portal_search_word}).</li>
 * </ul>
 * A Java migration because the two databases differ. No foreign keys: the datasets belong to the
 * model plugin's migrations.
 */
public class V1__Search_index extends BaseJavaMigration {
    @Override
    public void migrate(Context context) throws Exception {
        Connection c = context.getConnection();
        boolean postgres = c.getMetaData().getDatabaseProductName().toLowerCase(Locale.ROOT).contains("postgres");
        try (Statement s = c.createStatement()) {
            s.execute("CREATE TABLE portal_search_state (id INTEGER PRIMARY KEY, version BIGINT NOT NULL)");
            s.execute("INSERT INTO portal_search_state (id, version) VALUES (1, 0)");
            s.execute("CREATE TABLE portal_search_doc ("
                    + "package_id VARCHAR(36) PRIMARY KEY, "
                    + "version BIGINT NOT NULL, "
                    + "removed BOOLEAN NOT NULL, "
                    + "state VARCHAR(16), "
                    + "private BOOLEAN NOT NULL, "
                    + "owner_org VARCHAR(36), "
                    + "creator_user_id VARCHAR(36), "
                    + "type VARCHAR(100), "
                    + "name VARCHAR(100), "
                    + "title VARCHAR(1000), "
                    + "metadata_created TIMESTAMP WITH TIME ZONE, "
                    + "metadata_modified TIMESTAMP WITH TIME ZONE, "
                    + "facets VARCHAR"
                    + (postgres ? ", document TSVECTOR, head TSVECTOR, body TSVECTOR" : "")
                    + ")");
            s.execute("CREATE INDEX portal_search_doc_version ON portal_search_doc (version)");
            if (postgres) {
                s.execute("CREATE INDEX portal_search_doc_document ON portal_search_doc USING GIN (document)");
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
