package dev.portalkit.runtime.event;

import dev.portalkit.api.action.ActionContext;
import dev.portalkit.api.event.EntityEvent;
import dev.portalkit.api.event.IEntityHooks;
import dev.portalkit.runtime.action.ActionDispatcher;
import dev.portalkit.runtime.plugin.PluginSet;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Calls the enabled plugins' {@link IEntityHooks} in plugin order: {@link #before} at once, inside
 * the running action (a hook's exception refuses the change), {@link #after} once the call's
 * outermost transaction committed, each plugin's hook in a transaction of its own, its failure
 * logged. The model's and the File API's actions call it; nothing else does.
 */
public final class EntityHookDispatcher {
    private static final Logger LOG = Logger.getLogger(EntityHookDispatcher.class.getName());

    private final List<PluginSet.Named<IEntityHooks>> hooks;
    private final ActionDispatcher dispatcher;

    public EntityHookDispatcher(PluginSet plugins, ActionDispatcher dispatcher) {
        this.hooks = plugins.implementing(IEntityHooks.class);
        this.dispatcher = dispatcher;
    }

    /**
     * Runs the before hooks; the first exception propagates and refuses the change. {@code data} is
     * asked for only when a plugin has hooks.
     */
    public void before(ActionContext ctx, EntityEvent.Entity entity, EntityEvent.Operation operation,
                       Supplier<Map<String, Object>> data) {
        if (hooks.isEmpty()) {
            return;
        }
        EntityEvent event = event(ctx, entity, operation, data.get());
        for (PluginSet.Named<IEntityHooks> named : hooks) {
            named.plugin().before(ctx, event);
        }
    }

    /**
     * Runs the after hooks once the running call committed (at once when no call is running:
     * there is no transaction to wait for). {@code data} is asked for (now, in the transaction)
     * only when a plugin has hooks.
     */
    public void after(ActionContext ctx, EntityEvent.Entity entity, EntityEvent.Operation operation,
                      Supplier<Map<String, Object>> data) {
        if (hooks.isEmpty()) {
            return;
        }
        EntityEvent event = event(ctx, entity, operation, data.get());
        Runnable run = () -> runAfter(ctx, event);
        if (!dispatcher.afterCommit(run)) {
            run.run();
        }
    }

    private EntityEvent event(ActionContext ctx, EntityEvent.Entity entity, EntityEvent.Operation operation,
                              Map<String, Object> data) {
        return new EntityEvent(entity, operation, dispatcher.currentAction().orElse(null), data, ctx.user());
    }

    private void runAfter(ActionContext ctx, EntityEvent event) {
        for (PluginSet.Named<IEntityHooks> named : hooks) {
            try {
                if (dispatcher.transactions() == null) {
                    named.plugin().after(ctx, event);
                } else {
                    dispatcher.outermost(() -> {
                        named.plugin().after(ctx, event);
                        return null;
                    });
                }
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "the after hook of plugin " + named.name() + " failed for " + event.entity() + " "
                        + event.operation() + " " + event.id() + " (the change stays committed): " + e, e);
            }
        }
    }
}
