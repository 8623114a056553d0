package dev.portalkit.runtime.cli;

import dev.portalkit.api.PortalException;
import dev.portalkit.runtime.Portal;
import dev.portalkit.runtime.PortalContainer;
import dev.portalkit.runtime.PrivateFiles;
import dev.portalkit.runtime.RunningServer;
import dev.portalkit.runtime.db.Database;
import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.UserPrincipal;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Semaphore;
import java.util.logging.Level;
import java.util.logging.Logger;
import jdk.net.ExtendedSocketOptions;
import jdk.net.UnixDomainPrincipal;
import picocli.CommandLine;

/**
 * The server side of the command socket: while a portal on an embedded H2 database serves (H2
 * lets one process open the file, and the portal opens no database listener), {@code portalkit}
 * invocations on the same data directory send their command here and it runs in this process,
 * against the running portal (commands get it from {@link PortalContainer#start}), with the
 * client's working directory for relative paths, its stdin, and its stdout / stderr streamed back.
 *
 * <p>Only the portal's OS user reaches the socket ({@code <data-dir>/run/cli.sock}, {@code 0600}
 * in a {@code 0700} folder), and a connecting process whose user is neither that one nor root is
 * refused (its credentials as the kernel reports them). Options that would configure the portal
 * differently for one command ({@code -o} with another value, another {@code --config} or
 * {@code --plugins-dir}) are refused with one {@code error:} line. At most {@value #MAX_RUNNING}
 * commands run at once; more are refused at once.
 */
