package dev.portalkit.api.task;

import java.util.Map;

/** Extension point: task handlers by task type. A type may be handled by one enabled plugin only. */
public interface ITasks {
    Map<String, TaskHandler> taskHandlers();
}
