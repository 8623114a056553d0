package dev.portalkit.runtime.cli;

import dev.portalkit.api.PortalException;
import dev.portalkit.runtime.RunningServer;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The {@code portalkit} command line. Bad input exits non-zero with one line on stderr
 * ({@code error: ...}); {@code --verbose} adds logs and stack traces.
 */
@Command(name = "portalkit", mixinStandardHelpOptions = true, version = "portalkit 0.1.0",
        description = "Portalkit: a plugin framework for data portals, with files as first-class citizens.")
public final class PortalCli implements Runnable {
    /** The commands, in the order usage lists them (before the extra ones). */
    private static final List<Class<?>> COMMANDS = List.of(PluginsCommand.class, ConfigCommand.class, DbCommand.class, TasksCommand.class,
            JobsCommand.class, UserCommand.class, TokenCommand.class, FilesCommand.class, DemoCommand.class, GenerateCommand.class,
            SearchIndexCommand.class);

    @Option(names = {"-v", "--verbose"}, description = "Log what the host does; show stack traces of failures.", scope = CommandLine.ScopeType.INHERIT)
    boolean verbose;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /**
     * Builds the command line with extra subcommands (e.g. {@code serve} from the web module). A
     * command that finds a server running on its embedded H2 database ({@link RunningServer.Found})
     * is sent to that server, which runs it and streams back its output and exit code.
     */
    public static CommandLine commandLine(Object... extraSubcommands) {
        return handled(withSubcommands(extraSubcommands));
    }

    /**
     * {@link #commandLine} for running {@code args}: when they name a command (after {@code -v} at
     * most), only that one is built, since picocli builds the model of every command it is given by
     * reflection (about half of the start of a command that needs no database); otherwise (usage,
     * an unknown command) every one, so what is printed is the same.
     */
    public static CommandLine commandLineFor(String[] args, Object... extraSubcommands) {
        String named = null;
        for (String arg : args) {
            if (!arg.equals("-v") && !arg.equals("--verbose")) {
                named = arg;
                break;
            }
        }
        if (named != null && !named.startsWith("-") && !named.startsWith("@")) {
            // The extra commands first (instances), then the built-in ones (classes).
            List<Object> candidates = new ArrayList<>(List.of(extraSubcommands));
            candidates.addAll(COMMANDS);
            for (Object sub : candidates) {
                if (names(sub instanceof Class<?> type ? type : sub.getClass()).contains(named)) {
                    return handled(withCommands(List.of(sub)));
                }
            }
        }
        return commandLine(extraSubcommands);
    }

    private static List<String> names(Class<?> command) {
        Command annotation = command.getAnnotation(Command.class);
        List<String> names = new ArrayList<>(List.of(annotation.aliases()));
        names.add(annotation.name());
        return names;
    }

    private static CommandLine handled(CommandLine cli) {
        cli.setExecutionStrategy(parseResult -> {
            configureLogging(verbose(parseResult));
            return new CommandLine.RunLast().execute(parseResult);
        });
        cli.setExecutionExceptionHandler((ex, commandLine, parseResult) -> {
            if (ex instanceof RunningServer.Found found) {
                return CommandClient.forward(found.socket(), parseResult.originalArgs(), commandLine.getErr());
            }
            return report(ex, commandLine.getErr(), System.getenv("PORTAL_DEBUG") != null || Logger.getLogger("").getLevel() == Level.INFO);
        });
        return cli;
    }

    /** The command line's commands, without an execution strategy or exception handler. */
    static CommandLine withSubcommands(Object... extraSubcommands) {
        List<Object> all = new ArrayList<>(COMMANDS);
        all.addAll(List.of(extraSubcommands));
        return withCommands(all);
    }

    /** {@code portalkit} with {@code subcommands}: classes or instances of {@code @Command}s. */
    private static CommandLine withCommands(List<?> subcommands) {
        CommandLine cli = new CommandLine(new PortalCli());
        for (Object sub : subcommands) {
            cli.addSubcommand(sub);
        }
        return cli;
    }

    /** Whether {@code -v} was given, to the command or to {@code portalkit}. */
    static boolean verbose(CommandLine.ParseResult parseResult) {
        return parseResult.matchedOptionValue("--verbose", false)
                || parseResult.subcommands().stream().anyMatch(r -> r.matchedOptionValue("--verbose", false));
    }

    /** A failed command: one {@code error: ...} line (with {@code verbose}, the stack trace); the exit code. */
    static int report(Exception ex, PrintWriter err, boolean verbose) {
        if (ex instanceof PortalException pe) {
            err.println("error: " + pe.getMessage());
            if (verbose) {
                pe.printStackTrace(err);
            }
            err.flush();
            return pe.kind() == dev.portalkit.api.ErrorKind.CONFIG_INVALID ? 3 : 1;
        }
        err.println("error: " + ex.getClass().getSimpleName() + (ex.getMessage() == null ? "" : ": " + ex.getMessage().lines().findFirst().orElse("")));
        if (verbose) {
            ex.printStackTrace(err);
        }
        err.flush();
        return 1;
    }

    /** Quiet by default: libraries log warnings only, unless {@code --verbose}. */
    public static void configureLogging(boolean verbose) {
        Logger root = Logger.getLogger("");
        root.setLevel(verbose ? Level.INFO : Level.WARNING);
        for (var handler : root.getHandlers()) {
            handler.setLevel(verbose ? Level.INFO : Level.WARNING);
        }
        // Hibernate and Weld announce themselves at INFO; the CLI's output is its own.
        Logger.getLogger("org.hibernate").setLevel(verbose ? Level.INFO : Level.WARNING);
        Logger.getLogger("org.jboss.weld").setLevel(verbose ? Level.INFO : Level.WARNING);
    }

    public static void main(String[] args) {
        System.exit(commandLineFor(args).execute(args));
    }
}
