package dev.portalkit.api.action;

import java.util.Map;

/** An action with the flags set by {@link Action}'s wrappers. */
record FlaggedAction(Action delegate, boolean supportsTasks, boolean sideEffectFree, boolean acceptsUploads) implements Action {
    FlaggedAction {
        while (delegate instanceof FlaggedAction flagged) {
            delegate = flagged.delegate();
        }
    }

    @Override
    public Object call(ActionContext context, Map<String, Object> data) {
        return delegate.call(context, data);
    }
}
