package dev.portalkit.runtime.plugin;

import dev.portalkit.runtime.Portal;

/**
 * Runtime-internal lifecycle hooks for built-in plugins that own a subsystem (files, web):
 * {@link #pluginsResolved} before config declarations are collected (so declarations can depend
 * on what other plugins contribute, e.g. storage adapter options), {@link #started} once the
 * database and registries are ready (before pending tasks run), {@link #stopping} on stop, and
 * {@link #upkeep} for periodic work of a serving portal.
 */
public interface Subsystem {
    default void pluginsResolved(PluginSet plugins) {
    }

    default void started(Portal portal) {
    }

    default void stopping() {
    }

    /**
     * Periodic upkeep of a serving portal (the server's poller calls it every
     * {@code portal.tasks.poll_interval} seconds, a minute when that is off; command-line runs never
     * do): the subsystem does what is due, e.g. the files plugin's orphan sweep.
     */
    default void upkeep(Portal portal) {
    }
}
