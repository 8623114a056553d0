package dev.portalkit.integration.cluster;

import dev.portalkit.api.PortalException;
import dev.portalkit.api.action.Action;
import dev.portalkit.api.action.IActions;
import dev.portalkit.api.plugin.PortalPlugin;
import dev.portalkit.api.task.ITasks;
import dev.portalkit.api.task.TaskHandler;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Test plugin, packed by {@link ClusterIT} into a drop-in jar of its nodes: {@code cluster_slow_task}
 * queues a post-commit task that marks, in the folder the call names, when it starts and when it
 * finishes on which process, sleeping in between: a task a node can be killed in the middle of.
 */
@ApplicationScoped
public class SlowTaskPlugin implements PortalPlugin, IActions, ITasks {
    @Override
    public String name() {
        return "cluster-test";
    }

    @Override
    public Map<String, Action> actions() {
        return Map.of("cluster_slow_task", Action.withTaskQueue((ctx, data) -> {
            ctx.tasks().add("cluster_slow", Map.of("folder", String.valueOf(data.get("folder")),
                    "millis", String.valueOf(data.get("millis"))));
            return "queued";
        }));
    }

    @Override
    public Map<String, TaskHandler> taskHandlers() {
        return Map.of("cluster_slow", run -> {
            Path folder = Path.of((String) run.payload().get("folder"));
            long pid = ProcessHandle.current().pid();
            try {
                Files.writeString(folder.resolve("started-" + pid + "-" + run.attempt()), "");
                Thread.sleep(Long.parseLong((String) run.payload().get("millis")));
                Files.writeString(folder.resolve("finished-" + pid + "-" + run.attempt()), "");
            } catch (IOException e) {
                throw PortalException.badRequest("cannot mark the task: " + e.getMessage());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw PortalException.badRequest("interrupted");
            }
            return pid;
        });
    }
}
