package dev.portalkit.runtime.cli;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The protocol of the command socket ({@code <data-dir>/run/cli.sock}): frames of a type byte, a
 * length (4 bytes) and that many bytes, both ways over one connection per command.
 *
 * <ol>
 *   <li>client: {@link #REQUEST} ({@link Request}: the arguments, the working directory, ...);</li>
 *   <li>server: any number of {@link #OUT} / {@link #ERR} (the command's stdout and stderr bytes)
 *       and {@link #READ} (the command reads stdin: the client answers {@link #INPUT} with up to that
 *       many bytes, or {@link #INPUT_END});</li>
 *   <li>server: {@link #EXIT} with the exit code (4 bytes), then it closes the connection.</li>
 * </ol>
 *
 * Input is pulled, never pushed, so neither side closes with bytes the other sent still unread.
 */
final class CommandFrames {
    static final byte REQUEST = 'Q';
    static final byte OUT = 'O';
    static final byte ERR = 'E';
    static final byte READ = 'R';
    static final byte INPUT = 'I';
    static final byte INPUT_END = 'Z';
    static final byte EXIT = 'X';
    /** The protocol version in a request: a client and a server of other versions refuse each other clearly. */
    static final int VERSION = 1;
    /** The largest frame either side accepts. */
    static final int MAX_FRAME = 1 << 20;

    private final SocketChannel channel;
    private final Object writing = new Object();

    CommandFrames(SocketChannel channel) {
        this.channel = channel;
    }

    /** One frame. */
    record Frame(byte type, byte[] payload) {
        int intPayload() throws IOException {
            return new DataInputStream(new ByteArrayInputStream(payload)).readInt();
        }
    }

    void send(byte type, byte[] bytes, int offset, int length) throws IOException {
        synchronized (writing) {
            ByteBuffer header = ByteBuffer.allocate(5).put(type).putInt(length).flip();
            writeFully(header);
            writeFully(ByteBuffer.wrap(bytes, offset, length));
        }
    }

    void send(byte type, byte[] bytes) throws IOException {
        send(type, bytes, 0, bytes.length);
    }

    void sendInt(byte type, int value) throws IOException {
        send(type, ByteBuffer.allocate(4).putInt(value).array());
    }

    private void writeFully(ByteBuffer buffer) throws IOException {
        while (buffer.hasRemaining()) {
            channel.write(buffer);
        }
    }

    /** The next frame, or null when the other side closed the connection before one began. */
    Frame receive() throws IOException {
        ByteBuffer header = ByteBuffer.allocate(5);
        if (!readFully(header, true)) {
            return null;
        }
        header.flip();
        byte type = header.get();
        int length = header.getInt();
        if (length < 0 || length > MAX_FRAME) {
            throw new IOException("a frame of " + length + " bytes on the command socket (at most " + MAX_FRAME + ")");
        }
        ByteBuffer payload = ByteBuffer.allocate(length);
        readFully(payload, false);
        return new Frame(type, payload.array());
    }

    private boolean readFully(ByteBuffer buffer, boolean endAllowed) throws IOException {
        while (buffer.hasRemaining()) {
            if (channel.read(buffer) < 0) {
                if (endAllowed && buffer.position() == 0) {
                    return false;
                }
                throw new EOFException("the command socket closed in the middle of a frame");
            }
        }
        return true;
    }

    /** An output stream sending each write as one frame of {@code type} (split at {@link #MAX_FRAME}). */
    OutputStream output(byte type) {
        return new OutputStream() {
            @Override
            public void write(int b) throws IOException {
                send(type, new byte[] {(byte) b});
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                for (int done = 0; done < len; ) {
                    int n = Math.min(len - done, MAX_FRAME);
                    send(type, b, off + done, n);
                    done += n;
                }
            }
        };
    }

    /**
     * The client's standard input, pulled: each read asks for at most the buffer's size with a
     * {@link #READ} frame and returns what the {@link #INPUT} answer holds ({@code -1} after {@link #INPUT_END}).
     */
    InputStream input() {
        return new InputStream() {
            private boolean ended;

            @Override
            public int read() throws IOException {
                byte[] one = new byte[1];
                int n = read(one, 0, 1);
                return n < 0 ? -1 : one[0] & 0xff;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                if (ended) {
                    return -1;
                }
                if (len == 0) {
                    return 0;
                }
                sendInt(READ, Math.min(len, MAX_FRAME));
                Frame answer = receive();
                if (answer == null || answer.type() == INPUT_END) {
                    ended = true;
                    return -1;
                }
                if (answer.type() != INPUT || answer.payload().length > len) {
                    throw new IOException("unexpected frame '" + (char) answer.type() + "' on the command socket");
                }
                System.arraycopy(answer.payload(), 0, b, off, answer.payload().length);
                return answer.payload().length;
            }
        };
    }

    /**
     * What a client asks a server to run.
     *
     * @param arguments     the command line, as the user typed it
     * @param workingDir    the client's working directory (relative paths in the arguments mean paths there)
     * @param portalConfig  the client's {@code PORTAL_CONFIG}, or empty
     * @param terminal      whether the client's user sits at a terminal
     */
    record Request(List<String> arguments, String workingDir, String portalConfig, boolean terminal) {
        byte[] encode() throws IOException {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            DataOutputStream out = new DataOutputStream(bytes);
            out.writeInt(VERSION);
            writeString(out, workingDir);
            writeString(out, portalConfig);
            out.writeBoolean(terminal);
            out.writeInt(arguments.size());
            for (String argument : arguments) {
                writeString(out, argument);
            }
            out.flush();
            return bytes.toByteArray();
        }

        static Request decode(byte[] payload) throws IOException {
            DataInputStream in = new DataInputStream(new ByteArrayInputStream(payload));
            int version = in.readInt();
            if (version != VERSION) {
                throw new IOException("this server speaks version " + VERSION + " of the command protocol, the command version "
                        + version + ": use the portalkit.jar of the running server");
            }
            String workingDir = readString(in);
            String portalConfig = readString(in);
            boolean terminal = in.readBoolean();
            int count = in.readInt();
            if (count < 0 || count > 10_000) {
                throw new IOException("a command of " + count + " arguments");
            }
            List<String> arguments = new ArrayList<>(count);
            for (int i = 0; i < count; i++) {
                arguments.add(readString(in));
            }
            return new Request(arguments, workingDir, portalConfig, terminal);
        }

        private static void writeString(DataOutputStream out, String value) throws IOException {
            byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
            out.writeInt(bytes.length);
            out.write(bytes);
        }

        private static String readString(DataInputStream in) throws IOException {
            int length = in.readInt();
            if (length < 0 || length > MAX_FRAME) {
                throw new IOException("a string of " + length + " bytes in a command request");
            }
            return new String(in.readNBytes(length), StandardCharsets.UTF_8);
        }
    }
}
