package dev.portalkit.runtime.files.db;

import dev.portalkit.api.PortalException;
import dev.portalkit.api.config.ConfigOption;
import dev.portalkit.api.files.Storage;
import dev.portalkit.api.files.StorageFactory;
import dev.portalkit.api.files.StorageSettings;
import java.util.List;
import java.util.function.Supplier;
import javax.sql.DataSource;

/**
 * {@code files:db}: file content in the portal database (the files plugin's tables), streamed
 * through JDBC: BLOB on H2, large objects on PostgreSQL.
 */
public class DbStorageFactory implements StorageFactory {
    public static final String TYPE = "files:db";

    private final Supplier<DataSource> dataSource;

    /** @param dataSource the portal database, known once the portal started ({@code null} without one) */
    public DbStorageFactory(Supplier<DataSource> dataSource) {
        this.dataSource = dataSource;
    }

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public String description() {
        return "File content in the portal database (BLOB on H2, large objects on PostgreSQL), streamed through JDBC.";
    }

    @Override
    public List<ConfigOption> options() {
        return List.of();
    }

    @Override
    public Storage create(StorageSettings settings) {
        DataSource ds = dataSource.get();
        if (ds == null) {
            throw PortalException.config(settings.key("type") + ": files:db needs the portal database, and the portal runs without one");
        }
        return new DbStorage(settings, ds);
    }
}
