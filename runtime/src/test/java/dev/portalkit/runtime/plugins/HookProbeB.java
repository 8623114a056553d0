package dev.portalkit.runtime.plugins;

import jakarta.enterprise.context.ApplicationScoped;

/** Test plugin {@code hooks-b}: see {@link HookProbe}. */
@ApplicationScoped
public class HookProbeB extends HookProbe {
    @Override
    public String name() {
        return "hooks-b";
    }
}
