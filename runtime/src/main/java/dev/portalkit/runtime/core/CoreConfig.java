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
    public static final String DB_CACHE_TTL = "portal.db.cache_ttl";
    public static final String DB_CACHE_ENTRIES = "portal.db.cache_entries";
    public static final String TASKS_MAX_ATTEMPTS = "portal.tasks.max_attempts";
    public static final String TASKS_RETRY_DELAY = "portal.tasks.retry_delay";
    public static final String TASKS_LEASE = "portal.tasks.lease";
    public static final String TASKS_RUN_AFTER_COMMIT = "portal.tasks.run_after_commit";
    public static final String TASKS_POLL_INTERVAL = "portal.tasks.poll_interval";
    public static final String JOBS_WORKER = "portal.jobs.worker";
    public static final String JOBS_WORKER_QUEUES = "portal.jobs.worker.queues";
    public static final String JOBS_MAX_ATTEMPTS = "portal.jobs.max_attempts";
    public static final String JOBS_RETRY_DELAY = "portal.jobs.retry_delay";
    public static final String JOBS_LEASE = "portal.jobs.lease";
    public static final String JOBS_POLL_INTERVAL = "portal.jobs.poll_interval";
    public static final String JOBS_STOP_GRACE = "portal.jobs.stop_grace";
    public static final String JOBS_KEEP_DAYS = "portal.jobs.keep_days";

    private CoreConfig() {
    }

    static void declare(ConfigDeclaration d) {
        d.namespace("portal.db.");
        d.namespace("portal.tasks.");
        d.namespace("portal.jobs.");
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
        d.option(ConfigOption.of(DB_CACHE_TTL, "Seconds a node keeps what it read of an API token's user or of a file's record for "
                + "downloads, at most. A change committed on this node is seen at once; on PostgreSQL, other nodes forget it when its "
                + "notification arrives (milliseconds), and keep nothing while they cannot listen. 0 turns the caches off.")
                .type(ConfigType.INT).defaultValue("60"));
        d.option(ConfigOption.of(DB_CACHE_ENTRIES, "Entries each of those caches holds at most (then it starts again empty).")
                .type(ConfigType.INT).defaultValue("10000"));
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
        declareJobs(d);
    }

    private static void declareJobs(ConfigDeclaration d) {
        d.option(ConfigOption.of(JOBS_WORKER, "Run a background job worker inside the server (`serve` and the WAR), taking jobs "
                + "of portal.jobs.worker.queues. Turn it off when separate `portalkit jobs worker` processes run the jobs.")
                .type(ConfigType.BOOLEAN).defaultValue("true"));
        d.option(ConfigOption.of(JOBS_WORKER_QUEUES, "Queues the server's job worker takes jobs from.")
                .type(ConfigType.LIST).defaultValue("default"));
        String queues = d.valuesUnder(JOBS_WORKER_QUEUES).get(JOBS_WORKER_QUEUES);
        if (queues != null) {
            for (String queue : queues.trim().split("[\\s,]+")) {
                if (!queue.isEmpty() && !queue.matches("[a-z0-9_-]{1,100}")) {
                    d.reject(JOBS_WORKER_QUEUES, "'" + queue + "' is not a queue name (1 to 100 lower-case letters, digits, '-' or '_')");
                }
            }
        }
        intAtLeast(d, JOBS_MAX_ATTEMPTS, 1, "3", "Attempts of a failing background job before it is dead-lettered (status failed). At least 1.");
        intAtLeast(d, JOBS_RETRY_DELAY, 0, "30", "Seconds before the first retry of a failed job; doubles with each attempt. At least 0.");
        intAtLeast(d, JOBS_LEASE, 3, "300", "Seconds a worker holds a job (renewed every third of it while the job runs); a job of a worker "
                + "that died is taken over by another worker when its lease ran out. At least 3.");
        intAtLeast(d, JOBS_POLL_INTERVAL, 1, "5", "Seconds an idle job worker waits before it looks for jobs again. From 1 to 3600.");
        String poll = d.valuesUnder(JOBS_POLL_INTERVAL).get(JOBS_POLL_INTERVAL);
        if (poll != null && poll.trim().matches("\\d{1,18}") && Long.parseLong(poll.trim()) > 3600) {
            d.reject(JOBS_POLL_INTERVAL, "must be at most 3600 (seconds)");
        }
        intAtLeast(d, JOBS_STOP_GRACE, 0, "30", "Seconds a stopping worker lets its running job finish before it interrupts it. At least 0.");
        intAtLeast(d, JOBS_KEEP_DAYS, 1, "7", "Days finished and cancelled jobs are kept (for job_show) before workers delete them; "
                + "dead-lettered (failed) jobs stay until an operator retries or clears them. At least 1.");
    }

    private static void intAtLeast(ConfigDeclaration d, String key, int min, String defaultValue, String help) {
        d.option(ConfigOption.of(key, help).type(ConfigType.INT).defaultValue(defaultValue));
        d.requireAtLeast(key, min, "must be at least " + min);
    }
}
