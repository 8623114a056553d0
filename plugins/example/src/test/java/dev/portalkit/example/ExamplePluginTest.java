package dev.portalkit.example;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.portalkit.api.ErrorKind;
import dev.portalkit.api.PortalException;
import dev.portalkit.api.ValidationException;
import dev.portalkit.api.action.ActionContext;
import dev.portalkit.api.files.Upload;
import dev.portalkit.runtime.testing.TestDb;
import dev.portalkit.runtime.testing.TestPortal;
import java.nio.charset.StandardCharsets;
import java.sql.ResultSet;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Every extension point of the example plugin, proven on the real host. */
@SuppressWarnings("unchecked")
class ExamplePluginTest {
    private static TestPortal.Builder portal() {
        return TestPortal.builder().plugins("example");
    }

    @Test
    void newActionReadsItsOwnDeclaredConfigOption() {
        try (TestPortal portal = portal().option("portal.example.greeting", "Hi").start()) {
            assertThat(portal.call("example_hello", TestPortal.ANONYMOUS, Map.of("name", "Ada"))).isEqualTo("Hi, Ada!");
            assertThat(portal.call("example_hello", TestPortal.ANONYMOUS, Map.of())).isEqualTo("Hi, world!");
            // Its documentation, as help_show (and the API description) give it.
            assertThat((String) portal.call("help_show", TestPortal.ANONYMOUS, Map.of("name", "example_hello")))
                    .startsWith("Greets someone").contains("Parameters:", "Who:");
            for (String action : List.of("example_note_add", "example_note_list", "example_note_stats", "example_upload_digest",
                    "example_event_list")) {
                assertThat(portal.portal().dispatcher().actions().get(action).base().documentation()).as(action).contains("Returns:");
            }
            assertThat(portal.portal().dispatcher().actions().get("example_hello").base().schema().fields()).containsKey("name");
        }
    }

    @Test
    void chainedActionWrapsTheCoreStatusShow() {
        try (TestPortal portal = portal().start()) {
            assertThat((Map<String, Object>) portal.call("status_show", TestPortal.ANONYMOUS, Map.of()))
                    .containsEntry("example_chained", true)
                    .containsEntry("extensions", List.of("example"))
                    .containsKey("portalkit_version");
        }
        try (TestPortal portal = TestPortal.builder().start()) {
            assertThat((Map<String, Object>) portal.call("status_show", TestPortal.ANONYMOUS, Map.of())).doesNotContainKey("example_chained");
        }
    }

