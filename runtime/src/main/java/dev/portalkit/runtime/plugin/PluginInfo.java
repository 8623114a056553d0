package dev.portalkit.runtime.plugin;

import dev.portalkit.api.plugin.PortalPlugin;
import java.util.List;

/**
 * A discovered plugin.
 *
 * @param name             its name
 * @param plugin           the bean
 * @param source           the jar or folder it came from
 * @param builtIn          always enabled (the core)
 * @param enabled          listed in {@code portal.plugins} (or built in)
 * @param extensionPoints  simple names of the extension-point interfaces it implements
 */
public record PluginInfo(String name, PortalPlugin plugin, String source, boolean builtIn, boolean enabled,
                         List<String> extensionPoints) {
}
