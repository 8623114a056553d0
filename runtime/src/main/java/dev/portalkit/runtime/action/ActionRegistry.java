package dev.portalkit.runtime.action;

import dev.portalkit.api.action.Action;
import dev.portalkit.api.action.ChainedAction;
import dev.portalkit.api.action.IActions;
import dev.portalkit.runtime.plugin.Contributions;
import dev.portalkit.runtime.plugin.PluginSet;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/** Actions by name, each with its chain of wrappers (first configured plugin outermost). */
public final class ActionRegistry {
    /** One action: the plain implementation, who defined it, and its wrappers outermost first. */
    public record Entry(String name, Action base, String owner, List<ChainedAction> wrappers) {
    }

    private final Map<String, Entry> entries = new TreeMap<>();

    public ActionRegistry(PluginSet plugins) {
        Contributions.collect(plugins.implementing(IActions.class), IActions::actions, IActions::chainedActions, "action")
                .forEach((name, e) -> entries.put(name, new Entry(name, e.base(), e.owner(), e.wrappers())));
    }

    public Entry get(String name) {
        return entries.get(name);
    }

    public Set<String> names() {
        return Collections.unmodifiableSet(entries.keySet());
    }
}