    @Test
    void chainedAuthOpensTheExampleOptionsButLeavesTheCoreRuleForOthers() {
        try (TestPortal portal = portal().start()) {
            assertThat(portal.call("config_option_show", TestPortal.ANONYMOUS, Map.of("key", "portal.example.greeting"))).isEqualTo("Hello");
            assertThatThrownBy(() -> portal.call("config_option_show", TestPortal.ANONYMOUS, Map.of("key", "portal.site_title")))
                    .isInstanceOfSatisfying(PortalException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.PERMISSION_DENIED))
                    .hasMessageContaining("Only sysadmins");
            assertThat(portal.call("config_option_show", TestPortal.SYSADMIN, Map.of("key", "portal.site_title"))).isEqualTo("Portalkit");
            assertThatThrownBy(() -> portal.call("config_option_show", TestPortal.SYSADMIN, Map.of("key", "portal.db.password")))
                    .hasMessageContaining("is a secret");
        }
        try (TestPortal portal = TestPortal.builder().start()) {
            // Without the example's chain, anonymous callers do not even reach the core's function.
            assertThatThrownBy(() -> portal.call("config_option_show", TestPortal.ANONYMOUS, Map.of("key", "portal.site_title")))
                    .hasMessageContaining("requires an authenticated user");
        }
    }

    @ParameterizedTest
    @EnumSource(TestDb.class)
    void notesLiveInThePluginsOwnMigratedTablesAndAuditTasksRunAfterCommit(TestDb db) throws Exception {
        try (TestPortal portal = portal().db(db).start()) {
            Map<?, ?> note = (Map<?, ?>) portal.call("example_note_add", TestPortal.ALICE, Map.of("body", " first ", "audits", 2));
            assertThat(note.get("body")).isEqualTo("first");
            assertThat(note.get("author")).isEqualTo("alice");
            List<?> notes = (List<?>) portal.call("example_note_list", TestPortal.ANONYMOUS, Map.of());
            assertThat(notes).singleElement().satisfies(n -> assertThat((Map<String, Object>) n).containsEntry("audits", 2));

            // The second audit task saw the first one's result.
            ActionContext ctx = portal.portal().context(TestPortal.SYSADMIN, true);
            List<String> previous = portal.portal().inTransaction(() -> {
                try (ResultSet rs = ctx.jdbc().createStatement().executeQuery(
                        "SELECT previous FROM example_audit ORDER BY queue_index")) {
                    List<String> out = new java.util.ArrayList<>();
                    while (rs.next()) {
                        out.add(rs.getString(1));
                    }
                    return out;
                } catch (java.sql.SQLException e) {
                    throw new IllegalStateException(e);
                }
            });
            assertThat(previous).containsExactly(null, "audit-0");

            // A failing action leaves neither its note nor its tasks behind.
            assertThatThrownBy(() -> portal.call("example_note_add", TestPortal.ALICE, Map.of("body", "fail after queueing")))
                    .hasMessageContaining("on purpose");
            assertThat((List<?>) portal.call("example_note_list", TestPortal.ANONYMOUS, Map.of())).hasSize(1);
            assertThat(portal.portal().tasks().list(null, 10)).hasSize(2);

            assertThatThrownBy(() -> portal.call("example_note_add", TestPortal.ANONYMOUS, Map.of("body", "x")))
                    .hasMessageContaining("requires an authenticated user");
        }
    }

    @Test
    void validatorFactoryIsUsedInTheDatasetSchema() {
        // Datasets without an organization, so only the example's field is under test
        // (by default the model's owner_org_validator requires one, as CKAN does).
        String unowned = "portal.auth.create_unowned_dataset";
        try (TestPortal portal = portal().option(unowned, "true").start()) {
            ActionContext ctx = portal.portal().context(TestPortal.ALICE, false);
            Map<String, Object> valid = ctx.validate("package_create", Map.of("name", "climate-data", "example_code", "ex-42"));
            assertThat(valid).containsEntry("example_code", "EX-42");

            assertThatThrownBy(() -> ctx.validate("package_create", Map.of("name", "climate-data", "example_code", "42")))
                    .isInstanceOfSatisfying(ValidationException.class,
                            e -> assertThat(e.errors()).containsEntry("example_code", List.of("Must start with EX-")));
        }
        try (TestPortal portal = TestPortal.builder().option(unowned, "true").start()) {
            // Without the plugin the field is not part of the schema: it is refused naming it (never dropped silently).
            assertThatThrownBy(() -> portal.portal().context(TestPortal.ALICE, false)
                    .validate("package_create", Map.of("name", "climate-data", "example_code", "42")))
                    .isInstanceOfSatisfying(ValidationException.class, e -> assertThat(e.errors())
                            .containsEntry("example_code", List.of("The input field example_code was not expected.")));
        }
    }

    @Test
    void uploadsAreReadAsStreams() {
        byte[] content = "hello upload".getBytes(StandardCharsets.UTF_8);
        Upload upload = Upload.of(content, "hello.txt", "text/plain");
        try (TestPortal portal = portal().start()) {
            Map<String, Object> digest = (Map<String, Object>) portal.call("example_upload_digest", TestPortal.ANONYMOUS, Map.of("upload", upload));
            assertThat(digest).containsEntry("size", 12L).containsEntry("filename", "hello.txt")
                    .containsEntry("sha256", sha256(content));
            assertThatThrownBy(() -> portal.call("example_upload_digest", TestPortal.ANONYMOUS, Map.of("upload", "text")))
                    .isInstanceOfSatisfying(ValidationException.class,
                            e -> assertThat(e.errors()).containsEntry("upload", List.of("Must be an uploaded file")));
        }
    }

    private static String sha256(byte[] content) {
        try {
            return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(content));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
