package dev.portalkit.integration.health;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.spi.HealthCheckResponseProvider;

/**
 * MicroProfile Health's response builder for the standalone portal ({@code HealthCheckResponse.up("x")},
 * {@code HealthCheckResponse.named("x").withData(..).down().build()} in a plugin's check), found
 * through {@code ServiceLoader}. In an app server with MicroProfile Health its own provider serves.
 */
public final class HealthResponses implements HealthCheckResponseProvider {
    @Override
    public HealthCheckResponseBuilder createResponseBuilder() {
        return new Builder();
    }

    private static final class Builder extends HealthCheckResponseBuilder {
        private String name;
        private HealthCheckResponse.Status status = HealthCheckResponse.Status.DOWN;
        private final Map<String, Object> data = new LinkedHashMap<>();

        @Override
        public HealthCheckResponseBuilder name(String name) {
            this.name = name;
            return this;
        }

        @Override
        public HealthCheckResponseBuilder withData(String key, String value) {
            data.put(key, value);
            return this;
        }

        @Override
        public HealthCheckResponseBuilder withData(String key, long value) {
            data.put(key, value);
            return this;
        }

        @Override
        public HealthCheckResponseBuilder withData(String key, boolean value) {
            data.put(key, value);
            return this;
        }

        @Override
        public HealthCheckResponseBuilder up() {
            status = HealthCheckResponse.Status.UP;
            return this;
        }

        @Override
        public HealthCheckResponseBuilder down() {
            status = HealthCheckResponse.Status.DOWN;
            return this;
        }

        @Override
        public HealthCheckResponseBuilder status(boolean up) {
            status = up ? HealthCheckResponse.Status.UP : HealthCheckResponse.Status.DOWN;
            return this;
        }

        @Override
        public HealthCheckResponse build() {
            if (name == null || name.isBlank()) {
                throw new IllegalStateException("a health check response needs a name");
            }
            return new HealthCheckResponse(name, status, data.isEmpty() ? Optional.empty() : Optional.of(new LinkedHashMap<>(data)));
        }
    }
}
