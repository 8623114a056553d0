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
}
