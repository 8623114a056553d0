package dev.portalkit.integration.testing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portalkit.integration.testing.ApiClient.Reply;
import java.util.List;
import java.util.Map;

/** Checks of CKAN's response envelope, shared by the HTTP tests (standalone and WildFly). */
public final class ApiAssertions {
    private ApiAssertions() {
    }

    /** A successful call of {@code action}: 200, JSON, exactly {@code help}, {@code success: true}, {@code result}. */
    public static Object assertSuccess(ApiClient api, String action, Reply reply) {
        assertThat(reply.status()).as("%s: %s", action, reply.body()).isEqualTo(200);
        assertThat(reply.contentType()).startsWith("application/json");
        Map<String, Object> json = reply.json();
        assertThat(json.keySet()).containsExactly("help", "success", "result");
        assertThat(json.get("help")).isEqualTo(api.base() + "api/3/action/help_show?name=" + action);
        assertThat(json.get("success")).isEqualTo(true);
        return json.get("result");
    }

    /** {@link #assertSuccess} for a result that is a JSON object. */
    @SuppressWarnings("unchecked")
    public static Map<String, Object> assertDict(ApiClient api, String action, Reply reply) {
        Object result = assertSuccess(api, action, reply);
        assertThat(result).as("%s: %s", action, reply.body()).isInstanceOf(Map.class);
        return (Map<String, Object>) result;
    }

    /** {@link #assertSuccess} for a result that is a JSON array. */
    @SuppressWarnings("unchecked")
    public static List<Object> assertList(ApiClient api, String action, Reply reply) {
        Object result = assertSuccess(api, action, reply);
        assertThat(result).as("%s: %s", action, reply.body()).isInstanceOf(List.class);
        return (List<Object>) result;
    }

    /** Every error: the envelope, the status, the type, and nothing that leaks internals. Returns the error object. */
    public static Map<String, Object> assertError(Reply reply, int status, String type) {
        assertThat(reply.status()).as(reply.body()).isEqualTo(status);
        assertThat(reply.contentType()).startsWith("application/json");
        assertThat(reply.json()).containsKeys("help", "success", "error").containsEntry("success", false);
        assertThat(reply.error()).as(reply.body()).containsEntry("__type", type).containsKey("message");
        assertThat(reply.body()).doesNotContain("Exception", "\tat ", "at dev.", "at java.", "dev.portalkit.", "org.jboss", "org.eclipse",
                "org.hibernate", "pbkdf2");
        return reply.error();
    }

    /** A 409 Validation Error whose per-field errors name {@code field}; returns that field's errors. */
    public static Object assertInvalid(Reply reply, String field) {
        Map<String, Object> error = assertError(reply, 409, "Validation Error");
        assertThat(error).as(reply.body()).containsKey(field);
        assertThat((String) error.get("message")).contains(field);
        return error.get(field);
    }

    /** A 403 Authorization Error. */
    public static Map<String, Object> assertDenied(Reply reply) {
        return assertError(reply, 403, "Authorization Error");
    }

    /** A 404 Not Found Error. */
    public static Map<String, Object> assertNotFound(Reply reply) {
        return assertError(reply, 404, "Not Found Error");
    }
}
