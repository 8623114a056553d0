package dev.portalkit.runtime.core;

import dev.portalkit.api.config.ConfigDeclaration;
import dev.portalkit.api.config.ConfigOption;
import dev.portalkit.api.config.ConfigType;

/**
 * The core's config options (keys as constants, declared with type, default and help). The
 * {@code portal.http.*} options belong to the web layer's built-in plugin in portal-integration.
 */
public final class CoreConfig {
    public static final String PLUGINS = "portal.plugins";
    public static final String DATA_DIR = "portal.data_dir";
    public static final String PLUGINS_DIR = "portal.plugins_dir";
    public static final String SITE_TITLE = "portal.site_title";
    public static final String SITE_URL = "portal.site_url";
    public static final String DB_URL = "portal.db.url";
    public static final String DB_USER = "portal.db.user";
    public static final String DB_PASSWORD = "portal.db.password";
    public static final String DB_JNDI = "portal.db.jndi";
    public static final String DB_POOL_SIZE = "portal.db.pool_size";
    public static final String DB_CONNECT_TIMEOUT = "portal.db.connect_timeout";
    public static final String DB_AUTO_UPGRADE = "portal.db.auto_upgrade";
    public static final String TASKS_MAX_ATTEMPTS = "portal.tasks.max_attempts";
    public static final String TASKS_RETRY_DELAY = "portal.tasks.retry_delay";
    public static final String TASKS_LEASE = "portal.tasks.lease";
    public static final String TASKS_RUN_AFTER_COMMIT = "portal.tasks.run_after_commit";
    public static final String TASKS_POLL_INTERVAL = "portal.tasks.poll_interval";

    private CoreConfig() {
    }

    static void declare(ConfigDeclaration d) {
        d.namespace("portal.db.");
        d.namespace("portal.tasks.");
        d.option(ConfigOption.of(PLUGINS, "Enabled plugins, in order (space or comma separated), like ckan.plugins. "
                + "The first listed is the outermost when several plugins chain the same action.").type(ConfigType.LIST).defaultValue(""));
        d.option(ConfigOption.of(DATA_DIR, "Directory for the H2 database, local files and extra plugin jars. "
                + "Set by --data-dir.").type(ConfigType.PATH).defaultValue("./portal-data"));
        d.option(ConfigOption.of(PLUGINS_DIR, "Directory of drop-in plugin jars; default: <data_dir>/plugins. Set by --plugins-dir.")
                .type(ConfigType.PATH));
        d.option(ConfigOption.of(SITE_TITLE, "Title of the portal.").defaultValue("Portalkit"));
        d.option(ConfigOption.of(SITE_URL, "Public base URL of the portal, used in links.").defaultValue("http://localhost:5000"));
        d.option(ConfigOption.of(DB_URL, "JDBC URL of the portal database (jdbc:h2: or jdbc:postgresql:). "
                + "Default: an H2 file database under the data directory."));
        d.option(ConfigOption.of(DB_USER, "Database user."));
        d.option(ConfigOption.of(DB_PASSWORD, "Database password.").asSecret());
        d.option(ConfigOption.of(DB_JNDI, "JNDI name of a DataSource to use instead of portal.db.url (in an app server), "
                + "e.g. java:jboss/datasources/PortalDS."));
        d.option(ConfigOption.of(DB_POOL_SIZE, "Maximum number of pooled database connections.").type(ConfigType.INT).defaultValue("10"));
        d.option(ConfigOption.of(DB_CONNECT_TIMEOUT, "Seconds a request waits for a database connection; when none comes (the database is "
                + "down or every connection busy) it is answered 503, the database is unavailable.").type(ConfigType.INT).defaultValue("5"));
        d.option(ConfigOption.of(DB_AUTO_UPGRADE, "Apply pending database migrations (core and plugins) at start.")
                .type(ConfigType.BOOLEAN).defaultValue("true"));
        d.option(ConfigOption.of(TASKS_MAX_ATTEMPTS, "Attempts of a failing post-commit task before it is marked failed.")
                .type(ConfigType.INT).defaultValue("3"));
        d.option(ConfigOption.of(TASKS_RETRY_DELAY, "Seconds before the first retry of a failed task; doubles with each attempt.")
                .type(ConfigType.INT).defaultValue("30"));
        d.option(ConfigOption.of(TASKS_LEASE, "Seconds a process holds a task it runs before another may take it over.")
                .type(ConfigType.INT).defaultValue("300"));
        d.option(ConfigOption.of(TASKS_RUN_AFTER_COMMIT, "Run an action's post-commit tasks right after its commit, "
                + "before the response. When false, tasks run only from the server's poller, at start or with `portalkit tasks run`.")
                .type(ConfigType.BOOLEAN).defaultValue("true"));
        d.option(ConfigOption.of(TASKS_POLL_INTERVAL, "Seconds between looks for due tasks in the running server.")
                .type(ConfigType.INT).defaultValue("10"));
    }
}
