package dev.portalkit.runtime.config;

import dev.portalkit.api.config.ConfigType;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Parsing of config values by {@link ConfigType}; one place, used by validation and the typed getters. */
public final class ConfigValues {
    private ConfigValues() {
    }

    /** Returns an error text for {@code value} of {@code type}, or {@code null} when it parses. */
    public static String check(ConfigType type, String value) {
        try {
            switch (type) {
                case INT -> Integer.parseInt(value.trim());
                case BOOLEAN -> parseBoolean(value);
                case SIZE -> parseSize(value);
                default -> {
                }
            }
            return null;
        } catch (NumberFormatException e) {
            return "value must be a whole number";
        } catch (IllegalArgumentException e) {
            return e.getMessage();
        }
    }

    public static boolean parseBoolean(String value) {
        switch (value.trim().toLowerCase(Locale.ROOT)) {
            case "true", "yes", "on", "1", "t", "y":
                return true;
            case "false", "no", "off", "0", "f", "n", "":
                return false;
            default:
                throw new IllegalArgumentException("value must be a boolean (true/false, yes/no, on/off, 1/0)");
        }
    }

    /** Space or comma separated words. */
    public static List<String> parseList(String value) {
        List<String> out = new ArrayList<>();
        for (String part : value.split("[\\s,]+")) {
            if (!part.isBlank()) {
                out.add(part.trim());
            }
        }
        return out;
    }

    /**
     * A byte size: {@code 42}, {@code 42B}, {@code 2K}/{@code 2KB} (1000), {@code 2KiB} (1024),
     * {@code M}, {@code G}, {@code T} likewise. Single-letter suffixes are decimal as in the seed
     * ({@code 2M} = 2,000,000). The parser is the API's ({@link ConfigType#parseSize}), which
     * storage adapters reach through {@code StorageSettings.size}.
     */
    public static long parseSize(String value) {
        return ConfigType.parseSize(value);
    }
}
