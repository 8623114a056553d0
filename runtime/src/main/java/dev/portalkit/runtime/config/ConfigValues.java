package dev.portalkit.runtime.config;

import dev.portalkit.api.config.ConfigType;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Parsing of config values by {@link ConfigType}; one place, used by validation and the typed getters. */
public final class ConfigValues {
    private static final Pattern SIZE = Pattern.compile("(\\d+)\\s*([a-zA-Z]*)");

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
     * ({@code 2M} = 2,000,000).
     */
    public static long parseSize(String value) {
        Matcher m = SIZE.matcher(value.trim());
        if (!m.matches()) {
            throw new IllegalArgumentException("value must be a size such as 42B, 2M, 24KiB or 1GB");
        }
        long n = Long.parseLong(m.group(1));
        String unit = m.group(2).toLowerCase(Locale.ROOT);
        long factor = switch (unit) {
            case "", "b" -> 1L;
            case "k", "kb" -> 1000L;
            case "m", "mb" -> 1000L * 1000;
            case "g", "gb" -> 1000L * 1000 * 1000;
            case "t", "tb" -> 1000L * 1000 * 1000 * 1000;
            case "kib" -> 1024L;
            case "mib" -> 1024L * 1024;
            case "gib" -> 1024L * 1024 * 1024;
            case "tib" -> 1024L * 1024 * 1024 * 1024;
            default -> throw new IllegalArgumentException("value has an unknown size unit '" + m.group(2)
                    + "' (use B, K, KB, KiB, M, MB, MiB, G, GB, GiB, T, TB, TiB)");
        };
        return Math.multiplyExact(n, factor);
    }
}
