package dev.portalkit.runtime.files.registry;

import dev.portalkit.runtime.files.content.Hashing;
import dev.portalkit.runtime.files.managed.InPlaceOperations;
import dev.portalkit.runtime.files.managed.RetryLayer;
import dev.portalkit.api.PortalException;
import dev.portalkit.api.config.ConfigDeclaration;
import dev.portalkit.api.config.ConfigOption;
import dev.portalkit.api.config.ConfigType;
import dev.portalkit.api.files.Capability;
import dev.portalkit.api.files.StorageFactory;
import dev.portalkit.api.files.StorageSettings;
import dev.portalkit.runtime.config.ConfigValues;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * The options of a named storage, {@code portal.files.storage.<name>.<option>}: the common ones
 * (every storage), declared as a templated family, and the adapter's own, declared per storage
 * once its {@code type} is known. One parser turns either the configuration or a map of options
 * into {@link StorageSettings}, with the same checks and messages naming the full key.
 */
public final class StorageOptions {
    public static final String PREFIX = StorageSettings.KEY_PREFIX;
    static final String TYPE = "type";
    static final String MAX_SIZE = "max_size";
    static final String SUPPORTED_TYPES = "supported_types";
    static final String OVERWRITE_EXISTING = "overwrite_existing";
    static final String LOCATION_TRANSFORMERS = "location_transformers";
    static final String INITIALIZE = "initialize";
    static final String PUBLIC = "public";
    static final String DISABLED_CAPABILITIES = "disabled_capabilities";
    static final String HASHING_ALGORITHM = "hashing_algorithm";
    static final String INEFFICIENT_OPERATION_CAP = "inefficient_operation_cap";
    static final String NAME = "name";
    static final String RETRIES = "retries";
    static final String RETRY_DELAY = "retry_delay_ms";
    static final String SKIP_IN_PLACE_COPY = "skip_in_place_copy";
    static final String SKIP_IN_PLACE_MOVE = "skip_in_place_move";
    private static final int MAX_RETRIES = 10;
    private static final int MAX_RETRY_DELAY = 60_000;

    /** The common options, keys relative to the storage. */
    static final List<ConfigOption> COMMON = List.of(
            ConfigOption.of(TYPE, "Storage adapter of the storage, e.g. files:fs (`portalkit files adapters` lists them).").asRequired(),
            ConfigOption.of(MAX_SIZE, "The largest accepted upload; enforced while the upload streams. "
                    + "Sizes: 42B, 2M, 24KiB, 1GB. 0 means no limit.").type(ConfigType.SIZE).defaultValue("0"),
            ConfigOption.of(SUPPORTED_TYPES, "Accepted content types, space separated: full types (text/csv, image/*), "
                    + "main types (image) or subtypes (pdf). The type is detected from the content; empty accepts any.")
                    .type(ConfigType.LIST).defaultValue(""),
            ConfigOption.of(OVERWRITE_EXISTING, "Whether an upload may replace an existing file at the same location.")
                    .type(ConfigType.BOOLEAN).defaultValue("false"),
            ConfigOption.of(LOCATION_TRANSFORMERS, "Transformers applied in order by prepareLocation: uuid, uuid_prefix, "
                    + "uuid_with_extension, datetime_prefix, datetime_with_extension, fix_extension, safe_relative_path, "
                    + "and those of plugins.").type(ConfigType.LIST).defaultValue(""),
            ConfigOption.of(INITIALIZE, "Prepare the backend at start (create the folder, the bucket).")
                    .type(ConfigType.BOOLEAN).defaultValue("false"),
            ConfigOption.of(PUBLIC, "Files of this storage are public: readable by anyone who knows the location.")
                    .type(ConfigType.BOOLEAN).defaultValue("false"),
            ConfigOption.of(DISABLED_CAPABILITIES, "Capabilities to turn off although the adapter has them, e.g. REMOVE SCAN; "
                    + "they are not emulated either.").type(ConfigType.LIST).defaultValue(""),
            ConfigOption.of(HASHING_ALGORITHM, "Algorithm of the content hash computed while files stream in: md5, sha1, sha256, sha512.")
                    .defaultValue("md5"),
            ConfigOption.of(INEFFICIENT_OPERATION_CAP, "Largest file for which COPY, MOVE, COMPOSE and RANGE the adapter lacks "
                    + "are emulated by streaming the content through the portal.").type(ConfigType.SIZE).defaultValue("10MiB"),
            ConfigOption.of(RETRIES, "How many more times a call the backend fails as unavailable is made (opening a stream or "
                    + "range, links, exists, stat, analyze, scan, remove; never a write), 0 to " + MAX_RETRIES + ".")
                    .type(ConfigType.INT).defaultValue(String.valueOf(RetryLayer.DEFAULT.retries())),
            ConfigOption.of(RETRY_DELAY, "Milliseconds before the first retry; each further one waits twice as long (0 to "
                    + MAX_RETRY_DELAY + ").").type(ConfigType.INT).defaultValue(String.valueOf(RetryLayer.DEFAULT.firstDelay().toMillis())),
            ConfigOption.of(SKIP_IN_PLACE_COPY, "A copy whose target is its source's own location changes nothing and answers "
                    + "the source (file-keeper's default); false refuses it as a bad request.").type(ConfigType.BOOLEAN).defaultValue("true"),
            ConfigOption.of(SKIP_IN_PLACE_MOVE, "A move whose target is its source's own location changes nothing and answers "
                    + "the source (file-keeper's default); false refuses it as a bad request.").type(ConfigType.BOOLEAN).defaultValue("true"),
            ConfigOption.of(NAME, "Descriptive name of the storage for logs and `files storages`; default: the configured name."));

