package dev.portalkit.runtime.testing;

import dev.portalkit.api.action.UserRef;
import dev.portalkit.runtime.BootOptions;
import dev.portalkit.runtime.Portal;
import dev.portalkit.runtime.PortalContainer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * A real portal for tests: Weld SE, real config validation, a real database (H2 file or a fresh
 * PostgreSQL database), started with the given options.
 *
 * <pre>{@code
 * try (TestPortal portal = TestPortal.builder().db(TestDb.POSTGRES).plugins("example").start()) {
 *     portal.call("status_show", TestPortal.SYSADMIN, Map.of());
 * }
 * }</pre>
 */
public final class TestPortal implements AutoCloseable {
    public static final Optional<UserRef> ANONYMOUS = Optional.empty();
    public static final Optional<UserRef> SYSADMIN = Optional.of(new UserRef("sysadmin-id", "sysadmin", true));
    public static final Optional<UserRef> ALICE = Optional.of(new UserRef("alice-id", "alice", false));

    private final PortalContainer container;
    private final Builder builder;

    private TestPortal(PortalContainer container, Builder builder) {
        this.container = container;
        this.builder = builder;
    }

    public static Builder builder() {
        return new Builder();
    }

    public Portal portal() {
        return container.portal();
    }

    public PortalContainer container() {
        return container;
    }

    public Object call(String action, Optional<UserRef> user, Map<String, Object> data) {
        return container.portal().call(action, user, data);
    }

    /** {@code action} called by a sysadmin with {@code keysAndValues} (key, value, key, value...) as its data; its dict result. */
    @SuppressWarnings("unchecked")
    public Map<String, Object> callAsSysadmin(String action, Object... keysAndValues) {
        Map<String, Object> data = new java.util.LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            data.put((String) keysAndValues[i], keysAndValues[i + 1]);
        }
        return (Map<String, Object>) call(action, SYSADMIN, data);
    }

    /** A new portal over the same data directory and database (a restart). Close this one first. */
    public TestPortal restart() {
        return builder.start();
    }

    public Path dataDir() {
        return builder.dataDir;
    }

    @Override
    public void close() {
        container.close();
    }

    /** Options of a test portal. */
    public static final class Builder {
        private TestDb db = TestDb.H2;
        private final Map<String, String> options = new LinkedHashMap<>();
        private Path dataDir;
        private Path pluginsDir;
        private Path configFile;
        private Clock clock;
        private boolean runPendingTasks = true;
        private BootOptions.Database database = BootOptions.Database.AUTO;
        private String postgresUrl;

        public Builder db(TestDb value) {
            this.db = value;
            return this;
        }

        public Builder plugins(String names) {
            return option("portal.plugins", names);
        }

        public Builder option(String key, String value) {
            options.put(key, value);
            return this;
        }

        public Builder dataDir(Path dir) {
            this.dataDir = dir;
            return this;
        }

        public Builder pluginsDir(Path dir) {
            this.pluginsDir = dir;
            return this;
        }

        public Builder configFile(Path file) {
            this.configFile = file;
            return this;
        }

        public Builder clock(Clock value) {
            this.clock = value;
            return this;
        }

        public Builder runPendingTasks(boolean run) {
            this.runPendingTasks = run;
            return this;
        }

        public Builder database(BootOptions.Database mode) {
            this.database = mode;
            return this;
        }

        /** Boot options as {@link #start()} would use them (creating the data directory and database once). */
        public BootOptions bootOptions() {
            try {
                if (dataDir == null) {
                    dataDir = Files.createTempDirectory("portal-test-");
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            Map<String, String> all = new LinkedHashMap<>(options);
            if (db == TestDb.POSTGRES && !all.containsKey("portal.db.url")) {
                if (postgresUrl == null) {
                    postgresUrl = PostgresServer.newDatabase();
                }
                all.put("portal.db.url", postgresUrl);
                all.put("portal.db.user", "postgres");
                all.put("portal.db.password", "postgres");
            }
            all.putIfAbsent("portal.db.pool_size", "4");
            return BootOptions.defaults().withDataDir(dataDir).withPluginsDir(pluginsDir).withConfigFile(configFile)
                    .withOverrides(all).withClock(clock).withRunPendingTasks(runPendingTasks).withDatabase(database);
        }

        public TestPortal start() {
            return new TestPortal(PortalContainer.start(bootOptions()), this);
        }
    }
}
