package dev.portalkit.integration.standalone;

import dev.portalkit.integration.web.WebPlugin;
import dev.portalkit.runtime.BootOptions;
import dev.portalkit.runtime.PortalContainer;
import dev.portalkit.runtime.cli.CommonOptions;
import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code portalkit serve [--port N] [--host H]}: boots the portal (an empty data directory is
 * initialised on the spot), serves the action API until SIGTERM / Ctrl-C, then stops the server
 * and the container.
 */
@Command(name = "serve", mixinStandardHelpOptions = true, description = "Run the portal's HTTP server (the action API at /api/action/NAME) until stopped.")
public final class ServeCommand implements Callable<Integer> {
    @Mixin
    CommonOptions common;

    @Option(names = "--port", paramLabel = "N", description = "Port to listen on (default: portal.http.port, 5000; 0 picks a free port).")
    Integer port;

    @Option(names = "--host", paramLabel = "ADDRESS", description = "Address to listen on (default: portal.http.host, 127.0.0.1).")
    String host;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws InterruptedException {
        BootOptions boot = common.boot();
        Map<String, String> overrides = new LinkedHashMap<>(boot.overrides());
        if (port != null) {
            overrides.put(WebPlugin.HTTP_PORT, port.toString());
        }
        if (host != null) {
            overrides.put(WebPlugin.HTTP_HOST, host);
        }
        PortalContainer container = PortalContainer.start(boot.withOverrides(overrides));
        PortalServer server;
        try {
            server = PortalServer.start(container);
        } catch (RuntimeException e) {
            container.close();
            throw e;
        }
        PrintWriter out = spec.commandLine().getOut();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                server.close();
            } finally {
                container.close();
                out.println("Portalkit stopped");
                out.flush();
            }
        }, "portalkit-shutdown"));
        out.println("Portalkit is running at " + server.uri());
        out.flush();
        server.join();
        return 0;
    }
}
