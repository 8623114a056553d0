package dev.portalkit.runtime.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portalkit.api.action.UserRef;
import dev.portalkit.runtime.ApiTokenAuthenticator;
import dev.portalkit.runtime.testing.CliRun;
import dev.portalkit.runtime.testing.TestPortal;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code portalkit user add} and {@code portalkit token create} on a temporary data directory. */
class UserAndTokenCommandsTest {
    @TempDir
    Path dataDir;

    private CliRun run(String... args) {
        return CliRun.in(dataDir, Map.of("portal.auth.password_iterations", "1000"), args);
    }

    @Test
    void addUserThenTokenOnAnEmptyDataDirectory() {
        CliRun add = run("user", "add", "admin", "--email", "admin@example.org", "--password", "s3cret-pass", "--sysadmin");
        assertThat(add.code()).as(add.err()).isZero();
        assertThat(add.outLines()).singleElement().asString().startsWith("created sysadmin user admin (id ");

        CliRun token = run("token", "create", "admin", "--name", "ci");
        assertThat(token.code()).as(token.err()).isZero();
        String secret = token.outLines().get(token.outLines().size() - 1);
        assertThat(secret).startsWith("pkt_").doesNotContain(" ");
        assertThat(token.out()).contains("'ci'");

        try (TestPortal portal = TestPortal.builder().dataDir(dataDir).start()) {
            Optional<UserRef> user = portal.container().bean(ApiTokenAuthenticator.class).authenticate("Bearer " + secret);
            assertThat(user).hasValueSatisfying(u -> assertThat(u).extracting(UserRef::name, UserRef::sysadmin)
                    .containsExactly("admin", true));
        }
    }

    @Test
    void worksWhileAPortalServesTheSameDataDirectory() {
        try (TestPortal portal = TestPortal.builder().dataDir(dataDir).option("portal.auth.password_iterations", "1000").start()) {
            CliRun add = run("user", "add", "bob", "--email", "bob@example.org", "--password", "long enough", "--fullname", "Bob B");
            assertThat(add.code()).as(add.err()).isZero();
            assertThat(add.out()).startsWith("created user bob");
            @SuppressWarnings("unchecked")
            Map<String, Object> bob = (Map<String, Object>) portal.call("user_show", TestPortal.ANONYMOUS, Map.of("id", "bob"));
            assertThat(bob).containsEntry("fullname", "Bob B").containsEntry("sysadmin", false);

            CliRun token = run("token", "create", "bob");
            assertThat(token.code()).as(token.err()).isZero();
            String secret = token.outLines().get(token.outLines().size() - 1);
            assertThat(portal.container().bean(ApiTokenAuthenticator.class).authenticate(secret))
                    .hasValueSatisfying(u -> assertThat(u.name()).isEqualTo("bob"));
        }
    }

    @Test
    void badInputExitsNonZeroWithOneLine() {
        assertThat(run("user", "add", "carol", "--email", "carol@example.org", "--password", "long enough").code()).isZero();

        CliRun duplicate = run("user", "add", "carol", "--email", "other@example.org", "--password", "long enough");
        assertThat(duplicate.code()).isNotZero();
        assertThat(duplicate.errLines()).containsExactly("error: name: That login name is not available.");

        CliRun noEmail = run("user", "add", "dan", "--password", "long enough");
        assertThat(noEmail.code()).isNotZero();
        assertThat(noEmail.errLines()).containsExactly("error: --email is required (see --help)");

        CliRun noName = run("user", "add", "--email", "x@example.org", "--password", "long enough");
        assertThat(noName.errLines()).containsExactly("error: NAME is required (see --help)");

        CliRun shortPassword = run("user", "add", "dan", "--email", "dan@example.org", "--password", "short");
        assertThat(shortPassword.code()).isNotZero();
        assertThat(shortPassword.errLines()).containsExactly("error: password: Your password must be 8 characters or longer");

        CliRun unknown = run("token", "create", "nobody");
        assertThat(unknown.code()).isNotZero();
        assertThat(unknown.errLines()).containsExactly("error: User not found: nobody");
        assertThat(unknown.out()).isEmpty();
    }
}
