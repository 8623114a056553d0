package dev.portalkit.api.task;

import java.util.Map;

/**
 * A queued post-commit task: the name of a {@link TaskHandler} and a JSON-friendly payload
 * (maps, lists, strings, numbers, booleans). Tasks are written to the database in the action's
 * transaction, so they must be plain data, not objects with behaviour.
 */
public record Task(String type, Map<String, Object> payload) {
    public Task {
        payload = payload == null ? Map.of() : payload;
    }
}
