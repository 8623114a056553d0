package dev.portalkit.integration.web;

import static dev.portalkit.integration.testing.ApiAssertions.assertDenied;
import static dev.portalkit.integration.testing.ApiAssertions.assertDict;
import static dev.portalkit.integration.testing.ApiAssertions.assertError;
import static dev.portalkit.integration.testing.ApiAssertions.assertInvalid;
import static dev.portalkit.integration.testing.ApiAssertions.assertList;
import static dev.portalkit.integration.testing.ApiAssertions.assertNotFound;
import static org.assertj.core.api.Assertions.assertThat;

import dev.portalkit.integration.testing.ApiClient;
import dev.portalkit.integration.testing.HttpPortal;
import dev.portalkit.integration.testing.HttpPortal.Account;
import dev.portalkit.runtime.job.JobRecord;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * job_list / job_show / job_cancel / job_clear over HTTP (sysadmins only), on jobs the example
 * plugin's action enqueues; the in-process worker is off, so jobs wait until the test runs them.
 */
class JobActionsApiTest {
    static HttpPortal http;
    static ApiClient api;
    static Account user;
    static Account admin;

    @BeforeAll
    static void start() {
        http = HttpPortal.start(HttpPortal.builder().plugins("example").option("portal.jobs.worker", "false"));
        api = http.api();
        user = http.newUser("jobs-user");
        admin = http.newSysadmin("jobs-admin");
    }

    /** Each test starts with empty queues (they share one portal). */
    @BeforeEach
    void emptyQueues() {
        http.portal().portal().jobs().clear(List.of());
    }

    @AfterAll
    static void stop() {
        http.close();
    }

    private static String enqueue() {
        return (String) assertDict(api, "example_note_stats", api.call("example_note_stats", Map.of(), user.token())).get("job_id");
    }

    private static Map<String, Object> show(String id) {
        return assertDict(api, "job_show", api.call("job_show", Map.of("id", id), admin.token()));
    }

    @Test
    @SuppressWarnings("unchecked")
    void showListCancelAndRunAJobAsASysadmin() {
        assertDict(api, "example_note_add", api.call("example_note_add", Map.of("body", "one two three", "audits", 0), user.token()));
        String id = enqueue();
        Map<String, Object> queued = show(id);
        assertThat(queued).containsEntry("id", id).containsEntry("status", "queued").containsEntry("queue", "default")
                .containsEntry("title", "Count the example notes' words").containsEntry("type", "example_note_stats")
                .containsEntry("attempts", 0).containsEntry("user", user.name()).containsKey("created");
        assertThat(api.get("job_show", Map.of("id", id), admin.token()).status()).as("job_show is side-effect free: GET").isEqualTo(200);

        List<Object> listed = assertList(api, "job_list", api.call("job_list", Map.of("queues", List.of("default")), admin.token()));
        assertThat(listed).anySatisfy(j -> assertThat((Map<String, Object>) j).containsEntry("id", id)
                .containsKeys("title", "queue", "created", "status"));
        assertThat(assertList(api, "job_list", api.call("job_list", Map.of("queues", List.of("elsewhere")), admin.token()))).isEmpty();

        // A worker takes it (in process here; JobWorkerIT runs a worker process): cancelling it now is refused.
        JobRecord claimed = http.portal().portal().jobs().claim(List.of("default"), "test-worker").orElseThrow();
        assertThat(claimed.id).isEqualTo(id);
        assertThat(show(id)).containsEntry("status", "running").containsEntry("attempts", 1);
        Map<String, Object> refused = assertError(api.call("job_cancel", Map.of("id", id), admin.token()), 409, "Conflict Error");
        assertThat((String) refused.get("message")).contains(id).contains("running and cannot be cancelled");
        assertThat(http.portal().portal().jobs().run(claimed, "test-worker")).isTrue();
        Map<String, Object> finished = show(id);
        assertThat(finished).containsEntry("status", "finished").containsEntry("error", null);
        assertThat((Map<String, Object>) finished.get("result")).containsEntry("words", 3);
        assertThat(assertError(api.call("job_cancel", Map.of("id", id), admin.token()), 409, "Conflict Error").get("message"))
                .asString().contains("finished");

        String other = enqueue();
        assertThat(assertDict(api, "job_cancel", api.call("job_cancel", Map.of("id", other), admin.token())))
                .containsEntry("id", other).containsEntry("status", "cancelled");
        assertThat(show(other)).containsEntry("status", "cancelled");
    }

    @Test
    void jobClearEmptiesQueuesAndNamesThem() {
        String first = enqueue();
        String second = enqueue();
        List<Object> cleared = assertList(api, "job_clear", api.call("job_clear", Map.of(), admin.token()));
        assertThat(cleared).containsExactly("default");
        assertNotFound(api.call("job_show", Map.of("id", first), admin.token()));
        assertNotFound(api.call("job_show", Map.of("id", second), admin.token()));
        assertThat(assertList(api, "job_clear", api.call("job_clear", Map.of("queues", List.of("default", "imports")), admin.token())))
                .containsExactly("default", "imports");
        assertThat(assertList(api, "job_list", api.call("job_list", Map.of(), admin.token()))).isEmpty();
    }

    @Test
    void onlySysadminsMayUseTheJobActions() {
        String id = enqueue();
        for (String action : List.of("job_list", "job_show", "job_cancel", "job_clear")) {
            assertDenied(api.call(action, Map.of("id", id), user.token()));
            assertDenied(api.call(action, Map.of("id", id), null));
        }
        assertThat(show(id)).containsEntry("status", "queued"); // nothing changed
    }

    @Test
    void unknownJobsAreNotFoundAndBadInputNamesTheField() {
        Map<String, Object> missing = assertNotFound(api.call("job_show", Map.of("id", "no-such-job"), admin.token()));
        assertThat((String) missing.get("message")).contains("Not found").contains("no-such-job");
        assertNotFound(api.call("job_cancel", Map.of("id", "no-such-job"), admin.token()));
        assertInvalid(api.call("job_show", Map.of(), admin.token()), "id");
        assertInvalid(api.call("job_cancel", Map.of("id", 42), admin.token()), "id");
        assertInvalid(api.call("job_list", Map.of("queues", List.of("Not A Queue")), admin.token()), "queues");
        assertInvalid(api.call("job_list", Map.of("queues", Map.of("a", 1)), admin.token()), "queues");
        assertInvalid(api.call("job_list", Map.of("status", "sleeping"), admin.token()), "status");
        assertInvalid(api.call("job_list", Map.of("limit", 0), admin.token()), "limit");
        assertInvalid(api.call("job_list", Map.of("limit", 1_000_000), admin.token()), "limit");
        String id = enqueue();
        assertInvalid(api.call("job_clear", Map.of("queues", List.of("default", "../etc")), admin.token()), "queues");
        assertThat(show(id)).containsEntry("status", "queued"); // a refused clear cleared nothing
        assertInvalid(api.call("example_note_stats", Map.of("fail", "perhaps"), user.token()), "fail");
    }
}
