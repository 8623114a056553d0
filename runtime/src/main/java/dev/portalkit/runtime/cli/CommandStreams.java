package dev.portalkit.runtime.cli;

import java.io.InputStream;
import java.io.OutputStream;
import java.util.concurrent.Callable;

/**
 * The standard input, the binary standard output and whether they are a terminal, of the command
 * running on this thread: the process's own, or a client's while a server runs its command
 * ({@link CommandServer}). Text goes through picocli's {@code getOut()} / {@code getErr()}; this is
 * for bytes ({@code files stream}), answers to questions ({@code files migrate}) and progress bars.
 *
 * @param in       standard input
 * @param out      standard output, for bytes
 * @param terminal whether the user sits at a terminal (progress bars are shown by default then)
 */
record CommandStreams(InputStream in, OutputStream out, boolean terminal) {
    private static final ThreadLocal<CommandStreams> CURRENT = new ThreadLocal<>();

    /** The running command's streams: a client's inside a server, else this process's. */
    static CommandStreams current() {
        CommandStreams streams = CURRENT.get();
        return streams != null ? streams : new CommandStreams(System.in, System.out, System.console() != null);
    }

    /** Runs {@code work} with these streams as the current ones. */
    <T> T run(Callable<T> work) throws Exception {
        CURRENT.set(this);
        try {
            return work.call();
        } finally {
            CURRENT.remove();
        }
    }
}