    private StorageOptions() {
    }

    static String key(String storage, String option) {
        return PREFIX + storage + "." + option;
    }

    /** The storage names configured under {@link #PREFIX}. */
    public static Set<String> names(Map<String, String> values) {
        Set<String> names = new TreeSet<>();
        for (String key : values.keySet()) {
            if (key.startsWith(PREFIX)) {
                String rest = key.substring(PREFIX.length());
                int dot = rest.indexOf('.');
                if (dot > 0) {
                    names.add(rest.substring(0, dot));
                }
            }
        }
        return names;
    }

    static ConfigOption common(String option) {
        for (ConfigOption o : COMMON) {
            if (o.key().equals(option)) {
                return o;
            }
        }
        return null;
    }

    /**
     * Declares the common options as a family, and each configured storage's adapter options;
     * rejects an unknown type (listing the adapters) and values only the files plugin can judge.
     */
    public static void declare(ConfigDeclaration d, Map<String, StorageFactory> factories, Set<String> transformers) {
        for (ConfigOption option : COMMON) {
            d.option(rekey(option, PREFIX + "<name>." + option.key()));
        }
        Map<String, String> values = d.valuesUnder(PREFIX);
        for (String name : names(values)) {
            String type = values.get(key(name, TYPE));
            if (type == null || type.isBlank()) {
                continue;
            }
            StorageFactory factory = factories.get(type.trim());
            if (factory == null) {
                d.reject(key(name, TYPE), unknownAdapter(type.trim(), factories));
                // The other options of this storage cannot be judged without its adapter: one error is enough.
                values.keySet().stream().filter(k -> k.startsWith(PREFIX + name + ".") && common(k.substring((PREFIX + name + ".").length())) == null)
                        .forEach(k -> d.option(ConfigOption.of(k, "An option of a storage whose adapter is unknown.")));
                continue;
            }
            for (ConfigOption option : factory.options()) {
                if (common(option.key()) != null) {
                    d.reject(key(name, TYPE), "adapter " + type + " redeclares the common option '" + option.key() + "'");
                    continue;
                }
                d.option(rekey(option, key(name, option.key())));
            }
            List<String> problems = new ArrayList<>();
            Map<String, String> given = new LinkedHashMap<>();
            values.forEach((k, v) -> {
                if (k.startsWith(PREFIX + name + ".")) {
                    given.put(k.substring((PREFIX + name + ".").length()), v);
                }
            });
            checkCommonValues(name, given, transformers, problems);
            for (String problem : problems) {
                int colon = problem.indexOf(": ");
                d.reject(problem.substring(0, colon), problem.substring(colon + 2));
            }
        }
    }

