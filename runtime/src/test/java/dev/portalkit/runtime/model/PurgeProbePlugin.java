package dev.portalkit.runtime.model;

import dev.portalkit.api.ErrorKind;
import dev.portalkit.api.PortalException;
import dev.portalkit.api.action.ChainedAction;
import dev.portalkit.api.action.IActions;
import dev.portalkit.api.plugin.PortalPlugin;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A test plugin (enabled as "purge-probe") wrapping dataset_purge: once the purge has run, but
 * before the action commits, it records whether the file at {@link #WATCHED} still exists, and
 * fails the action when the call carries {@code probe_fail} (so the purge rolls back).
 */
@ApplicationScoped
public class PurgeProbePlugin implements PortalPlugin, IActions {
    static volatile Path WATCHED;
    static final List<Boolean> EXISTED_BEFORE_COMMIT = new CopyOnWriteArrayList<>();

    @Override
    public String name() {
        return "purge-probe";
    }

    @Override
    public Map<String, ChainedAction> chainedActions() {
        return Map.of("dataset_purge", (next, ctx, data) -> {
            Map<String, Object> rest = new LinkedHashMap<>(data);
            boolean fail = rest.remove("probe_fail") != null;
            Object result = next.call(ctx, rest);
            Path watched = WATCHED;
            if (watched != null) {
                EXISTED_BEFORE_COMMIT.add(Files.exists(watched));
            }
            if (fail) {
                throw new PortalException(ErrorKind.CONFLICT, "purge-probe: failing after the purge, as asked");
            }
            return result;
        });
    }
}
