package dev.portalkit.runtime.plugin;

import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.spi.BeanManager;
import jakarta.enterprise.inject.spi.BeforeBeanDiscovery;
import jakarta.enterprise.inject.spi.Extension;
import java.util.List;

/** Adds the plugin classes found in plugin jars (outside the class path) to the CDI container. */
public final class PluginJarExtension implements Extension {
    private final List<PluginJars.Found> plugins;

    public PluginJarExtension(List<PluginJars.Found> plugins) {
        this.plugins = plugins;
    }

    void addPluginTypes(@Observes BeforeBeanDiscovery event, BeanManager beanManager) {
        for (PluginJars.Found found : plugins) {
            event.addAnnotatedType(beanManager.createAnnotatedType(found.type()), "plugin-jar:" + found.type().getName());
        }
    }
}
