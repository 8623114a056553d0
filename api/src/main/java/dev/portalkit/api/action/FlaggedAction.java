package dev.portalkit.api.action;

import dev.portalkit.api.validation.Schema;
import java.util.Map;

/** An action with the flags and description set by {@link Action}'s wrappers. */
record FlaggedAction(Action delegate, boolean supportsTasks, boolean sideEffectFree, boolean acceptsUploads,
                     String documentation, String schemaName, Schema schema) implements Action {
    FlaggedAction {
        while (delegate instanceof FlaggedAction flagged) {
            delegate = flagged.delegate();
        }
    }

    /** {@code action} with these flags, keeping its documentation and schema. */
    static FlaggedAction of(Action action, boolean supportsTasks, boolean sideEffectFree, boolean acceptsUploads) {
        return new FlaggedAction(action, supportsTasks, sideEffectFree, acceptsUploads, action.documentation(),
                action.schemaName(), action.schema());
    }

    @Override
    public Object call(ActionContext context, Map<String, Object> data) {
        return delegate.call(context, data);
    }
}
