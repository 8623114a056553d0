package dev.portalkit.api.config;

/** The type of a config option; values are checked against it at start. */
public enum ConfigType {
    STRING,
    /** A whole number. */
    INT,
    /** {@code true/false}, {@code yes/no}, {@code on/off}, {@code 1/0}. */
    BOOLEAN,
    /** Space or comma separated words. */
    LIST,
    /** A byte size: {@code 42}, {@code 42B}, {@code 2M}, {@code 24KiB}, {@code 1GB}. */
    SIZE,
    /** A file system path. */
    PATH
}
