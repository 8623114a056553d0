package dev.portalkit.integration.standalone;

import dev.portalkit.api.PortalException;
import dev.portalkit.integration.web.WebPlugin;
import dev.portalkit.runtime.BootOptions;
import dev.portalkit.runtime.PortalContainer;
import dev.portalkit.runtime.RunningServer;
import dev.portalkit.runtime.cli.CommandServer;
import dev.portalkit.runtime.cli.CommonOptions;
import dev.portalkit.runtime.config.PortalConfigImpl;
import dev.portalkit.runtime.intake.UploadIntake;
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
 * and the container. On an embedded H2 database it holds the data directory's server lock (a second
 * {@code serve} on it fails at once) and runs the commands of other {@code portalkit} invocations on
 * the data directory through its command socket ({@link CommandServer}).
 */
@Command(name = "serve", mixinStandardHelpOptions = true, description = "Run the portal's HTTP server (the action API at /api/action/NAME) until stopped.")
public final class ServeCommand implements Callable<Integer> {
    @Mixin
    CommonOptions common;

    @Option(names = "--port", paramLabel = "N", description = "Port to listen on (default: portal.http.port, 5000; 0 picks a free port).")
    Integer port;

    @Option(names = "--host", paramLabel = "ADDRESS", description = "Address to listen on (default: portal.http.host, 127.0.0.1).")
    String host;

    /**
     * The build's class-data sharing training run (portal-integration/pom.xml, docs/bench-scale.md): start,
     * answer one request of its own, stop. Hidden: not for operators.
     */
    @Option(names = "--stop-after-start", hidden = true)
    boolean stopAfterStart;

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
        boot = boot.withOverrides(overrides);
        // One server per data directory on embedded H2: a second one fails here, naming the first.
        RunningServer.Lock lock = RunningServer.lockIfEmbeddedH2(PortalConfigImpl.load(boot.effectiveConfigFile(),
                boot.effectiveOverrides()));
        PortalContainer container;
        try {
            container = PortalContainer.start(boot);
        } catch (RunningServer.Found found) {
            lock.close();
            throw PortalException.config("a portal server (deployed in an application server?) answers on " + found.socket()
                    + ": it uses this data directory's database already");
        } catch (RuntimeException e) {
            lock.close();
            throw e;
        }
        PortalServer server;
        CommandServer commands;
        try {
            server = PortalServer.start(container);
            commands = CommandServer.openIfEmbeddedH2(container.portal()).orElse(null);
        } catch (RuntimeException e) {
            container.close();
            lock.close();
            throw e;
        }
        PrintWriter out = spec.commandLine().getOut();
        Runnable stop = () -> {
            try {
                if (commands != null) {
                    commands.close();
                }
                server.close();
            } finally {
                container.close();
                lock.close();
            }
        };
        if (stopAfterStart) {
            try {
                return selfRequest(server.uri().resolve("/api/3/action/status_show"));
            } finally {
                stop.run();
            }
        }
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                stop.run();
            } finally {
                out.println("Portalkit stopped");
                out.flush();
            }
        }, "portalkit-shutdown"));
        out.println("Portalkit is running at " + server.uri());
        out.flush();
        // An idle server returns its start-up heap (docs/bench-scale.md, "Start-up: what was done").
        IdleHeap.apply();
        // What the first upload would load on its request thread, loaded now beside the idle server.
        UploadIntake.prepareInBackground();
        server.join();
        return 0;
    }

    /** One GET to the running server (the training run's request path); 0 on a 200. */
    private static int selfRequest(java.net.URI uri) {
        try {
            java.net.HttpURLConnection c = (java.net.HttpURLConnection) uri.toURL().openConnection();
            int status = c.getResponseCode();
            c.getInputStream().readAllBytes();
            c.disconnect();
            return status == 200 ? 0 : 1;
        } catch (java.io.IOException e) {
            return 1;
        }
    }
}
