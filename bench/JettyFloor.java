import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.eclipse.jetty.ee11.servlet.ServletContextHandler;
import org.eclipse.jetty.ee11.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * The floor of bench/scale.sh: the portal's Jetty and servlet layer with nothing of the portal in
 * them, answering every GET with one file's bytes from the heap. What a portal route costs above
 * this is the portal's own work; what this costs above nginx is the server's.
 *
 * <p>{@code java -cp "portal-integration/target/lib/*" bench/JettyFloor.java PORT FILE} (Java's
 * single-file launch; loopback only).
 */
public final class JettyFloor {
    private JettyFloor() {
    }

    public static void main(String[] args) throws Exception {
        byte[] body = Files.readAllBytes(Path.of(args[1]));
        Server server = new Server(new QueuedThreadPool(200, 4));
        ServerConnector connector = new ServerConnector(server);
        connector.setHost("127.0.0.1");
        connector.setPort(Integer.parseInt(args[0]));
        server.addConnector(connector);
        ServletContextHandler context = new ServletContextHandler("/");
        context.addServlet(new ServletHolder(new HttpServlet() {
            @Override
            protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
                resp.setContentType("application/octet-stream");
                resp.setContentLength(body.length);
                resp.getOutputStream().write(body);
            }
        }), "/*");
        server.setHandler(context);
        server.start();
        server.join();
    }
}
