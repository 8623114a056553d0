package dev.portalkit.integration.testing;

import dev.portalkit.integration.standalone.PortalServer;
import dev.portalkit.integration.web.WebPlugin;
import dev.portalkit.runtime.model.ModelConfig;
import dev.portalkit.runtime.testing.TestPortal;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real portal ({@link TestPortal}: Weld SE, H2 or PostgreSQL) served over HTTP in process by
 * the standalone server (Jetty + RESTEasy) on a free port, with real accounts: users created
 * through {@code user_create} and API tokens through {@code api_token_create} (auth skipped, as
 * the CLI's {@code user add} / {@code token create} do), so that every token a test sends goes
 * through the model's {@code DatabaseApiTokenAuthenticator}.
 */
public final class HttpPortal implements AutoCloseable {
    private static final AtomicInteger COUNTER = new AtomicInteger();

    private final TestPortal portal;
    private final PortalServer server;
    private final ApiClient api;

    private HttpPortal(TestPortal portal, PortalServer server) {
        this.portal = portal;
        this.server = server;
        this.api = new ApiClient(server.uri());
    }

    /** A test portal's options with a free port and the cheapest accepted password hashing. */
    public static TestPortal.Builder builder() {
        return TestPortal.builder()
                .option(WebPlugin.HTTP_PORT, "0")
                .option(ModelConfig.PASSWORD_ITERATIONS, String.valueOf(ModelConfig.MIN_PASSWORD_ITERATIONS));
    }

    public static HttpPortal start(TestPortal.Builder builder) {
        TestPortal portal = builder.start();
        try {
            return new HttpPortal(portal, PortalServer.start(portal.container()));
        } catch (RuntimeException | Error e) {
            portal.close();
            throw e;
        }
    }

    public TestPortal portal() {
        return portal;
    }

    public ApiClient api() {
        return api;
    }

    public URI uri() {
        return server.uri();
    }

    public PortalServer server() {
        return server;
    }

    /** A user of the portal and an API token of theirs. */
    public record Account(String id, String name, String token) {
        /** The {@code Authorization} header value with CKAN's optional {@code Bearer} prefix. */
        public String bearer() {
            return "Bearer " + token;
        }
    }

    /** A new active user named {@code prefix-N} with a fresh API token. */
    public Account newUser(String prefix) {
        return create(unique(prefix), false);
    }

    /** A new sysadmin named {@code prefix-N} with a fresh API token. */
    public Account newSysadmin(String prefix) {
        return create(unique(prefix), true);
    }

    /** A user with exactly this name (it must not exist yet) and a fresh API token. */
    public Account create(String name, boolean sysadmin) {
        Map<String, Object> user = sudo("user_create", map("name", name, "email", name + "@example.org",
                "password", "correct horse battery", "sysadmin", sysadmin));
        return new Account((String) user.get("id"), name, newToken(name));
    }

    /** Another API token of an existing user. */
    public String newToken(String userName) {
        return (String) sudo("api_token_create", map("user", userName, "name", unique("token"))).get("token");
    }

    /** Runs an action in process with auth skipped (fixtures and checks that must not depend on HTTP). */
    @SuppressWarnings("unchecked")
    public Map<String, Object> sudo(String action, Map<String, Object> data) {
        return (Map<String, Object>) sudoCall(action, data);
    }

    public Object sudoCall(String action, Map<String, Object> data) {
        return portal.portal().context(Optional.empty(), true).call(action, data);
    }

    public static String unique(String prefix) {
        return prefix + "-" + COUNTER.incrementAndGet();
    }

    /** A mutable map of alternating keys and values (values may be null). */
    public static Map<String, Object> map(Object... keysAndValues) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            m.put((String) keysAndValues[i], keysAndValues[i + 1]);
        }
        return m;
    }

    @Override
    public void close() {
        try {
            server.close();
        } finally {
            portal.close();
        }
    }
}