    static String unknownAdapter(String type, Map<String, StorageFactory> factories) {
        return "unknown adapter '" + type + "' (available: " + String.join(", ", new TreeSet<>(factories.keySet())) + ")";
    }

    private static ConfigOption rekey(ConfigOption o, String key) {
        return new ConfigOption(key, o.type(), o.defaultValue(), o.help(), o.required(), o.secret(), o.allowedValues());
    }

    /** Checks of common values beyond their types: transformer names, capabilities, hashing algorithm. */
    private static void checkCommonValues(String name, Map<String, String> given, Set<String> transformers, List<String> problems) {
        String names = given.get(LOCATION_TRANSFORMERS);
        if (names != null) {
            for (String t : ConfigValues.parseList(names)) {
                if (!transformers.contains(t)) {
                    problems.add(key(name, LOCATION_TRANSFORMERS) + ": unknown transformer '" + t + "' (available: "
                            + String.join(", ", new TreeSet<>(transformers)) + ")");
                }
            }
        }
        String caps = given.get(DISABLED_CAPABILITIES);
        if (caps != null) {
            for (String c : ConfigValues.parseList(caps)) {
                if (capability(c) == null) {
                    problems.add(key(name, DISABLED_CAPABILITIES) + ": unknown capability '" + c + "' (known: "
                            + EnumSet.allOf(Capability.class).stream().map(Enum::name).collect(Collectors.joining(", ")) + ")");
                }
            }
        }
        String algorithm = given.get(HASHING_ALGORITHM);
        if (algorithm != null && Hashing.jcaName(algorithm) == null) {
            problems.add(key(name, HASHING_ALGORITHM) + ": unknown hashing algorithm '" + algorithm + "' (e.g. md5, sha1, sha256, sha512)");
        }
        checkBounded(name, given, RETRIES, MAX_RETRIES, problems);
        checkBounded(name, given, RETRY_DELAY, MAX_RETRY_DELAY, problems);
    }

    /** A whole number of {@code option} (checked as an INT already) that is not within 0 and {@code max}. */
    private static void checkBounded(String name, Map<String, String> given, String option, int max, List<String> problems) {
        String value = given.get(option);
        if (value == null || value.isBlank()) {
            return;
        }
        try {
            long n = Long.parseLong(value.trim());
            if (n < 0 || n > max) {
                problems.add(key(name, option) + ": value must be between 0 and " + max + " (got '" + value.trim() + "')");
            }
        } catch (NumberFormatException e) {
            // reported as not a whole number by the type check
        }
    }

    /**
     * The retry layer of a storage from its options ({@code given}: keys relative to the storage,
     * checked by {@link #parse}); the defaults where they are not set.
     */
    public static RetryLayer retries(Map<String, String> given) {
        String retries = given.get(RETRIES);
        String delay = given.get(RETRY_DELAY);
        return new RetryLayer(retries == null || retries.isBlank() ? RetryLayer.DEFAULT.retries() : Integer.parseInt(retries.trim()),
                delay == null || delay.isBlank() ? RetryLayer.DEFAULT.firstDelay() : Duration.ofMillis(Long.parseLong(delay.trim())));
    }

    /**
     * What an in-place copy or move does in a storage, from its options ({@code given}: keys relative
     * to the storage, checked by {@link #parse}); skipped where they are not set.
     */
    public static InPlaceOperations inPlace(Map<String, String> given) {
        String copy = given.get(SKIP_IN_PLACE_COPY);
        String move = given.get(SKIP_IN_PLACE_MOVE);
        return new InPlaceOperations(copy == null || copy.isBlank() || ConfigValues.parseBoolean(copy),
                move == null || move.isBlank() || ConfigValues.parseBoolean(move));
    }

