package dev.portalkit.api.config;

import java.util.Map;

/** Handed to {@link IConfigDeclarations#declareConfig} to declare a plugin's options. */
public interface ConfigDeclaration {
    /**
     * Claims a key prefix such as {@code "portal.example."}: a configured key under it that no
     * option declares is an error at start ("unknown option"), not a warning.
     */
    void namespace(String prefix);

    /** Declares one option (or a templated family, see {@link ConfigOption}). */
    void option(ConfigOption option);

    /**
     * The raw configured values whose keys start with {@code prefix}, for options that depend on
     * other values (e.g. the options of a storage depend on its {@code type}). Secrets included:
     * do not print them.
     */
    Map<String, String> valuesUnder(String prefix);

    /**
     * Reports a configured value that the declarations alone cannot judge (an unknown storage
     * adapter, a transformer that does not exist): start fails with {@code key: problem} together
     * with every other configuration problem. The default fails at once.
     *
     * @param key     the full key at fault, e.g. {@code portal.files.storage.x.type}
     * @param problem what is wrong, e.g. {@code unknown adapter 'files:nope' (available: files:fs)}
     */
    default void reject(String key, String problem) {
        throw dev.portalkit.api.PortalException.config(key + ": " + problem);
    }

    /**
     * Rejects {@code key} with {@code problem} when its value is a whole number below {@code min},
     * however many digits it has; a value that is no whole number is left to the declared type's
     * check, which names the key too.
     */
    default void requireAtLeast(String key, long min, String problem) {
        String value = valuesUnder(key).get(key);
        if (value != null && value.trim().matches("[-+]?\\d+")
                && new java.math.BigInteger(value.trim()).compareTo(java.math.BigInteger.valueOf(min)) < 0) {
            reject(key, problem);
        }
    }
}
