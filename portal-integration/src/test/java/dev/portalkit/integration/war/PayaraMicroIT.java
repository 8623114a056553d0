package dev.portalkit.integration.war;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portalkit.integration.testing.PayaraMicroServer;
import dev.portalkit.integration.testing.PortalkitCli;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * portalkit.war on a real Payara Micro 6 (Jakarta EE 10: the server's Weld, Jersey and Grizzly),
 * set up as docs/deploy.md tells an operator to: {@code java -jar payara-micro.jar} with the
 * portal's system properties, the PostgreSQL driver on its class path ({@code --addlibs}), the
 * connection pool and JNDI resource made by asadmin commands ({@code --postbootcommandfile}) and
 * the WAR deployed by {@code --deploy}. The checks are {@link AppServerWarChecks}', the same as
 * on WildFly. {@code -DskipPayara} skips it.
 */
class PayaraMicroIT extends AppServerWarChecks {
    private PayaraMicroServer payara;

    @Override
    String serverName() {
        return "Payara";
    }

    @Override
    String skipSwitch() {
        return "skipPayara";
    }

    @Override
    String jndiName() {
        return "jdbc/PortalDS";
    }

    @Override
    URI startAndDeploy(Path war, String dbUrl, Path driver, Map<String, String> properties, Map<String, String> environment)
            throws Exception {
        Path jar = Path.of(System.getProperty("payara.micro.jar", "target/payara/payara-micro.jar"));
        assertThat(jar).as("Payara Micro, copied by the build (-DskipPayara skips this test)").exists();
        // jdbc:postgresql://HOST:PORT/NAME?...: the pool takes them as the driver's data source properties.
        URI db = URI.create(dbUrl.substring("jdbc:".length()));
        String pool = "create-jdbc-connection-pool --datasourceclassname=org.postgresql.ds.PGSimpleDataSource"
                + " --restype=javax.sql.DataSource --property=user=postgres:password=postgres:serverName=" + db.getHost()
                + ":portNumber=" + db.getPort() + ":databaseName=" + db.getPath().substring(1) + " PortalPool\n"
                + "create-jdbc-resource --connectionpoolid=PortalPool " + jndiName() + "\n";
        // Payara 6 is an EE 10 server: its Jakarta Persistence 3.1 API comes before the WAR's whatever glassfish-web.xml
        // says, and the WAR's Hibernate 7 needs 3.2. The 3.2 API jar the portal ships (lib/) on the boot class path
        // puts it before the server's (docs/deploy.md, "WAR on Payara").
        Path persistenceApi = new PortalkitCli(PortalkitCli.jar(), tmp).library("jakarta.persistence-api-3.2");
        payara = PayaraMicroServer.start(jar, tmp.resolve("payara"), war, List.of("-Xbootclasspath/a:" + persistenceApi),
                List.of(driver), pool, properties, environment, Duration.ofMinutes(3));
        return payara.httpUri().resolve("portalkit/");
    }

    @Override
    boolean continuesBeforeTheApplication() {
        return true;
    }

    @Override
    String serverLog() {
        return payara == null ? "" : payara.serverLog();
    }

    @Override
    void stopServer() {
        if (payara != null) {
            payara.close();
        }
    }
}
