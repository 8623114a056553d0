package dev.portalkit.runtime.plugins;

import dev.portalkit.api.action.ChainedAction;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Shared recorder of the test plugins' chain order. */
public final class ChainRecorder {
    public static final List<String> AUTH_ORDER = new CopyOnWriteArrayList<>();
    public static final List<String> SCHEMA_ORDER = new CopyOnWriteArrayList<>();

    private ChainRecorder() {
    }

    public static void reset() {
        AUTH_ORDER.clear();
        SCHEMA_ORDER.clear();
    }

    /** A wrapper that notes "name:before" and "name:after" around the rest of the chain. */
    @SuppressWarnings("unchecked")
    static ChainedAction wrap(String name) {
        return (next, ctx, data) -> {
            List<String> result = (List<String>) next.call(ctx, data);
            result.add(0, name + ":before");
            result.add(name + ":after");
            return result;
        };
    }
}