public final class CommandServer implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(CommandServer.class.getName());
    static final int MAX_RUNNING = 4;

    private final Portal portal;
    private final Path socket;
    private final ServerSocketChannel channel;
    private final String description;
    private final UserPrincipal owner;
    private final Semaphore running = new Semaphore(MAX_RUNNING);
    private final Thread acceptor;
    private final ClassLoader loader = Thread.currentThread().getContextClassLoader();
    private volatile boolean closed;

    private CommandServer(Portal portal, Path socket, ServerSocketChannel channel, UserPrincipal owner) {
        this.portal = portal;
        this.socket = socket;
        this.channel = channel;
        this.owner = owner;
        this.description = "process " + ProcessHandle.current().pid() + ", data directory " + portal.dataDirectory();
        this.acceptor = new Thread(this::accept, "portalkit-command-socket");
        acceptor.setDaemon(true);
    }

    /**
     * Opens {@code <data-dir>/run/cli.sock} when {@code portal}'s database is an embedded H2 file
     * database (a PostgreSQL portal's commands connect to the database themselves). A socket file
     * left by a server that died is replaced; one another server answers on is an error.
     *
     * @return the open server, or empty when the database is not embedded H2 or no socket can be
     *         made here (logged: the command line then cannot work while this server runs)
     */
    public static Optional<CommandServer> openIfEmbeddedH2(Portal portal) {
        if (!Database.isEmbeddedH2(portal.database().url())) {
            return Optional.empty();
        }
        Path runDir = RunningServer.runDirectory(portal.dataDirectory());
        Path socket = RunningServer.socket(portal.dataDirectory());
        try {
            PrivateFiles.createDirectories(runDir);
            PrivateFiles.tighten(runDir);
            if (Files.exists(socket)) {
                if (RunningServer.answers(socket)) {
                    throw PortalException.config("another portal server answers on " + socket + ": it uses this data directory");
                }
                Files.delete(socket); // left by a server that was killed
            }
            ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
            try {
                server.bind(UnixDomainSocketAddress.of(socket));
                PrivateFiles.makePrivateFile(socket);
            } catch (IOException | RuntimeException e) {
                server.close();
                throw e;
            }
            CommandServer commands = new CommandServer(portal, socket, server, Files.getOwner(runDir));
            commands.acceptor.start();
            return Optional.of(commands);
        } catch (IOException | IllegalArgumentException | UnsupportedOperationException e) {
            LOG.warning("cannot open the command socket " + socket + " (" + e.getMessage() + "): while this server runs, `portalkit` "
                    + "commands on its data directory cannot open its H2 database (use a shorter data directory path, or PostgreSQL)");
            return Optional.empty();
        }
    }

    /** The socket's path. */
    public Path socket() {
        return socket;
    }

    /** Stops accepting commands and removes the socket file (commands already running finish). */
    @Override
    public void close() {
        closed = true;
        try {
            channel.close();
        } catch (IOException e) {
            LOG.log(Level.FINE, "closing the command socket", e);
        }
        try {
            Files.deleteIfExists(socket);
        } catch (IOException e) {
            LOG.warning("cannot remove the command socket " + socket + ": " + e.getMessage());
        }
    }

    private void accept() {
        while (!closed) {
            SocketChannel client;
            try {
                client = channel.accept();
            } catch (ClosedChannelException e) {
                return;
            } catch (IOException e) {
                if (!closed) {
                    LOG.warning("the command socket failed: " + e.getMessage());
                }
                return;
            }
            Thread worker = new Thread(() -> serve(client), "portalkit-command");
            worker.setDaemon(true);
            worker.setContextClassLoader(loader);
            worker.start();
        }
    }

    private void serve(SocketChannel client) {
        try (client) {
            CommandFrames frames = new CommandFrames(client);
            CommandFrames.Frame first = frames.receive();
            if (first == null) {
                return; // a probe: whether a server answers here
            }
            PrintWriter err = writer(frames.output(CommandFrames.ERR));
            if (!allowed(client)) {
                err.println("error: the portal server runs commands for its own OS user only");
                err.flush();
                frames.sendInt(CommandFrames.EXIT, 1);
                return;
            }
            if (first.type() != CommandFrames.REQUEST) {
                throw new IOException("a command connection began with frame '" + (char) first.type() + "'");
            }
            CommandFrames.Request request = CommandFrames.Request.decode(first.payload());
            if (!running.tryAcquire()) {
                err.println("error: the portal server runs " + MAX_RUNNING + " commands already; try again when one has finished");
                err.flush();
                frames.sendInt(CommandFrames.EXIT, 1);
                return;
            }
            int exit;
            try {
                exit = run(request, frames, err);
            } finally {
                running.release();
            }
            frames.sendInt(CommandFrames.EXIT, exit);
        } catch (IOException e) {
            LOG.log(Level.FINE, "a command connection ended early", e);
        }
    }

    private boolean allowed(SocketChannel client) throws IOException {
        UnixDomainPrincipal peer = client.getOption(ExtendedSocketOptions.SO_PEERCRED);
        return peer.user().equals(owner) || peer.user().getName().equals("root");
    }

    private static PrintWriter writer(OutputStream out) {
        return new PrintWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8), false);
    }

    private int run(CommandFrames.Request request, CommandFrames frames, PrintWriter err) {
        OutputStream stdout = frames.output(CommandFrames.OUT);
        PrintWriter out = writer(stdout);
        Path cwd = Path.of(request.workingDir());
        CommandLine cli = PortalCli.withSubcommands();
        // Relative paths in the arguments are paths in the client's working directory.
        cli.registerConverter(Path.class, value -> cwd.resolve(value).normalize());
        cli.registerConverter(File.class, value -> cwd.resolve(value).normalize().toFile());
        cli.setOut(out);
        cli.setErr(err);
        cli.setExecutionStrategy(parseResult -> {
            CommandLine.ParseResult leaf = parseResult;
            while (leaf.hasSubcommand()) {
                leaf = leaf.subcommand();
            }
            try {
                refuseOtherConfiguration(leaf, request, cwd);
            } catch (PortalException e) {
                return PortalCli.report(e, err, false);
            }
            return new CommandLine.RunLast().execute(parseResult);
        });
        cli.setExecutionExceptionHandler((ex, commandLine, parseResult) -> PortalCli.report(ex, commandLine.getErr(),
                PortalCli.verbose(parseResult)));
        CommandStreams streams = new CommandStreams(frames.input(), stdout, request.terminal());
        try {
            return streams.run(() -> PortalContainer.withRunningPortal(portal,
                    () -> cli.execute(request.arguments().toArray(new String[0]))));
        } catch (Exception e) {
            return PortalCli.report(e, err, false);
        } finally {
            out.flush();
            err.flush();
        }
    }

    /**
     * The command runs with the server's configuration: options that would change it for this one
     * command are refused, naming them. An {@code -o} that sets what the server has anyway, and the
     * server's own {@code --config} / {@code --plugins-dir}, are fine.
     */
    private void refuseOtherConfiguration(CommandLine.ParseResult leaf, CommandFrames.Request request, Path cwd) {
        List<String> refused = new ArrayList<>();
        List<String> options = leaf.hasMatchedOption("--option") ? leaf.matchedOptionValue("--option", List.of()) : List.of();
        for (String option : options) {
            int eq = option.indexOf('=');
            if (eq <= 0) {
                continue; // the command itself says what is wrong with it
            }
            String key = option.substring(0, eq).trim();
            String value = option.substring(eq + 1).trim();
            if (!value.equals(portal.config().get(key).map(String::trim).orElse(null))) {
                refused.add("-o " + option);
            }
        }
        Path serverConfig = portal.options().effectiveConfigFile();
        serverConfig = serverConfig == null ? null : serverConfig.toAbsolutePath().normalize();
        Path config = leaf.hasMatchedOption("--config") ? leaf.matchedOptionValue("--config", null) : null;
        if (config == null && !request.portalConfig().isBlank()) {
            config = cwd.resolve(request.portalConfig()).normalize();
            if (!config.equals(serverConfig)) {
                refused.add("PORTAL_CONFIG=" + config);
            }
        } else if (config != null && !config.equals(serverConfig)) {
            refused.add("--config " + config);
        }
        Path plugins = leaf.hasMatchedOption("--plugins-dir") ? leaf.matchedOptionValue("--plugins-dir", null) : null;
        if (plugins != null && !plugins.equals(Portal.pluginsDir(portal.config()))) {
            refused.add("--plugins-dir " + plugins);
        }
        if (!refused.isEmpty()) {
            throw PortalException.badRequest("the portal is running (" + description + ") and runs this command with its own "
                    + "configuration" + (serverConfig == null ? "" : " (" + serverConfig + ")") + ", which "
                    + String.join(", ", refused) + " would change: set that in the server's configuration and restart it, or stop "
                    + "the server to run the command on its own");
        }
    }
}
