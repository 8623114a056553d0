package dev.portalkit.api.config;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The type of a config option; values are checked against it at start. */
public enum ConfigType {
    STRING,
    /** A whole number. */
    INT,
    /** {@code true/false}, {@code yes/no}, {@code on/off}, {@code 1/0}. */
    BOOLEAN,
    /** Space or comma separated words. */
    LIST,
    /** A byte size: {@code 42}, {@code 42B}, {@code 2M}, {@code 24KiB}, {@code 1GB}; see {@link #parseSize}. */
    SIZE,
    /** A file system path. */
    PATH;

    private static final Pattern SIZE_SYNTAX = Pattern.compile("(\\d+)\\s*([a-zA-Z]*)");

    /**
     * Parses a {@link #SIZE} value to bytes: the one size parser of Portalkit, used by the host's
     * validation and by {@code StorageSettings.size}. A whole number with an optional unit
     * (case-insensitive, space allowed before it): none or {@code B} (bytes); {@code K}/{@code KB},
     * {@code M}/{@code MB}, {@code G}/{@code GB}, {@code T}/{@code TB} (powers of 1000, so
     * {@code 2M} is 2,000,000); {@code KiB}, {@code MiB}, {@code GiB}, {@code TiB} (powers of 1024).
     *
     * @throws IllegalArgumentException with a message for the user when the syntax or the unit is
     *                                  wrong; a {@link NumberFormatException} or an
     *                                  {@link ArithmeticException} when the number is too large
     */
    public static long parseSize(String value) {
        Matcher m = SIZE_SYNTAX.matcher(value.trim());
        if (!m.matches()) {
            throw new IllegalArgumentException("value must be a size such as 42B, 2M, 24KiB or 1GB");
        }
        long n = Long.parseLong(m.group(1));
        long factor = switch (m.group(2).toLowerCase(Locale.ROOT)) {
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
