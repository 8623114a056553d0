package dev.portalkit.integration.web;

import static dev.portalkit.integration.testing.HttpPortal.map;
import static org.assertj.core.api.Assertions.assertThat;

import dev.portalkit.integration.testing.HttpPortal;
import dev.portalkit.integration.testing.PageClient;
import dev.portalkit.integration.testing.PageClient.Answer;
import dev.portalkit.runtime.model.ModelConfig;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@code /user/register} when {@code portal.auth.create_user_via_web} allows it: the form is the
 * effective user schema; refusals (mismatched passwords, a taken name, a bad email) show at their
 * fields and keep what was typed; a good one creates the user through user_create and signs them in.
 */
class RegistrationPageTest {
    @Test
    void visitorsRegisterThroughTheFormAndAreSignedIn() {
        try (HttpPortal http = HttpPortal.start(HttpPortal.builder().option(ModelConfig.CREATE_USER_VIA_WEB, "true"))) {
            http.newUser("taken");
            PageClient b = new PageClient(http.uri());
            Answer form = b.get("/user/register");
            assertThat(form.status()).isEqualTo(200);
            assertThat(form.body()).contains("name=\"name\"", "name=\"email\"", "name=\"fullname\"", "name=\"password1\"")
                    .doesNotContain("name=\"sysadmin\"");
            Answer mismatch = b.post("/user/register", Map.of("name", "ada", "email", "ada@example.org", "fullname", "Ada L",
                    "password1", "correct horse battery", "password2", "something else"));
            assertThat(mismatch.status()).isEqualTo(409);
            assertThat(mismatch.body()).contains("do not match", "value=\"Ada L\"").doesNotContain("correct horse battery");
            Answer bad = b.post("/user/register", Map.of("name", "Not Valid!", "email", "nope", "password1", "correct horse battery",
                    "password2", "correct horse battery"));
            assertThat(bad.status()).isEqualTo(409);
            assertThat(bad.body()).contains("id=\"error-name\"", "id=\"error-email\"");
            assertThat(http.api().call("user_show", map("id", "ada"), null).status()).isEqualTo(404);
            Answer ok = b.post("/user/register", Map.of("name", "ada", "email", "ada@example.org", "password1", "correct horse battery",
                    "password2", "correct horse battery", "sysadmin", "true"));
            assertThat(ok.status()).as(ok.body()).isEqualTo(303);
            assertThat(ok.location()).isEqualTo("/user/ada");
            assertThat(b.get("/dashboard/files").status()).isEqualTo(200);
            assertThat(http.sudo("user_show", map("id", "ada")).get("sysadmin")).isEqualTo(false);
        }
    }
}
