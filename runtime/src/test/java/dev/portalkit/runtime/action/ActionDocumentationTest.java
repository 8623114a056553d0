package dev.portalkit.runtime.action;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portalkit.api.action.Action;
import dev.portalkit.runtime.testing.TestPortal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Every built-in action is documented (CKAN's docstring): help_show returns the text, which says
 * what the action takes, returns and who may call it. One portal for the class.
 */
class ActionDocumentationTest {
    static TestPortal portal;

    @BeforeAll
    static void start() {
        portal = TestPortal.builder().start();
    }

    @AfterAll
    static void stop() {
        if (portal != null) {
            portal.close();
        }
    }

    @Test
    void everyRegisteredActionHasDocumentationWithParametersReturnsAndWho() {
        ActionRegistry registry = portal.portal().dispatcher().actions();
        assertThat(registry.names()).hasSizeGreaterThan(60).contains("status_show", "package_create", "files_file_create", "job_list");
        List<String> undocumented = new ArrayList<>();
        List<String> incomplete = new ArrayList<>();
        for (String name : registry.names()) {
            String doc = registry.get(name).base().documentation();
            if (doc.isBlank()) {
                undocumented.add(name);
            } else if (!doc.contains("Parameters") || !doc.contains("Returns") || !doc.contains("Who")) {
                incomplete.add(name);
            }
        }
        assertThat(undocumented).as("actions without documentation").isEmpty();
        assertThat(incomplete).as("documentation without Parameters / Returns / Who").isEmpty();
    }

    @Test
    void helpShowReturnsTheActionsDocumentation() {
        Object help = portal.call("help_show", TestPortal.ANONYMOUS, Map.of("name", "package_create"));
        assertThat(help).isEqualTo(portal.portal().dispatcher().actions().get("package_create").base().documentation());
        assertThat((String) help).startsWith("Creates a dataset.").contains("owner_org", "Who:");
        // A section shared by two actions serves both.
        assertThat(portal.call("help_show", TestPortal.ANONYMOUS, Map.of("name", "group_member_delete")))
                .isEqualTo(portal.call("help_show", TestPortal.ANONYMOUS, Map.of("name", "organization_member_delete")));
    }

    @Test
    void describingAnActionChangesNothingElseAboutIt() {
        ActionRegistry registry = portal.portal().dispatcher().actions();
        Action create = registry.get("files_file_create").base();
        assertThat(create.acceptsUploads()).isTrue();
        assertThat(create.sideEffectFree()).isFalse();
        assertThat(create.schema()).as("kept through the uploads_enabled guard").isNotNull();
        Action search = registry.get("package_search").base();
        assertThat(search.sideEffectFree()).isTrue();
        assertThat(search.schema().fields()).containsKeys("q", "fq", "rows");
        Action update = registry.get("resource_create").base();
        assertThat(update.schemaName()).isEqualTo("resource_create");
        assertThat(update.supportsTasks()).isTrue();
        assertThat(update.acceptsUploads()).isTrue();
        Action wrapped = Action.sideEffectFree(Action.documented("Does x.", Action.validating("package_show", Action.withTaskQueue((c, d) -> "r"))));
        assertThat(wrapped.documentation()).isEqualTo("Does x.");
        assertThat(wrapped.schemaName()).isEqualTo("package_show");
        assertThat(wrapped.supportsTasks()).isTrue();
        assertThat(wrapped.sideEffectFree()).isTrue();
        assertThat(wrapped.call(null, Map.of())).isEqualTo("r");
    }
}
