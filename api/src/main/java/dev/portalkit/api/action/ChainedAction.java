package dev.portalkit.api.action;

import java.util.Map;

/**
 * Wraps an existing action of the same name. Call {@code next.call(context, data)} to run the
 * rest of the chain (possibly with changed data), or don't, to replace it.
 *
 * <p>Order: when several enabled plugins chain the same action, the plugin listed first in
 * {@code portal.plugins} is the outermost: it is called first, its {@code next} is the second
 * plugin's chained action, and so on down to the plain action (the core's, or a plugin's that
 * replaced it). Built-in plugins come after every configured one.
 */
@FunctionalInterface
public interface ChainedAction {
    Object call(Action next, ActionContext context, Map<String, Object> data);
}
