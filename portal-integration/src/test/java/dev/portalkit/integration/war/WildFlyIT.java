package dev.portalkit.integration.war;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portalkit.integration.testing.WildFlyServer;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * portalkit.war on a real WildFly (Jakarta EE 11: the server's Weld, RESTEasy and Undertow), set
 * up as docs/deploy.md tells an operator to: the server started with the portal's system
 * properties, the PostgreSQL driver deployed and the datasource added with jboss-cli, the WAR
 * copied to the deployments directory. The checks are {@link AppServerWarChecks}'.
 * {@code -DskipWildFly} skips it (and the build's unpacking of WildFly).
 */
class WildFlyIT extends AppServerWarChecks {
    private WildFlyServer wildfly;

    @Override
    String serverName() {
        return "WildFly";
    }

    @Override
    String skipSwitch() {
        return "skipWildFly";
    }

    @Override
    String jndiName() {
        return "java:jboss/datasources/PortalDS";
    }

    @Override
    URI startAndDeploy(Path war, String dbUrl, Path driver, Map<String, String> properties, Map<String, String> environment)
            throws Exception {
        Path home = Path.of(System.getProperty("wildfly.home", "target/wildfly/wildfly-39.0.1.Final"));
        assertThat(home.resolve("bin/standalone.sh")).exists();
        wildfly = WildFlyServer.start(home, tmp.resolve("wildfly-base"), properties, environment, Duration.ofMinutes(3));
        wildfly.cli("deploy " + driver + "\n"
                + "data-source add --name=PortalDS --jndi-name=" + jndiName() + " --driver-name=" + driver.getFileName()
                + " --connection-url=" + dbUrl + " --user-name=postgres --password=postgres\n", Duration.ofMinutes(1));
        wildfly.deploy(war, Duration.ofMinutes(3));
        return wildfly.httpUri().resolve("portalkit/");
    }

    @Override
    String serverLog() {
        return wildfly == null ? "" : wildfly.serverLog();
    }

    @Override
    void stopServer() {
        if (wildfly != null) {
            wildfly.close();
        }
    }
}
