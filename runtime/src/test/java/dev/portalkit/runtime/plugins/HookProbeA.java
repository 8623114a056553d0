package dev.portalkit.runtime.plugins;

import jakarta.enterprise.context.ApplicationScoped;

/** Test plugin {@code hooks-a}: see {@link HookProbe}. */
@ApplicationScoped
public class HookProbeA extends HookProbe {
    @Override
    public String name() {
        return "hooks-a";
    }
}
