package dev.portalkit.runtime.files.db.migration;

import java.sql.Connection;
import java.sql.Statement;
import java.util.Locale;
import org.flywaydb.core.api.migration.BaseJavaMigration;
import org.flywaydb.core.api.migration.Context;

/**
 * Tables of the {@code files:db} adapter. A Java migration because the content column differs:
 * a {@code BINARY LARGE OBJECT} (BLOB) on H2 (streamed in and out by H2's LOB storage) and an {@code OID} referring to
 * a large object on PostgreSQL (streamed with the large-object API, up to 4 TB; a {@code BYTEA}
 * value is materialised whole and capped at 1 GB, so it cannot stream).
 */
public class V1__Files_content extends BaseJavaMigration {
    @Override
    public void migrate(Context context) throws Exception {
        Connection c = context.getConnection();
        boolean postgres = c.getMetaData().getDatabaseProductName().toLowerCase(Locale.ROOT).contains("postgres");
        String content = postgres ? "OID" : "BINARY LARGE OBJECT";
        try (Statement s = c.createStatement()) {
            s.execute("CREATE TABLE files_content ("
                    + "storage VARCHAR(200) NOT NULL, "
                    + "location VARCHAR(1024) NOT NULL, "
                    + "size BIGINT NOT NULL, "
                    + "content " + content + " NOT NULL, "
                    + "created_at TIMESTAMP WITH TIME ZONE DEFAULT CURRENT_TIMESTAMP NOT NULL, "
                    + "PRIMARY KEY (storage, location))");
            s.execute("CREATE TABLE files_content_upload ("
                    + "storage VARCHAR(200) NOT NULL, "
                    + "upload_id VARCHAR(36) NOT NULL, "
                    + "location VARCHAR(1024) NOT NULL, "
                    + "created_at TIMESTAMP WITH TIME ZONE DEFAULT CURRENT_TIMESTAMP NOT NULL, "
                    + "PRIMARY KEY (storage, upload_id))");
            s.execute("CREATE TABLE files_content_part ("
                    + "storage VARCHAR(200) NOT NULL, "
                    + "upload_id VARCHAR(36) NOT NULL, "
                    + "part INTEGER NOT NULL, "
                    + "size BIGINT NOT NULL, "
                    + "content " + content + " NOT NULL, "
                    + "PRIMARY KEY (storage, upload_id, part))");
        }
    }
}
