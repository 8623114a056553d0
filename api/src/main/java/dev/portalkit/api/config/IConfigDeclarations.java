package dev.portalkit.api.config;

/**
 * Extension point: declare the plugin's config options, so that {@code portalkit config
 * declaration} prints them and bad values fail start with a message that names the key.
 * A plugin reads only its own keys.
 */
public interface IConfigDeclarations {
    void declareConfig(ConfigDeclaration declaration);
}
