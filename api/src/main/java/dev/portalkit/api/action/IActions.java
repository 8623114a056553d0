package dev.portalkit.api.action;

import java.util.Map;

/**
 * Extension point: contribute actions.
 *
 * <p>{@link #actions()} adds new actions or replaces core ones by name; two enabled plugins
 * defining the same plain action fail start with both names. {@link #chainedActions()} wraps an
 * existing action (see {@link ChainedAction} for the order); chaining an action that nobody
 * defines fails start.
 */
public interface IActions {
    default Map<String, Action> actions() {
        return Map.of();
    }

    default Map<String, ChainedAction> chainedActions() {
        return Map.of();
    }
}
