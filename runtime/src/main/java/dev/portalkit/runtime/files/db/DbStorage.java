package dev.portalkit.runtime.files.db;

import dev.portalkit.api.files.FilesException;
import dev.portalkit.api.files.Manager;
import dev.portalkit.api.files.StorageReader;
import dev.portalkit.api.files.Storage;
import dev.portalkit.api.files.StorageSettings;
import dev.portalkit.api.files.Uploader;
import java.sql.Connection;
import java.sql.SQLException;
import javax.sql.DataSource;

/**
 * {@code files:db}: file content in the portal database, in the files plugin's
 * {@code files_content} table, keyed by storage name and location. Content streams through JDBC
 * both ways, never loaded whole (see {@link ContentColumn}: BLOB on H2, large objects on
 * PostgreSQL).
 *
 * <p>Every operation takes its own pooled connection and commits its own transaction: storage
 * writes happen outside (and before) an action's transaction, like writes to any other backend. A
 * stream returned by {@code stream} / {@code range} / {@code scan} holds its connection until it
 * is closed.
 */
public final class DbStorage implements Storage {
    private final StorageSettings settings;
    private final Uploader uploader;
    private final StorageReader reader;
    private final Manager manager;

    DbStorage(StorageSettings settings, DataSource dataSource) {
        this.settings = settings;
        ContentColumn column;
        try (Connection c = dataSource.getConnection()) {
            column = ContentColumn.forConnection(c);
        } catch (SQLException e) {
            throw FilesException.backend(settings.name(), "cannot reach the portal database", e);
        }
        boolean copiesInside = column instanceof ContentColumn.Blobs;
        DbRows rows = new DbRows(settings, dataSource, column);
        this.uploader = new DbUploader(rows);
        this.reader = new DbReader(rows);
        this.manager = new DbManager(rows, copiesInside);
    }

    @Override
    public StorageSettings settings() {
        return settings;
    }

    @Override
    public Uploader uploader() {
        return uploader;
    }

    @Override
    public StorageReader reader() {
        return reader;
    }

    @Override
    public Manager manager() {
        return manager;
    }
}