    private static Capability capability(String name) {
        try {
            return Capability.valueOf(name.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /**
     * Settings of storage {@code name} from its options ({@code given}: keys relative to the
     * storage, only the ones set). Checks everything the configuration checks at start:
     * required, types, unknown options, the adapter type, transformers, capabilities, algorithm.
     *
     * @throws PortalException CONFIG_INVALID listing every problem, each naming its full key
     */
    static StorageSettings parse(String name, Map<String, String> given, Map<String, StorageFactory> factories,
                                 Set<String> transformers) {
        List<String> problems = new ArrayList<>();
        String type = given.get(TYPE);
        StorageFactory factory = null;
        if (type == null || type.isBlank()) {
            problems.add(key(name, TYPE) + ": missing value");
        } else {
            factory = factories.get(type.trim());
            if (factory == null) {
                problems.add(key(name, TYPE) + ": " + unknownAdapter(type.trim(), factories));
            }
        }
        Map<String, ConfigOption> declared = new LinkedHashMap<>();
        COMMON.forEach(o -> declared.put(o.key(), o));
        if (factory != null) {
            factory.options().forEach(o -> declared.putIfAbsent(o.key(), o));
        }
        Map<String, String> values = new LinkedHashMap<>();
        for (ConfigOption option : declared.values()) {
            String value = given.get(option.key());
            if (value == null || value.isBlank()) {
                if (option.required() && !option.key().equals(TYPE)) {
                    problems.add(key(name, option.key()) + ": missing value");
                }
                value = option.defaultValue();
            } else {
                String problem = ConfigValues.check(option.type(), value);
                if (problem == null && !option.allowedValues().isEmpty() && !option.allowedValues().contains(value.trim())) {
                    problem = "value must be one of " + option.allowedValues();
                }
                if (problem != null) {
                    problems.add(key(name, option.key()) + ": " + problem + (option.secret() ? "" : " (got '" + value + "')"));
                }
            }
            if (value != null) {
                values.put(option.key(), value.trim());
            }
        }
        if (factory != null) {
            for (String option : given.keySet()) {
                if (!declared.containsKey(option)) {
                    problems.add(key(name, option) + ": unknown option");
                }
            }
        }
        checkCommonValues(name, given, transformers, problems);
        if (!problems.isEmpty()) {
            throw PortalException.config("invalid configuration: " + String.join("; ", problems));
        }
        Map<String, String> adapterOptions = new LinkedHashMap<>();
        for (ConfigOption option : factory.options()) {
            String value = values.get(option.key());
            if (value != null) {
                adapterOptions.put(option.key(), value);
            }
        }
        Set<Capability> disabled = EnumSet.noneOf(Capability.class);
        ConfigValues.parseList(values.getOrDefault(DISABLED_CAPABILITIES, "")).forEach(c -> disabled.add(capability(c)));
        return new StorageSettings(name, values.get(NAME), type.trim(),
                ConfigValues.parseSize(values.get(MAX_SIZE)),
                ConfigValues.parseList(values.get(SUPPORTED_TYPES)),
                ConfigValues.parseBoolean(values.get(OVERWRITE_EXISTING)),
                ConfigValues.parseList(values.get(LOCATION_TRANSFORMERS)),
                ConfigValues.parseBoolean(values.get(INITIALIZE)),
                ConfigValues.parseBoolean(values.get(PUBLIC)),
                disabled,
                values.get(HASHING_ALGORITHM),
                ConfigValues.parseSize(values.get(INEFFICIENT_OPERATION_CAP)),
                adapterOptions);
    }

    /** Names of options that are secrets (never printed), relative keys. */
    static Set<String> secrets(StorageFactory factory) {
        Set<String> out = new LinkedHashSet<>();
        for (ConfigOption o : factory.options()) {
            if (o.secret()) {
                out.add(o.key());
            }
        }
        return out;
    }
}
