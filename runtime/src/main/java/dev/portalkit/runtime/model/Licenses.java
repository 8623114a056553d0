package dev.portalkit.runtime.model;

import com.fasterxml.jackson.databind.JsonNode;
import dev.portalkit.api.PortalException;
import dev.portalkit.runtime.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The license register (CKAN's {@code LicenseRegister}): CKAN's default fifteen licenses, or the
 * licenses of the JSON file named by {@code portal.licenses_group_url} (CKAN's
 * {@code licenses_group_url} format: a list of license objects, or an object of them, each with at
 * least {@code id} and {@code title}). A dataset's {@code license_id} must be one of them.
 */
final class Licenses {
    /** One license as {@code license_list} returns it. */
    record License(String id, String title, String url, boolean open, Map<String, Object> dict) {
    }

    private final Map<String, License> byId;

    private Licenses(List<Map<String, Object>> dicts, String source) {
        Map<String, License> out = new LinkedHashMap<>();
        for (Map<String, Object> d : dicts) {
            Object id = d.get("id");
            if (!(id instanceof String s) || s.isBlank()) {
                throw new IllegalArgumentException("a license in " + source + " has no id");
            }
            Map<String, Object> dict = new LinkedHashMap<>();
            dict.put("id", s);
            dict.put("title", d.get("title") instanceof String t ? t : s);
            dict.put("url", d.get("url") instanceof String u ? u : "");
            dict.put("status", d.get("status") instanceof String st ? st : "active");
            dict.put("maintainer", d.get("maintainer") instanceof String m ? m : "");
            dict.put("family", d.get("family") instanceof String f ? f : "");
            dict.put("od_conformance", conformance(d.get("od_conformance")));
            dict.put("osd_conformance", conformance(d.get("osd_conformance")));
            for (String flag : List.of("domain_content", "domain_data", "domain_software", "is_generic")) {
                dict.put(flag, truthy(d.get(flag)));
            }
            d.forEach(dict::putIfAbsent);
            boolean open = "approved".equals(dict.get("od_conformance")) || "approved".equals(dict.get("osd_conformance"));
            dict.put("is_okd_compliant", "approved".equals(dict.get("od_conformance")));
            dict.put("is_osi_compliant", "approved".equals(dict.get("osd_conformance")));
            if (out.put(s, new License(s, (String) dict.get("title"), (String) dict.get("url"), open,
                    Collections.unmodifiableMap(dict))) != null) {
                throw new IllegalArgumentException("license id '" + s + "' appears twice in " + source);
            }
        }
        this.byId = Collections.unmodifiableMap(out);
    }

    /** CKAN's default register. */
    static Licenses defaults() {
        List<Map<String, Object>> d = new ArrayList<>();
        d.add(license("notspecified", "License not specified", "", "not reviewed", true, false, false));
        d.add(license("odc-pddl", "Open Data Commons Public Domain Dedication and License (PDDL)",
                "http://www.opendefinition.org/licenses/odc-pddl", "approved", false, false, true));
        d.add(license("odc-odbl", "Open Data Commons Open Database License (ODbL)",
                "http://www.opendefinition.org/licenses/odc-odbl", "approved", false, false, true));
        d.add(license("odc-by", "Open Data Commons Attribution License",
                "http://www.opendefinition.org/licenses/odc-by", "approved", false, false, true));
        d.add(license("cc-zero", "Creative Commons CCZero", "http://www.opendefinition.org/licenses/cc-zero",
                "approved", false, true, true));
        d.add(license("cc-by", "Creative Commons Attribution", "http://www.opendefinition.org/licenses/cc-by",
                "approved", false, false, false));
        d.add(license("cc-by-sa", "Creative Commons Attribution Share-Alike",
                "http://www.opendefinition.org/licenses/cc-by-sa", "approved", false, true, false));
        d.add(license("gfdl", "GNU Free Documentation License", "http://www.opendefinition.org/licenses/gfdl",
                "approved", false, true, false));
        d.add(license("other-open", "Other (Open)", "", "approved", true, true, false));
        d.add(license("other-pd", "Other (Public Domain)", "", "approved", true, true, false));
        d.add(license("other-at", "Other (Attribution)", "", "approved", true, true, false));
        d.add(license("uk-ogl", "UK Open Government Licence (OGL)",
                "https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/", "approved", false, true, false));
        d.add(license("cc-nc", "Creative Commons Non-Commercial (Any)", "http://creativecommons.org/licenses/by-nc/2.0/",
                "not reviewed", false, false, false));
        d.add(license("other-nc", "Other (Non-Commercial)", "", "not reviewed", true, false, false));
        d.add(license("other-closed", "Other (Not Open)", "", "not reviewed", true, false, false));
        return new Licenses(d, "the default register");
    }

    /**
     * The register of {@code portal.licenses_group_url}: a file path or {@code file://} URL (read at
     * start, so a bad file stops the portal naming the key); empty means CKAN's defaults.
     */
    static Licenses of(String location) {
        if (location == null || location.isBlank()) {
            return defaults();
        }
        Path path = Path.of(location.startsWith("file://") ? location.substring("file://".length()) : location);
        JsonNode root;
        try {
            root = Json.MAPPER.readTree(Files.readAllBytes(path));
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read the licenses file " + path + ": " + e.getMessage());
        }
        List<Map<String, Object>> dicts = new ArrayList<>();
        Iterator<JsonNode> items = root.isArray() || root.isObject() ? root.elements() : null;
        if (items == null) {
            throw new IllegalArgumentException("the licenses file " + path + " must hold a JSON list or object of licenses");
        }
        while (items.hasNext()) {
            JsonNode item = items.next();
            if (!item.isObject()) {
                throw new IllegalArgumentException("the licenses file " + path + " holds something that is not a license object");
            }
            @SuppressWarnings("unchecked")
            Map<String, Object> dict = Json.MAPPER.convertValue(item, Map.class);
            dicts.add(dict);
        }
        if (dicts.isEmpty()) {
            throw new IllegalArgumentException("the licenses file " + path + " lists no license");
        }
        return new Licenses(dicts, path.toString());
    }

    /** Like {@link #of}, with a problem reported as the portal's configuration error. */
    static Licenses configured(String location) {
        try {
            return of(location);
        } catch (IllegalArgumentException e) {
            throw PortalException.config(ModelConfig.LICENSES_GROUP_URL + ": " + e.getMessage());
        }
    }

    /** The register of the location {@code location} gives, read on first use (the configuration exists only once the portal starts). */
    static java.util.function.Supplier<Licenses> lazily(java.util.function.Supplier<String> location) {
        return new java.util.function.Supplier<>() {
            private volatile Licenses loaded;

            @Override
            public Licenses get() {
                Licenses l = loaded;
                if (l == null) {
                    l = configured(location.get());
                    loaded = l;
                }
                return l;
            }
        };
    }

    List<License> all() {
        return List.copyOf(byId.values());
    }

    License get(String id) {
        return id == null ? null : byId.get(id);
    }

    private static Map<String, Object> license(String id, String title, String url, String od, boolean generic,
                                               boolean content, boolean data) {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("id", id);
        d.put("title", title);
        d.put("url", url);
        d.put("od_conformance", od);
        d.put("is_generic", generic);
        d.put("domain_content", content);
        d.put("domain_data", data);
        return d;
    }

    private static String conformance(Object value) {
        return value instanceof String s && !s.isBlank() ? s : "not reviewed";
    }

    private static boolean truthy(Object value) {
        return value instanceof Boolean b ? b : value instanceof String s && (s.equalsIgnoreCase("true") || s.equals("1"));
    }
}
