package dev.portalkit.runtime.files.db.migration;

import java.sql.Connection;
import java.sql.Statement;
import java.util.Locale;
import org.flywaydb.core.api.migration.BaseJavaMigration;
import org.flywaydb.core.api.migration.Context;

/**
 * Resumable uploads (tus): one row per upload in {@code files_resumable} (its offset, the parts
 * handed to the storage's multipart upload, the parts' size), and the bytes received since the
 * last whole part in {@code files_resumable_chunk}, so that any node sharing the database can
 * continue the upload after a restart. A Java migration because the chunks' content column is
 * the one {@code files:db} streams: a BLOB on H2, a large object ({@code OID}) on PostgreSQL.
 */
public class V21__Files_resumable extends BaseJavaMigration {
    @Override
    public void migrate(Context context) throws Exception {
        Connection c = context.getConnection();
        boolean postgres = c.getMetaData().getDatabaseProductName().toLowerCase(Locale.ROOT).contains("postgres");
        String content = postgres ? "OID" : "BINARY LARGE OBJECT";
        try (Statement s = c.createStatement()) {
            s.execute("CREATE TABLE files_resumable ("
                    + "id VARCHAR(36) PRIMARY KEY, "
                    + "multipart_id VARCHAR(36), "
                    + "file_id VARCHAR(36), "
                    + "storage VARCHAR(200) NOT NULL, "
                    + "name VARCHAR(255) NOT NULL, "
                    + "length BIGINT, "
                    + "length_limit BIGINT NOT NULL, "
                    + "received BIGINT NOT NULL, "
                    + "flushed BIGINT NOT NULL, "
                    + "next_part INTEGER NOT NULL, "
                    + "part_size BIGINT NOT NULL, "
                    + "whole BOOLEAN NOT NULL, "
                    + "content_type VARCHAR(255), "
                    + "metadata VARCHAR(10000), "
                    + "fields VARCHAR(20000), "
                    + "initiator_id VARCHAR(200), "
                    + "ctime TIMESTAMP WITH TIME ZONE NOT NULL, "
                    + "mtime TIMESTAMP WITH TIME ZONE NOT NULL)");
            s.execute("CREATE INDEX files_resumable_multipart ON files_resumable (multipart_id)");
            s.execute("CREATE INDEX files_resumable_ctime ON files_resumable (ctime)");
            s.execute("CREATE TABLE files_resumable_chunk ("
                    + "upload_id VARCHAR(36) NOT NULL, "
                    + "start_at BIGINT NOT NULL, "
                    + "size BIGINT NOT NULL, "
                    + "content " + content + " NOT NULL, "
                    + "PRIMARY KEY (upload_id, start_at))");
        }
    }
}
