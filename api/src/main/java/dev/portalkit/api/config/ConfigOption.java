package dev.portalkit.api.config;

import java.util.List;

/**
 * A declared config option.
 *
 * <p>A key may contain one placeholder segment such as {@code <name>}, which makes it a
 * templated family: {@code portal.files.storage.<name>.path} covers every
 * {@code portal.files.storage.X.path}. A required family option is required for each instance
 * that appears in the configuration.
 *
 * @param key           the full key, e.g. {@code portal.example.greeting}
 * @param type          value type
 * @param defaultValue  default as text, or {@code null} for none
 * @param help          one or more sentences, printed by {@code portalkit config declaration -d}
 * @param required      whether a value must be given
 * @param secret        never printed or logged (passwords, keys)
 * @param allowedValues if not empty, the value must be one of these
 */
public record ConfigOption(String key, ConfigType type, String defaultValue, String help,
                           boolean required, boolean secret, List<String> allowedValues) {
    public ConfigOption {
        allowedValues = allowedValues == null ? List.of() : List.copyOf(allowedValues);
        help = help == null ? "" : help;
    }

    /** A string option with no default. */
    public static ConfigOption of(String key, String help) {
        return new ConfigOption(key, ConfigType.STRING, null, help, false, false, List.of());
    }

    public ConfigOption type(ConfigType newType) {
        return new ConfigOption(key, newType, defaultValue, help, required, secret, allowedValues);
    }

    public ConfigOption defaultValue(String value) {
        return new ConfigOption(key, type, value, help, required, secret, allowedValues);
    }

    public ConfigOption asRequired() {
        return new ConfigOption(key, type, defaultValue, help, true, secret, allowedValues);
    }

    public ConfigOption asSecret() {
        return new ConfigOption(key, type, defaultValue, help, required, true, allowedValues);
    }

    public ConfigOption oneOf(String... values) {
        return new ConfigOption(key, type, defaultValue, help, required, secret, List.of(values));
    }
}
