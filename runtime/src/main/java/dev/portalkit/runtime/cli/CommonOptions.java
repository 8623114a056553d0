package dev.portalkit.runtime.cli;

import dev.portalkit.api.PortalException;
import dev.portalkit.runtime.BootOptions;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Option;

/** Options every command takes. */
public final class CommonOptions {
    @Option(names = "--config", paramLabel = "FILE", description = "Properties file with the portal's configuration (default: $PORTAL_CONFIG).")
    Path config;

    @Option(names = "--data-dir", paramLabel = "DIR", description = "Data directory: H2 database, local files, plugin jars (default: ./portal-data).")
    Path dataDir;

    @Option(names = "--plugins-dir", paramLabel = "DIR", description = "Directory of drop-in plugin jars (default: <data-dir>/plugins).")
    Path pluginsDir;

    @Option(names = {"-o", "--option"}, paramLabel = "KEY=VALUE", description = "Set a config option, winning over every other source.")
    List<String> options = List.of();

    /** Boot options from the command line. */
    public BootOptions boot() {
        Map<String, String> overrides = new LinkedHashMap<>();
        for (String option : options) {
            int eq = option.indexOf('=');
            if (eq <= 0) {
                throw PortalException.badRequest("--option expects KEY=VALUE, got '" + option + "'");
            }
            overrides.put(option.substring(0, eq).trim(), option.substring(eq + 1).trim());
        }
        return BootOptions.defaults().withConfigFile(config).withDataDir(dataDir).withPluginsDir(pluginsDir)
                .withOverrides(overrides);
    }
}
