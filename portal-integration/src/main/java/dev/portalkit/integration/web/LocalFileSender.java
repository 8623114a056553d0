package dev.portalkit.integration.web;

import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;

/**
 * Sends part of a local file as the body of a download whose status and headers are set. The
 * standalone server installs one that hands Jetty the file's bytes without copying them through
 * the Java heap; {@link #BUFFERED} is the portable fallback (the WAR).
 */
public interface LocalFileSender {
    /** Copies through a 256 KiB heap buffer to the servlet output stream: works in every servlet container. */
    LocalFileSender BUFFERED = new LocalFileSender() {
        @Override
        public void send(HttpServletResponse response, FileChannel channel, long offset, long length) throws IOException {
            ServletOutputStream out = response.getOutputStream();
            byte[] array = new byte[(int) Math.min(BUFFER, Math.max(length, 1))];
            ByteBuffer buffer = ByteBuffer.wrap(array);
            long position = offset;
            long end = offset + length;
            while (position < end) {
                buffer.clear().limit((int) Math.min(array.length, end - position));
                int n = read(channel, buffer, position, end);
                out.write(array, 0, n);
                position += n;
            }
        }

        @Override
        public String toString() {
            return "buffered copy (256 KiB heap buffer)";
        }
    };

    int BUFFER = 256 * 1024;

    void send(HttpServletResponse response, FileChannel channel, long offset, long length) throws IOException;

    /**
     * Reads into {@code buffer} at {@code position}; a failure or a file that ends early is a
     * {@link ReadFailure} (the file's fault, not the client's).
     */
    static int read(FileChannel channel, ByteBuffer buffer, long position, long end) throws ReadFailure {
        try {
            int n = channel.read(buffer, position);
            if (n < 0) {
                throw new ReadFailure("the file ended at byte " + position + " of " + end, null);
            }
            return n;
        } catch (ReadFailure e) {
            throw e;
        } catch (IOException e) {
            throw new ReadFailure("cannot read the file at byte " + position + ": " + e.getMessage(), e);
        }
    }

    /** Reading the source failed (as opposed to writing to a client that went away). */
    final class ReadFailure extends IOException {
        public ReadFailure(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
