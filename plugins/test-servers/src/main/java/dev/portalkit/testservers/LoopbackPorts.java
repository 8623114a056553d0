package dev.portalkit.testservers;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;

/** Free ports on the loopback interface, for the servers the tests start. */
public final class LoopbackPorts {
    private LoopbackPorts() {
    }

    /** A port nothing listens on at the moment (the caller binds it soon after). */
    public static int free() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
