import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import java.nio.ByteBuffer;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;
import org.hibernate.SessionFactory;
import org.hibernate.cfg.Configuration;
import org.jboss.weld.environment.se.Weld;
import org.jboss.weld.environment.se.WeldContainer;

/**
 * The start-up floor of bench/scale.sh: the stack the product design fixes (a Weld SE container,
 * Hibernate ORM on embedded H2, Jetty), each started with the least it takes (one bean, one entity
 * and its table, one handler), in the portal's class path and JVM. From {@code java} to its first
 * answer it is the part of {@code serve}'s start-up no portal code can remove (without JVM flags).
 *
 * <p>{@code javac -cp "portal-integration/target/lib/*" -d DIR bench/StartFloor.java}, then
 * {@code java -cp "DIR:portal-integration/target/lib/*" StartFloor PORT H2-FILE} (loopback only).
 */
public final class StartFloor {
    @Entity(name = "floor_row")
    public static class Row {
        @Id
        public String id;
        public String name;
    }

    @ApplicationScoped
    public static class Greeter {
        public String hello() {
            return "{\"success\": true}";
        }
    }

    public static void main(String[] args) throws Exception {
        WeldContainer weld = new Weld().disableDiscovery().addBeanClasses(Greeter.class).initialize();
        Greeter greeter = weld.select(Greeter.class).get();
        SessionFactory sessions = new Configuration().addAnnotatedClass(Row.class)
                .setProperty("hibernate.connection.url", "jdbc:h2:" + args[1] + ";AUTO_SERVER=FALSE")
                .setProperty("hibernate.hbm2ddl.auto", "update")
                .buildSessionFactory();
        sessions.inTransaction(s -> s.createSelectionQuery("from floor_row", Row.class).getResultList());
        Server server = new Server();
        ServerConnector connector = new ServerConnector(server);
        connector.setHost("127.0.0.1");
        connector.setPort(Integer.parseInt(args[0]));
        server.addConnector(connector);
        server.setHandler(new Handler.Abstract() {
            @Override
            public boolean handle(Request request, Response response, Callback callback) {
                byte[] body = greeter.hello().getBytes();
                response.getHeaders().put("Content-Type", "application/json");
                response.write(true, ByteBuffer.wrap(body), callback);
                return true;
            }
        });
        server.start();
        server.join();
    }
}
