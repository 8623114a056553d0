package dev.portalkit.integration;

import dev.portalkit.integration.standalone.ServeCommand;
import dev.portalkit.runtime.cli.PortalCli;

/** Entry point of {@code portalkit.jar}: the runtime's command line plus the web commands. */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) {
        System.exit(PortalCli.commandLineFor(args, new ServeCommand()).execute(args));
    }
}
