package dev.portalkit.integration.health;

import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * A plugin's own readiness check, as a plugin adds one: a CDI bean with {@link Readiness}, its
 * answer built with MicroProfile Health's builder. UP unless a test sets {@link #down}.
 */
@Readiness
@ApplicationScoped
public class PluginHealthCheck implements HealthCheck {
    /** A reason to answer DOWN, or null. */
    public static volatile String down;

    @Override
    public HealthCheckResponse call() {
        String reason = down;
        return HealthCheckResponse.named("test-plugin").status(reason == null).withData("reason", reason == null ? "none" : reason)
                .withData("checked", true).build();
    }
}
