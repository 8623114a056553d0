package dev.portalkit.api.files;

import java.util.List;
import java.util.Map;
import java.util.Set;

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

    /** An adapter option's value (after defaults), or {@code null}. */
    public String option(String key) {
        return options.get(key);
    }

    /** An adapter option read as a boolean ({@code true/yes/on/1}). */
    public boolean flag(String key) {
        String value = options.get(key);
        return value != null && switch (value.trim().toLowerCase(java.util.Locale.ROOT)) {
            case "true", "yes", "on", "1", "t", "y" -> true;
            default -> false;
        };
    }
}
