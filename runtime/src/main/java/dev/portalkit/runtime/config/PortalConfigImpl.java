package dev.portalkit.runtime.config;

import dev.portalkit.api.PortalException;
import dev.portalkit.api.config.ConfigOption;
import dev.portalkit.api.config.PortalConfig;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import java.io.IOException;
import java.net.MalformedURLException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Pattern;
import org.eclipse.microprofile.config.spi.ConfigSource;

/**
 * The portal's configuration: MicroProfile Config (SmallRye) over, by precedence, explicit
 * overrides (command-line options), system properties, environment variables
 * ({@code PORTAL_DB_URL} for {@code portal.db.url}) and the properties file; with declared
 * defaults applied and every value validated against its declaration.
 */
public final class PortalConfigImpl implements PortalConfig {
    /** Keys of the properties file, system properties and overrides: the ones checked for unknown names. */
    private final Map<String, String> raw;
    private final SmallRyeConfig config;
    private DeclaredOptions declared = new DeclaredOptions();
    /** Values a sysadmin set while the portal runs (config_option_update), over every other source. */
    private volatile Map<String, String> runtimeValues = Map.of();

    private PortalConfigImpl(SmallRyeConfig config, Map<String, String> raw) {
        this.config = config;
        this.raw = raw;
    }

    /**
     * Loads the sources.
     *
     * @param configFile a properties file, or {@code null}
     * @param overrides  highest-precedence values (e.g. {@code portal.data_dir} from {@code --data-dir})
     */
    public static PortalConfigImpl load(Path configFile, Map<String, String> overrides) {
        SmallRyeConfigBuilder builder = new SmallRyeConfigBuilder().addDefaultSources();
        List<ConfigSource> explicit = new ArrayList<>();
        if (configFile != null) {
            if (!Files.isRegularFile(configFile)) {
                throw PortalException.config("config file " + configFile + " does not exist");
            }
            try {
                explicit.add(new PropertiesConfigSource(configFile.toUri().toURL(), 250));
            } catch (MalformedURLException e) {
                throw PortalException.config("config file " + configFile + " cannot be read");
            } catch (IOException e) {
                throw PortalException.config("config file " + configFile + " cannot be read: " + e.getMessage());
            }
        }
        explicit.add(new PropertiesConfigSource(overrides, "command-line", 500));
        builder.withSources(explicit.toArray(new ConfigSource[0]));
        SmallRyeConfig config = builder.build();

        Map<String, String> raw = new TreeMap<>();
        for (ConfigSource source : explicit) {
            source.getProperties().forEach((key, value) -> {
                if (key.isBlank()) {
                    // A line such as "= value": SmallRye would fail on it with an exception that names nothing.
                    throw PortalException.config((source.getName().equals("command-line") ? "an option given on the command line"
                            : "config file " + configFile + ": an entry") + " has an empty key (value '" + value + "')");
                }
                raw.put(key, value);
            });
        }
        for (String name : System.getProperties().stringPropertyNames()) {
            if (name.startsWith("portal.")) {
                raw.put(name, System.getProperty(name));
            }
        }
        // Higher precedence wins for the raw view too.
        for (String key : new ArrayList<>(raw.keySet())) {
            config.getOptionalValue(key, String.class).ifPresent(v -> raw.put(key, v));
        }
        // ckanext-cloudstorage's settings stand for storage options: a source below every explicit one.
        SmallRyeConfig loaded = config;
        Map<String, String> derived = new TreeMap<>(CloudStorageForm.derive(key -> loaded.getOptionalValue(key, String.class),
                raw.keySet()));
        derived.keySet().removeIf(key -> loaded.getOptionalValue(key, String.class).isPresent());
        if (!derived.isEmpty()) {
            explicit.add(new PropertiesConfigSource(derived, "portal.cloudstorage", 200));
            config = new SmallRyeConfigBuilder().addDefaultSources().withSources(explicit.toArray(new ConfigSource[0])).build();
            derived.forEach(raw::putIfAbsent);
        }
        return new PortalConfigImpl(config, Collections.unmodifiableMap(raw));
    }

    /** The explicitly configured keys and values (file, system properties, overrides). Contains secrets. */
    public Map<String, String> rawValues() {
        return raw;
    }

    public DeclaredOptions declared() {
        return declared;
    }

