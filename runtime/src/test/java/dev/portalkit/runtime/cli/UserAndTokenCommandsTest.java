package dev.portalkit.runtime.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portalkit.api.action.UserRef;
import dev.portalkit.runtime.ApiTokenAuthenticator;
import dev.portalkit.runtime.testing.TestPortal;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code portalkit user add} and {@code portalkit token create} on a temporary data directory. */
class UserAndTokenCommandsTest {
    @TempDir
    Path dataDir;

    private record Run(int exit, String out, String err) {
        List<String> outLines() {
            return out.lines().toList();
        }

        List<String> errLines() {
            return err.lines().toList();
        }
    }

    private Run run(String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of("--data-dir", dataDir.toString(), "-o", "portal.auth.password_iterations=1000"));
        CommandLine cli = PortalCli.commandLine();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        int exit = cli.execute(all.toArray(String[]::new));
        return new Run(exit, out.toString(), err.toString());
    }

    @Test
    void addUserThenTokenOnAnEmptyDataDirectory() {
        Run add = run("user", "add", "admin", "--email", "admin@example.org", "--password", "s3cret-pass", "--sysadmin");
        assertThat(add.exit()).as(add.err()).isZero();
        assertThat(add.outLines()).singleElement().asString().startsWith("created sysadmin user admin (id ");

        Run token = run("token", "create", "admin", "--name", "ci");
        assertThat(token.exit()).as(token.err()).isZero();
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
            Run add = run("user", "add", "bob", "--email", "bob@example.org", "--password", "long enough", "--fullname", "Bob B");
            assertThat(add.exit()).as(add.err()).isZero();
            assertThat(add.out()).startsWith("created user bob");
            @SuppressWarnings("unchecked")
            Map<String, Object> bob = (Map<String, Object>) portal.call("user_show", TestPortal.ANONYMOUS, Map.of("id", "bob"));
            assertThat(bob).containsEntry("fullname", "Bob B").containsEntry("sysadmin", false);

            Run token = run("token", "create", "bob");
            assertThat(token.exit()).as(token.err()).isZero();
            String secret = token.outLines().get(token.outLines().size() - 1);
            assertThat(portal.container().bean(ApiTokenAuthenticator.class).authenticate(secret))
                    .hasValueSatisfying(u -> assertThat(u.name()).isEqualTo("bob"));
        }
    }

    @Test
    void badInputExitsNonZeroWithOneLine() {
        assertThat(run("user", "add", "carol", "--email", "carol@example.org", "--password", "long enough").exit()).isZero();

        Run duplicate = run("user", "add", "carol", "--email", "other@example.org", "--password", "long enough");
        assertThat(duplicate.exit()).isNotZero();
        assertThat(duplicate.errLines()).containsExactly("error: name: That login name is not available.");

        Run noEmail = run("user", "add", "dan", "--password", "long enough");
        assertThat(noEmail.exit()).isNotZero();
        assertThat(noEmail.errLines()).containsExactly("error: --email is required (see --help)");

        Run noName = run("user", "add", "--email", "x@example.org", "--password", "long enough");
        assertThat(noName.errLines()).containsExactly("error: NAME is required (see --help)");

        Run shortPassword = run("user", "add", "dan", "--email", "dan@example.org", "--password", "short");
        assertThat(shortPassword.exit()).isNotZero();
        assertThat(shortPassword.errLines()).containsExactly("error: password: Your password must be 8 characters or longer");

        Run unknown = run("token", "create", "nobody");
        assertThat(unknown.exit()).isNotZero();
        assertThat(unknown.errLines()).containsExactly("error: User not found: nobody");
        assertThat(unknown.out()).isEmpty();
    }
}
