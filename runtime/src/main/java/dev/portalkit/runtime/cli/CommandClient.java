package dev.portalkit.runtime.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.util.List;

/**
 * The command-line side of the command socket: sends this invocation's arguments (with its
 * working directory) to the server running on the data directory and plays back what the
 * command prints there, byte for byte, then exits with its exit code. See {@link CommandFrames}.
 */
final class CommandClient {
    private CommandClient() {
    }

    /**
     * Runs {@code arguments} in the server listening on {@code socket}.
     *
     * @param err where this side's own failure is reported (the command's output goes to this process's stdout / stderr)
     * @return the command's exit code
     */
    static int forward(Path socket, List<String> arguments, PrintWriter err) {
        PrintStream stdout = System.out;
        PrintStream stderr = System.err;
        InputStream stdin = System.in;
        try (SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            channel.connect(UnixDomainSocketAddress.of(socket));
            CommandFrames frames = new CommandFrames(channel);
            String portalConfig = System.getenv("PORTAL_CONFIG");
            frames.send(CommandFrames.REQUEST, new CommandFrames.Request(arguments, Path.of("").toAbsolutePath().toString(),
                    portalConfig == null ? "" : portalConfig, System.console() != null).encode());
            for (CommandFrames.Frame frame; (frame = frames.receive()) != null; ) {
                switch (frame.type()) {
                    case CommandFrames.OUT -> stdout.write(frame.payload());
                    case CommandFrames.ERR -> {
                        stdout.flush();
                        stderr.write(frame.payload());
                        stderr.flush();
                    }
                    case CommandFrames.READ -> {
                        stdout.flush();
                        byte[] buffer = new byte[frame.intPayload()];
                        int n = stdin.read(buffer);
                        if (n < 0) {
                            frames.send(CommandFrames.INPUT_END, new byte[0]);
                        } else {
                            frames.send(CommandFrames.INPUT, buffer, 0, n);
                        }
                    }
                    case CommandFrames.EXIT -> {
                        stdout.flush();
                        return frame.intPayload();
                    }
                    default -> throw new IOException("unexpected frame '" + (char) frame.type() + "'");
                }
            }
            stdout.flush();
            err.println("error: the portal server on this data directory closed the connection before the command finished "
                    + "(it stopped?): what the command did is unknown; look at its output above, or run it again");
        } catch (IOException e) {
            stdout.flush();
            err.println("error: cannot run the command in the portal server running on this data directory (socket " + socket
                    + "): " + e.getMessage());
        }
        err.flush();
        return 1;
    }
}
