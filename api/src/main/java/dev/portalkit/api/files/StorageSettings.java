package dev.portalkit.api.files;

import dev.portalkit.api.PortalException;
import dev.portalkit.api.config.ConfigType;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The validated settings of one named storage, from {@code portal.files.storage.<name>.*}.
 *
 * @param name                    the configured name: the {@code <name>} of the keys (used in messages and as the storage's key)
 * @param label                   the {@code name} option, a descriptive name for logs and {@code files storages}; {@code name} when not set
 * @param type                    the adapter type, e.g. {@code files:fs}
 * @param maxSize                 largest accepted upload in bytes; 0 = no limit
 * @param supportedTypes          accepted MIME types: full types ({@code text/csv}, {@code image/*}), main types ({@code image}) or subtypes ({@code pdf}); empty = any
 * @param overwriteExisting       whether an upload may replace a file at the same location
 * @param locationTransformers    names of the transformers {@code prepareLocation} applies, in order
 * @param initialize              prepare the backend at start (create the folder / bucket)
 * @param publicStorage           files are publicly readable (public links, public download route)
 * @param disabledCapabilities    capabilities removed from what the services declare
 * @param hashingAlgorithm        algorithm of the content hash computed while streaming (e.g. {@code md5})
 * @param inefficientOperationCap largest file (bytes) for which missing COPY / MOVE / COMPOSE / RANGE are emulated by streaming
 * @param options                 the adapter's own options (validated against its declarations, defaults applied), by option name
 */
public record StorageSettings(String name, String label, String type, long maxSize, List<String> supportedTypes,
                              boolean overwriteExisting, List<String> locationTransformers, boolean initialize,
                              boolean publicStorage, Set<Capability> disabledCapabilities, String hashingAlgorithm,
                              long inefficientOperationCap, Map<String, String> options) {
    /** The prefix of every storage option: {@code portal.files.storage.<name>.<option>}. */
    public static final String KEY_PREFIX = "portal.files.storage.";

    public StorageSettings {
        label = label == null || label.isBlank() ? name : label;
        supportedTypes = List.copyOf(supportedTypes);
        locationTransformers = List.copyOf(locationTransformers);
        disabledCapabilities = Set.copyOf(disabledCapabilities);
        options = Map.copyOf(options);
    }

    /**
     * The full config key of one of this storage's options, for messages that must name it:
     * {@code key("path")} is {@code portal.files.storage.<name>.path}.
     */
    public String key(String option) {
        return KEY_PREFIX + name + "." + option;
    }

    // ---- adapter options -------------------------------------------------------------------------
    //
    // The host has checked every adapter option against the adapter's declaration (ConfigOption:
    // type, allowed values, required) and applied the declared defaults before the adapter sees
    // them. The typed accessors read that value; a value they cannot use (an option declared as a
    // STRING but read as a size, a number out of bounds) fails with PortalException.config naming
    // the full key, e.g. "portal.files.storage.<name>.block_size: ...". An option that has no value
    // (not set and no default) fails with "<key>: missing value" in every accessor but option,
    // secret and flag: declare a default or check option(name) != null first.

    /** An adapter option's value (trimmed, after defaults), or {@code null} when it is not set and has no default. */
    public String option(String option) {
        return options.get(option);
    }

    /**
     * An adapter option that holds a secret (a password, a key, a URL with credentials): the same
     * value as {@link #option}, read through its own accessor to say that it must never be logged,
     * printed or put into a message (declare it with {@code ConfigOption.asSecret()} so the host
     * does not print it either).
     */
    public String secret(String option) {
        return options.get(option);
    }

    /**
     * An adapter option read as a boolean: {@code true} for {@code true/yes/on/1/t/y}
     * (case-insensitive), {@code false} for anything else and when it is not set. Declare it
     * {@code ConfigType.BOOLEAN} so the host rejects other words at start.
     */
    public boolean flag(String option) {
        String value = options.get(option);
        return value != null && switch (value.trim().toLowerCase(Locale.ROOT)) {
            case "true", "yes", "on", "1", "t", "y" -> true;
            default -> false;
        };
    }

    /**
     * An adapter option read as a size in bytes (declare it {@code ConfigType.SIZE}): a whole
     * number with an optional unit, {@code 42}, {@code 42B}, {@code 2K}/{@code 2KB}/{@code 2M}/{@code 1GB}/{@code 1T}
     * (powers of 1000) or {@code 24KiB}/{@code 10MiB}/{@code 1GiB}/{@code 1TiB} (powers of 1024);
     * see {@link ConfigType#parseSize}.
     *
     * @throws PortalException CONFIG_INVALID naming the key when missing or not a size
     */
    public long size(String option) {
        String value = required(option);
        try {
            return ConfigType.parseSize(value);
        } catch (NumberFormatException | ArithmeticException e) {
            throw invalid(option, "value is too large", value);
        } catch (IllegalArgumentException e) {
            throw invalid(option, e.getMessage(), value);
        }
    }

    /**
     * An adapter option read as a whole number (declare it {@code ConfigType.INT}), e.g. {@code 16}
     * or {@code -1}.
     *
     * @throws PortalException CONFIG_INVALID naming the key when missing or not an {@code int}
     */
    public int integer(String option) {
        String value = required(option);
        try {
            return Integer.parseInt(value.trim());
        } catch (NumberFormatException e) {
            throw invalid(option, "value must be a whole number", value);
        }
    }

    /**
     * {@link #integer(String)} within bounds: {@code min <= value <= max}.
     *
     * @throws PortalException CONFIG_INVALID naming the key when missing, not a
     *                                           number, or {@code must be between <min> and <max>}
     */
    public int integer(String option, int min, int max) {
        int n = integer(option);
        if (n < min || n > max) {
            throw invalid(option, "must be between " + min + " and " + max, options.get(option));
        }
        return n;
    }

    /**
     * An adapter option read as a duration: a whole number of seconds ({@code 30}, what an option
     * declared {@code ConfigType.INT} holds, so the host checks it at start) or an ISO-8601
     * duration ({@code PT5M}, {@code PT1H30M}, {@code P1D}; case-insensitive, declare the option as
     * a {@code STRING}). Never negative.
     *
     * @throws PortalException CONFIG_INVALID naming the key when missing, not a duration or negative
     */
    public Duration duration(String option) {
        String value = required(option);
        String text = value.trim();
        Duration duration;
        try {
            duration = text.chars().allMatch(Character::isDigit) && !text.isEmpty()
                    ? Duration.ofSeconds(Long.parseLong(text))
                    : Duration.parse(text.toUpperCase(Locale.ROOT));
        } catch (NumberFormatException e) {
            throw invalid(option, "value is too large", value);
        } catch (DateTimeParseException e) {
            throw invalid(option, "value must be a duration: seconds such as 30, or ISO-8601 such as PT5M", value);
        }
        if (duration.isNegative()) {
            throw invalid(option, "value must not be negative", value);
        }
        return duration;
    }

    /**
     * An adapter option read as one of an enum's constants, matched case-insensitively by name:
     * {@code choice("proxy", Proxy.class)} reads {@code redirect} as {@code Proxy.REDIRECT}.
     * Declare it with {@code ConfigOption.oneOf(...)} listing the same names, so the host checks it at start.
     *
     * @throws PortalException CONFIG_INVALID naming the key and the allowed values when missing or not one of them
     */
    public <E extends Enum<E>> E choice(String option, Class<E> type) {
        String value = required(option);
        for (E constant : type.getEnumConstants()) {
            if (constant.name().equalsIgnoreCase(value.trim())) {
                return constant;
            }
        }
        throw invalid(option, "value must be one of " + Arrays.stream(type.getEnumConstants())
                .map(c -> c.name().toLowerCase(Locale.ROOT)).collect(Collectors.joining(", ")), value);
    }

    private String required(String option) {
        String value = options.get(option);
        if (value == null || value.isBlank()) {
            throw PortalException.config(key(option) + ": missing value");
        }
        return value;
    }

    private PortalException invalid(String option, String problem, String value) {
        return PortalException.config(key(option) + ": " + problem + " (got '" + value + "')");
    }
}
