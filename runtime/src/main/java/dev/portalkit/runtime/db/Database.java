package dev.portalkit.runtime.db;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.portalkit.api.PortalException;
import jakarta.persistence.EntityManagerFactory;
import java.nio.file.Path;
import java.time.Duration;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Locale;
import java.util.logging.Logger;
import javax.naming.InitialContext;
import javax.naming.NamingException;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;
import org.hibernate.cfg.AvailableSettings;
import org.hibernate.jpa.HibernatePersistenceConfiguration;

/**
 * The portal database: a pooled {@link DataSource} (from {@code portal.db.jndi}, or
 * {@code portal.db.url}, by default an H2 file database under the data directory), Flyway
 * migrations per plugin, and the JPA {@link EntityManagerFactory} (Hibernate ORM,
 * resource-local transactions owned by the runtime in every deployment mode).
 */
public final class Database implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(Database.class.getName());
    /** {@code org.h2.api.ErrorCode.DATABASE_ALREADY_OPEN_1}. */
    private static final int H2_DATABASE_ALREADY_OPEN = 90020;
    private final DataSource dataSource;
    private final HikariDataSource owned;
    private final String url;
    private final RowChanges rowChanges;
    private EntityManagerFactory emf;
    /** The entity manager factory being built in the background, until {@link #entityManagerFactory} takes it. */
    private java.util.concurrent.FutureTask<EntityManagerFactory> building;

    private Database(DataSource dataSource, HikariDataSource owned, String url) {
        this.dataSource = dataSource;
        this.owned = owned;
        this.url = url;
        this.rowChanges = new RowChanges(dataSource, url);
    }

    /** The committed changes that caches of rows follow ({@link RowCache}). */
    public RowChanges rowChanges() {
        return rowChanges;
    }

    /**
     * The default URL: an H2 file database {@code <dataDir>/db/portal} in PostgreSQL mode, opened by
     * one process only (no {@code AUTO_SERVER}: nothing listens on the network; while a server runs,
     * commands go through its socket {@code <data-dir>/run/cli.sock}), with its
     * files created {@code 0600} ({@link PrivateH2Files}) and every commit written to the file
     * before it returns ({@code WRITE_DELAY=0}, so a 200 survives {@code kill -9}).
     */
    public static String defaultUrl(Path dataDir) {
        return "jdbc:h2:" + PrivateH2Files.SCHEME + ":" + dataDir.toAbsolutePath().normalize().resolve("db").resolve("portal")
                + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH;WRITE_DELAY=0";
    }

    /** Whether {@code url} opens an H2 database in this process from a file (not {@code mem:}, not a TCP server). */
    public static boolean isEmbeddedH2(String url) {
        if (!url.regionMatches(true, 0, "jdbc:h2:", 0, "jdbc:h2:".length())) {
            return false;
        }
        String rest = url.substring("jdbc:h2:".length()).toLowerCase(Locale.ROOT);
        return !rest.startsWith("mem:") && !rest.startsWith("tcp:") && !rest.startsWith("ssl:");
    }

    /** @param connectTimeout how long a caller waits for a pooled connection before the database counts as unavailable */
    public static Database open(String jndiName, String url, String user, String password, int poolSize, Duration connectTimeout) {
        if (jndiName != null && !jndiName.isBlank()) {
            try {
                DataSource ds = (DataSource) new InitialContext().lookup(jndiName);
                return new Database(ds, null, "jndi:" + jndiName);
            } catch (NamingException | ClassCastException e) {
                throw PortalException.config("portal.db.jndi: no DataSource named '" + jndiName + "'");
            }
        }
        if (!url.startsWith("jdbc:h2:") && !url.startsWith("jdbc:postgresql:")) {
            throw PortalException.config("portal.db.url: only jdbc:h2: and jdbc:postgresql: URLs are supported");
        }
        if (url.startsWith("jdbc:h2:")) {
            PrivateH2Files.register();
            if (url.toUpperCase(Locale.ROOT).contains("AUTO_SERVER")) {
                LOG.warning("portal.db.url sets AUTO_SERVER: H2 then listens on a TCP port on every network interface, with "
                        + "this URL's user and password (empty by default), and writes the port and its key into the database's "
                        + ".lock.db file: a local user who can read that file can take the database (make himself sysadmin, read "
                        + "files as the portal). Remove AUTO_SERVER: while `portalkit serve` runs, the command line goes through "
                        + "its socket in <data-dir>/run instead");
            }
        }
        HikariConfig config = new HikariConfig();
        // H2 would close an embedded database from a JVM shutdown hook of its own as soon as SIGTERM comes, while
        // the server still drains its requests (portal.http.drain_delay): the portal closes it itself, last.
        boolean closeOnExit = !isEmbeddedH2(url) || url.toUpperCase(Locale.ROOT).contains("DB_CLOSE_ON_EXIT");
        config.setJdbcUrl(closeOnExit ? url : url + ";DB_CLOSE_ON_EXIT=FALSE");
        // Named, not looked up in DriverManager: in a WAR on Payara, DriverManager does not see the WAR's drivers.
        config.setDriverClassName(url.startsWith("jdbc:h2:") ? "org.h2.Driver" : "org.postgresql.Driver");
        if (user != null) {
            config.setUsername(user);
        }
        if (password != null) {
            config.setPassword(password);
        }
        config.setMaximumPoolSize(poolSize);
        config.setConnectionTimeout(Math.max(250, connectTimeout.toMillis()));
        config.setAutoCommit(false);
        config.setPoolName("portal");
        config.setInitializationFailTimeout(-1);
        try {
            HikariDataSource ds = new HikariDataSource(config);
            try (Connection c = ds.getConnection()) {
                c.isValid(5);
            }
            return new Database(ds, ds, url);
        } catch (SQLException | RuntimeException e) {
            if (inUse(e)) {
                throw new PortalException(dev.portalkit.api.ErrorKind.CONFIG_INVALID, "portal.db.url: the H2 database is in use by "
                        + "another process (a `portalkit serve` or another command on this data directory; H2 lets one process "
                        + "open it): wait for the command to finish; while a server runs, commands are sent to it through "
                        + "<data-dir>/run/cli.sock"
                        + " (" + rootMessage(e) + ")");
            }
            throw new PortalException(dev.portalkit.api.ErrorKind.CONFIG_INVALID,
                    "portal.db.url: cannot connect: " + rootMessage(e));
        }
    }

    public DataSource dataSource() {
        return dataSource;
    }

    /**
     * The connections of the pool the portal opened itself: in use, idle, open, the most it opens,
     * and callers waiting for one. Read from the pool's counters, no connection is taken.
     */
    public record PoolUsage(int active, int idle, int total, int max, int waiting) {
    }

    /** The use of the portal's own pool; empty for a {@code portal.db.jndi} DataSource (the server's pool: its metrics). */
    public java.util.Optional<PoolUsage> poolUsage() {
        if (owned == null || owned.isClosed()) {
            return java.util.Optional.empty();
        }
        com.zaxxer.hikari.HikariPoolMXBean pool = owned.getHikariPoolMXBean();
        if (pool == null) {
            return java.util.Optional.empty();
        }
        return java.util.Optional.of(new PoolUsage(pool.getActiveConnections(), pool.getIdleConnections(), pool.getTotalConnections(),
                owned.getMaximumPoolSize(), pool.getThreadsAwaitingConnection()));
    }

    /** The JDBC URL (or {@code jndi:NAME}); never contains the password, which is a separate option. */
    public String url() {
        return url;
    }

    public boolean isPostgres() {
        try (Connection c = dataSource.getConnection()) {
            return c.getMetaData().getDatabaseProductName().toLowerCase(Locale.ROOT).contains("postgres");
        } catch (SQLException e) {
            throw new PortalException(dev.portalkit.api.ErrorKind.TRANSIENT, "database unavailable: " + e.getMessage());
        }
    }

    /**
     * Applies the migrations of one owner (the core or a plugin) with a schema-history table of
     * its own, {@code portal_migrations_<owner>}.
     *
     * @return the number of migrations applied
     */
    public int migrate(String owner, String location, ClassLoader loader) {
        try {
            Flyway flyway = Flyway.configure(loader)
                    .dataSource(dataSource)
                    .locations("classpath:" + location)
                    .table("portal_migrations_" + owner.replaceAll("[^A-Za-z0-9_]", "_").toLowerCase(Locale.ROOT))
                    .baselineOnMigrate(true)
                    .baselineVersion("0")
                    .load();
            return flyway.migrate().migrationsExecuted;
        } catch (FlywayException e) {
            throw PortalException.config("database migration of '" + owner + "' failed: " + rootMessage(e));
        }
    }

    /** Pending migrations of one owner, without applying them. */
    public int pending(String owner, String location, ClassLoader loader) {
        Flyway flyway = Flyway.configure(loader)
                .dataSource(dataSource)
                .locations("classpath:" + location)
                .table("portal_migrations_" + owner.replaceAll("[^A-Za-z0-9_]", "_").toLowerCase(Locale.ROOT))
                .load();
        return flyway.info().pending().length;
    }

    /**
     * Starts building the entity manager factory over {@code entities} on a thread of its own, while the caller
     * goes on (with the migrations: Hibernate reads nothing of the database while it boots, see
     * {@link #describeDatabase}); {@link #entityManagerFactory} then waits for it and throws what the build threw.
     * Once built, the same thread runs {@code thenPrepare} on it (failures there are only logged).
     */
    public synchronized void buildEntityManagerFactoryInBackground(List<Class<?>> entities,
            java.util.function.Consumer<EntityManagerFactory> thenPrepare) {
        if (emf != null || building != null) {
            return;
        }
        java.util.concurrent.FutureTask<EntityManagerFactory> task = new java.util.concurrent.FutureTask<>(() -> build(entities));
        Thread thread = new Thread(() -> {
            task.run();
            if (!task.isCancelled()) {
                try {
                    // The factory is handed over already; this only warms what its first uses would build.
                    thenPrepare.accept(task.get());
                } catch (InterruptedException | java.util.concurrent.ExecutionException | RuntimeException e) {
                    LOG.fine(() -> "preparing the first queries failed (they are prepared when first used): " + e);
                }
            }
        }, "portal-hibernate-boot");
        thread.setDaemon(true);
        building = task;
        thread.start();
    }

    /**
     * The entity manager factory over the given entity classes, built here or by
     * {@link #buildEntityManagerFactoryInBackground} (after migrations ran, before it is used).
     */
    public synchronized EntityManagerFactory entityManagerFactory(List<Class<?>> entities) {
        if (emf == null && building != null) {
            java.util.concurrent.FutureTask<EntityManagerFactory> task = building;
            building = null;
            emf = awaitBuild(task);
        }
        if (emf == null) {
            emf = build(entities);
        }
        return emf;
    }

    private static EntityManagerFactory awaitBuild(java.util.concurrent.FutureTask<EntityManagerFactory> task) {
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    return task.get();
                } catch (InterruptedException e) {
                    interrupted = true; // the factory is being built: wait for it, whatever happens
                }
            }
        } catch (java.util.concurrent.ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            if (e.getCause() instanceof Error error) {
                throw error;
            }
            throw new IllegalStateException(e.getCause());
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private EntityManagerFactory build(List<Class<?>> entities) {
        HibernatePersistenceConfiguration cfg = new HibernatePersistenceConfiguration("portal");
        for (Class<?> entity : entities) {
            cfg.managedClass(entity);
        }
        cfg.property(AvailableSettings.JAKARTA_NON_JTA_DATASOURCE, dataSource);
        cfg.property(AvailableSettings.HBM2DDL_AUTO, "none");
        cfg.property("hibernate.connection.handling_mode", "DELAYED_ACQUISITION_AND_RELEASE_AFTER_TRANSACTION");
        cfg.property(AvailableSettings.JAKARTA_TRANSACTION_TYPE, "RESOURCE_LOCAL");
        describeDatabase(cfg);
        cfg.property(org.hibernate.jpa.boot.spi.JpaSettings.INTEGRATOR_PROVIDER,
                (org.hibernate.jpa.boot.spi.IntegratorProvider) () -> List.of(new RowChangeEvents(rowChanges)));
        cfg.property(NoEntityProxies.SETTING, entities.stream().noneMatch(NoEntityProxies::needsProxies));
        // The portal maps no JSON or XML columns. Named mappers keep Hibernate from looking for Jackson (and its
        // modules) on the class path: in a WAR on Payara it would find the server's, which fail with "not a subtype".
        cfg.property("hibernate.type.json_format_mapper",
                new org.hibernate.type.format.jackson.JacksonJsonFormatMapper(dev.portalkit.runtime.Json.MAPPER));
        cfg.property("hibernate.type.xml_format_mapper", new org.hibernate.type.format.jaxb.JaxbXmlFormatMapper());
        // Straight from Hibernate's provider, not through jakarta.persistence.Persistence (what
        // cfg.createEntityManagerFactory() does): an EE 10 server such as Payara gives a WAR its own Jakarta
        // Persistence 3.1 API, whose Persistence class has no PersistenceConfiguration bootstrap.
        return new org.hibernate.jpa.HibernatePersistenceProvider().createEntityManagerFactory(cfg);
    }

    /**
     * Tells Hibernate which database it talks to (product name and version, read from one connection's
     * metadata, which the driver holds without a query), so that it does not read the JDBC metadata
     * itself while it boots (keywords, type info and more: {@code hibernate.boot.allow_jdbc_metadata_access}).
     * It picks the same dialect as it would from the metadata.
     */
    private void describeDatabase(HibernatePersistenceConfiguration cfg) {
        try (Connection c = dataSource.getConnection()) {
            java.sql.DatabaseMetaData meta = c.getMetaData();
            cfg.property(AvailableSettings.JAKARTA_HBM2DDL_DB_NAME, meta.getDatabaseProductName());
            cfg.property(AvailableSettings.JAKARTA_HBM2DDL_DB_VERSION, meta.getDatabaseProductVersion());
            cfg.property(AvailableSettings.JAKARTA_HBM2DDL_DB_MAJOR_VERSION, Integer.toString(meta.getDatabaseMajorVersion()));
            cfg.property(AvailableSettings.JAKARTA_HBM2DDL_DB_MINOR_VERSION, Integer.toString(meta.getDatabaseMinorVersion()));
            cfg.property(AvailableSettings.ALLOW_METADATA_ON_BOOT, false);
        } catch (SQLException e) {
            throw new PortalException(dev.portalkit.api.ErrorKind.TRANSIENT, "database unavailable: " + e.getMessage());
        }
    }

    @Override
    public void close() {
        java.util.concurrent.FutureTask<EntityManagerFactory> task;
        synchronized (this) {
            task = building;
            building = null;
        }
        if (task != null) {
            // A start that failed before it needed the factory (a migration): the build finishes, then closes.
            try {
                emf = awaitBuild(task);
            } catch (RuntimeException | Error ignored) {
                // it failed: nothing to close
            }
        }
        rowChanges.close();
        if (emf != null && emf.isOpen()) {
            emf.close();
        }
        if (owned != null) {
            owned.close();
        }
    }

    /** H2's "Database may be already in use" (error 90020), anywhere in the causes. */
    private static boolean inUse(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof SQLException sql && sql.getErrorCode() == H2_DATABASE_ALREADY_OPEN) {
                return true;
            }
        }
        return false;
    }

    static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        String message = t.getMessage();
        return message == null ? t.getClass().getSimpleName() : message.lines().findFirst().orElse(message);
    }
}
