package dev.portalkit.runtime.config;

import dev.portalkit.api.config.ConfigDeclaration;
import dev.portalkit.api.config.ConfigOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * The options and namespaces declared by the core and the enabled plugins, grouped by who
 * declared them (for {@code config declaration}). Keys may contain one {@code <placeholder>}
 * segment (templated families).
 */
public final class DeclaredOptions {
    /** One declarer's options. */
    public record Section(String owner, List<ConfigOption> options, List<String> namespaces) {
    }

    private final Map<String, Section> sections = new LinkedHashMap<>();
    private final Map<String, ConfigOption> exact = new LinkedHashMap<>();
    private final Map<ConfigOption, Pattern> templates = new LinkedHashMap<>();
    private final Map<String, String> namespaceOwners = new LinkedHashMap<>();
    private final Map<String, String> rejected = new LinkedHashMap<>();

    /** A {@link ConfigDeclaration} that records into {@code owner}'s section. */
    public ConfigDeclaration declarerFor(String owner, Map<String, String> rawValues) {
        Section section = sections.computeIfAbsent(owner, o -> new Section(o, new ArrayList<>(), new ArrayList<>()));
        return new ConfigDeclaration() {
            @Override
            public void namespace(String prefix) {
                section.namespaces().add(prefix);
                namespaceOwners.put(prefix, owner);
            }

            @Override
            public void option(ConfigOption option) {
                section.options().add(option);
                if (isTemplate(option.key())) {
                    templates.put(option, templatePattern(option.key()));
                } else {
                    exact.put(option.key(), option);
                }
            }

            @Override
            public Map<String, String> valuesUnder(String prefix) {
                Map<String, String> out = new TreeMap<>();
                rawValues.forEach((k, v) -> {
                    if (k.startsWith(prefix)) {
                        out.put(k, v);
                    }
                });
                return Collections.unmodifiableMap(out);
            }

            @Override
            public void reject(String key, String problem) {
                rejected.merge(key, problem, (a, b) -> a + "; " + b);
            }
        };
    }

    /** Problems declarers reported with {@link ConfigDeclaration#reject}, by key. */
    public Map<String, String> rejected() {
        return Collections.unmodifiableMap(rejected);
    }

    public List<Section> sections() {
        return List.copyOf(sections.values());
    }

    /** The declaration that covers {@code key} (exactly or as a family member), or {@code null}. */
    public ConfigOption find(String key) {
        ConfigOption option = exact.get(key);
        if (option != null) {
            return option;
        }
        for (Map.Entry<ConfigOption, Pattern> e : templates.entrySet()) {
            if (e.getValue().matcher(key).matches()) {
                return e.getKey();
            }
        }
        return null;
    }

    public Map<String, ConfigOption> exactOptions() {
        return exact;
    }

    public Map<ConfigOption, Pattern> templateOptions() {
        return templates;
    }

    /** The longest declared namespace that {@code key} falls under, or {@code null}. */
    public String namespaceOf(String key) {
        String best = null;
        for (String ns : namespaceOwners.keySet()) {
            if (key.startsWith(ns) && (best == null || ns.length() > best.length())) {
                best = ns;
            }
        }
        return best;
    }

    public static boolean isTemplate(String key) {
        return key.contains("<");
    }

    /** {@code portal.files.storage.<name>.path} as a pattern whose group 1 is the instance name. */
    static Pattern templatePattern(String key) {
        int open = key.indexOf('<');
        int close = key.indexOf('>', open);
        return Pattern.compile(Pattern.quote(key.substring(0, open)) + "([^.]+)" + Pattern.quote(key.substring(close + 1)));
    }
}