    /**
     * Checks every value against the declarations: required values present, types and allowed
     * values respected, no unknown key inside a declared namespace, nothing a declarer rejected.
     *
     * @throws PortalException CONFIG_INVALID listing every problem, each naming its key
     */
    public void validate(DeclaredOptions declarations) {
        this.declared = declarations;
        List<String> errors = new ArrayList<>();
        declarations.rejected().forEach((key, problem) -> errors.add(key + ": " + problem));
        for (ConfigOption option : declarations.exactOptions().values()) {
            checkValue(option.key(), option, errors);
        }
        for (Map.Entry<ConfigOption, Pattern> e : declarations.templateOptions().entrySet()) {
            ConfigOption option = e.getKey();
            for (String instance : familyInstances(option.key())) {
                checkValue(instantiate(option.key(), instance), option, errors);
            }
        }
        for (String key : raw.keySet()) {
            if (declarations.find(key) != null) {
                continue;
            }
            String ns = declarations.namespaceOf(key);
            boolean topLevel = key.startsWith("portal.") && key.indexOf('.', "portal.".length()) < 0;
            if (ns != null || topLevel) {
                errors.add(key + ": unknown option" + (ns == null ? "" : " in " + ns + "*"));
            }
        }
        if (!errors.isEmpty()) {
            throw PortalException.config("invalid configuration: " + String.join("; ", errors));
        }
    }

    private void checkValue(String key, ConfigOption option, List<String> errors) {
        String value = get(key).orElse(null);
        if (value == null || value.isBlank()) {
            if (option.required()) {
                errors.add(key + ": missing value");
            }
            return;
        }
        String problem = ConfigValues.check(option.type(), value);
        if (problem == null && !option.allowedValues().isEmpty() && !option.allowedValues().contains(value.trim())) {
            problem = "value must be one of " + option.allowedValues();
        }
        if (problem != null) {
            errors.add(key + ": " + problem + (option.secret() ? "" : " (got '" + value + "')"));
        }
    }

    /** Instance names of a templated family, e.g. the storage names for {@code portal.files.storage.<name>.type}. */
    public Set<String> familyInstances(String templateKey) {
        String prefix = templateKey.substring(0, templateKey.indexOf('<'));
        Set<String> names = new TreeSet<>();
        for (String key : raw.keySet()) {
            if (key.startsWith(prefix)) {
                String rest = key.substring(prefix.length());
                int dot = rest.indexOf('.');
                if (dot > 0) {
                    names.add(rest.substring(0, dot));
                }
            }
        }
        return names;
    }

    /** {@code portal.files.storage.<name>.type} with {@code x} gives {@code portal.files.storage.x.type}. */
    public static String instantiate(String templateKey, String instance) {
        int open = templateKey.indexOf('<');
        int close = templateKey.indexOf('>', open);
        return templateKey.substring(0, open) + instance + templateKey.substring(close + 1);
    }

    /**
     * Runtime-internal: the options a sysadmin set while the portal runs (stored in the database by
     * {@code config_option_update}); they take precedence over the file, environment and command line.
     */
    public void runtimeValues(Map<String, String> values) {
        this.runtimeValues = Map.copyOf(values);
    }

    @Override
    public Optional<String> get(String key) {
        String runtime = runtimeValues.get(key);
        if (runtime != null) {
            return Optional.of(runtime);
        }
        Optional<String> value = config.getOptionalValue(key, String.class);
        if (value.isPresent()) {
            return value;
        }
        ConfigOption option = declared.find(key);
        return option == null ? Optional.empty() : Optional.ofNullable(option.defaultValue());
    }

    @Override
    public String string(String key) {
        return get(key).orElseThrow(() -> PortalException.config(key + ": missing value"));
    }

    @Override
    public int integer(String key) {
        String value = string(key);
        try {
            return Integer.parseInt(value.trim());
        } catch (NumberFormatException e) {
            throw PortalException.config(key + ": value must be a whole number");
        }
    }

    @Override
    public boolean bool(String key) {
        try {
            return ConfigValues.parseBoolean(get(key).orElse("false"));
        } catch (IllegalArgumentException e) {
            throw PortalException.config(key + ": " + e.getMessage());
        }
    }

    @Override
    public List<String> list(String key) {
        return ConfigValues.parseList(get(key).orElse(""));
    }

    @Override
    public long size(String key) {
        try {
            return ConfigValues.parseSize(string(key));
        } catch (IllegalArgumentException e) {
            throw PortalException.config(key + ": " + e.getMessage());
        }
    }
}
