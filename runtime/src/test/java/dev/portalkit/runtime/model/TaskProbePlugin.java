package dev.portalkit.runtime.model;

import dev.portalkit.api.plugin.PortalPlugin;
import dev.portalkit.api.task.ITasks;
import dev.portalkit.api.task.TaskHandler;
import dev.portalkit.api.validation.IDatasetForm;
import dev.portalkit.api.validation.IValidators;
import dev.portalkit.api.validation.Schema;
import dev.portalkit.api.validation.Validator;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A test plugin (enabled as "task-probe"): a dataset field whose validator queues a post-commit
 * task, as ckanext-files' files_transfer_ownership does; the task records what it was given.
 */
@ApplicationScoped
public class TaskProbePlugin implements PortalPlugin, IValidators, IDatasetForm, ITasks {
    static final List<String> RAN = new CopyOnWriteArrayList<>();

    @Override
    public String name() {
        return "task-probe";
    }

    @Override
    public Map<String, Validator> validators() {
        return Map.of("probe_queue_task", field -> {
            if (field.value() != null) {
                field.context().tasks().add("probe_record", Map.of("attachment", field.value()));
            }
        });
    }

    @Override
    public Schema createPackageSchema(Schema schema) {
        return schema.with("attachment", "ignore_missing", "unicode_safe", "probe_queue_task");
    }

    @Override
    public Schema updatePackageSchema(Schema schema) {
        return createPackageSchema(schema);
    }

    @Override
    public Map<String, TaskHandler> taskHandlers() {
        return Map.of("probe_record", run -> {
            @SuppressWarnings("unchecked")
            Map<String, Object> dataset = (Map<String, Object>) run.actionResult();
            RAN.add(dataset.get("name") + ":" + dataset.get("attachment") + ":" + run.payload().get("attachment"));
            return null;
        });
    }
}
