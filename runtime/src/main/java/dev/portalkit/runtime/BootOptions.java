package dev.portalkit.runtime;

import dev.portalkit.runtime.core.CoreConfig;
import java.nio.file.Path;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * How to start the portal.
 *
 * @param dataDir         {@code --data-dir}, or {@code null} for {@code portal.data_dir} (default {@code ./portal-data})
 * @param configFile      {@code --config}, or {@code null} for {@code PORTAL_CONFIG}, or none
 * @param pluginsDir      {@code --plugins-dir}, or {@code null} for {@code portal.plugins_dir} (default {@code <data-dir>/plugins})
 * @param overrides       config values that win over every source
 * @param database        whether to connect to the database, and whether to migrate it
 * @param runPendingTasks whether to run the task outbox's due tasks at start
 * @param clock           the clock of the task queue (tests move it)
 */
public record BootOptions(Path dataDir, Path configFile, Path pluginsDir, Map<String, String> overrides,
                          Database database, boolean runPendingTasks, Clock clock) {
    /** What start does with the database. */
    public enum Database {
        /** No database (e.g. printing config declarations). */
        NONE,
        /** Connect, but leave migrations to an explicit {@code db upgrade}. */
        CONNECT,
        /** Connect and migrate when {@code portal.db.auto_upgrade} is true (the default for serving). */
        AUTO
    }

    public BootOptions {
        overrides = Map.copyOf(overrides);
        clock = clock == null ? Clock.systemUTC() : clock;
    }

    public static BootOptions defaults() {
        return new BootOptions(null, null, null, Map.of(), Database.AUTO, true, Clock.systemUTC());
    }

    public BootOptions withDataDir(Path dir) {
        return new BootOptions(dir, configFile, pluginsDir, overrides, database, runPendingTasks, clock);
    }

    public BootOptions withConfigFile(Path file) {
        return new BootOptions(dataDir, file, pluginsDir, overrides, database, runPendingTasks, clock);
    }

    public BootOptions withPluginsDir(Path dir) {
        return new BootOptions(dataDir, configFile, dir, overrides, database, runPendingTasks, clock);
    }

    public BootOptions withOverrides(Map<String, String> values) {
        return new BootOptions(dataDir, configFile, pluginsDir, values, database, runPendingTasks, clock);
    }

    public BootOptions withDatabase(Database mode) {
        return new BootOptions(dataDir, configFile, pluginsDir, overrides, mode, runPendingTasks, clock);
    }

    public BootOptions withRunPendingTasks(boolean run) {
        return new BootOptions(dataDir, configFile, pluginsDir, overrides, database, run, clock);
    }

    public BootOptions withClock(Clock value) {
        return new BootOptions(dataDir, configFile, pluginsDir, overrides, database, runPendingTasks, value);
    }

    /** The config file: {@code --config}, else the {@code PORTAL_CONFIG} environment variable, else none. */
    public Path effectiveConfigFile() {
        if (configFile != null) {
            return configFile;
        }
        String env = System.getenv("PORTAL_CONFIG");
        return env == null || env.isBlank() ? null : Path.of(env);
    }

    /** The overrides with the command-line directories folded in. */
    public Map<String, String> effectiveOverrides() {
        Map<String, String> out = new LinkedHashMap<>(overrides);
        if (dataDir != null) {
            out.put(CoreConfig.DATA_DIR, dataDir.toString());
        }
        if (pluginsDir != null) {
            out.put(CoreConfig.PLUGINS_DIR, pluginsDir.toString());
        }
        return out;
    }
}
