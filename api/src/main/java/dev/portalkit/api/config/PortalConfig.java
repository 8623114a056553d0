package dev.portalkit.api.config;

import java.util.List;
import java.util.Optional;

/**
 * The validated configuration: values from the config file, environment variables
 * ({@code PORTAL_DB_URL} for {@code portal.db.url}) and system properties, with declared
 * defaults applied. Available from {@code ActionContext.config()} or by CDI injection.
 * Typed getters parse as the option's {@link ConfigType} does.
 */
public interface PortalConfig {
    /** The value (or declared default), if any. */
    Optional<String> get(String key);

    /** The value or default; fails with CONFIG_INVALID naming the key when there is none. */
    String string(String key);

    int integer(String key);

    boolean bool(String key);

    List<String> list(String key);

    /** A {@link ConfigType#SIZE} value in bytes. */
    long size(String key);
}
