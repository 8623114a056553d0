package dev.portalkit.runtime.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.portalkit.api.PortalException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * ckanext-cloudstorage's settings (seed 000) with their prefix renamed: {@code
 * ckanext.cloudstorage.driver} becomes {@code portal.cloudstorage.driver}, and so on. They are a
 * second way to write one storage (the {@code resources} storage unless
 * {@code portal.cloudstorage.storage} names another), translated at load into the options of
 * files:s3, files:azure_blob, files:opendal or files:fs; {@code use_secure_urls} and
 * {@code max_multipart_lifetime} into {@code portal.files.*}. Options written explicitly always win
 * over the translated ones; the same storage written both ways is refused.
 *
 * <p>Drivers are libcloud's provider constants: {@code S3} and the {@code S3_<REGION>} ones,
 * {@code MINIO}, {@code DIGITALOCEAN_SPACES} (files:s3), {@code AZURE_BLOBS} (files:azure_blob),
 * {@code GOOGLE_STORAGE} (files:opendal, service gcs), {@code LOCAL} (files:fs).
 * {@code driver_options} is a JSON object or the Python dict literal ckanext-cloudstorage reads
 * ({@code {'key': ..., 'secret': ...}}), with libcloud's {@code key}, {@code secret}, {@code host},
 * {@code port}, {@code secure} and {@code region}.
 */
public final class CloudStorageForm {
    public static final String PREFIX = "portal.cloudstorage.";
    public static final String DRIVER = PREFIX + "driver";
    public static final String DRIVER_OPTIONS = PREFIX + "driver_options";
    public static final String CONTAINER_NAME = PREFIX + "container_name";
    public static final String USE_SECURE_URLS = PREFIX + "use_secure_urls";
    public static final String MAX_MULTIPART_LIFETIME = PREFIX + "max_multipart_lifetime";
    public static final String STORAGE = PREFIX + "storage";
    public static final String DEFAULT_STORAGE = "resources";

    /** libcloud's S3 drivers by region. */
    private static final Map<String, String> S3_REGIONS = new TreeMap<>();

    static {
        S3_REGIONS.put("S3", "us-east-1");
        S3_REGIONS.put("S3_US_STANDARD", "us-east-1");
        S3_REGIONS.put("S3_US_EAST2", "us-east-2");
        S3_REGIONS.put("S3_US_WEST", "us-west-1");
        S3_REGIONS.put("S3_US_WEST_OREGON", "us-west-2");
        S3_REGIONS.put("S3_US_GOV_WEST", "us-gov-west-1");
        S3_REGIONS.put("S3_CA_CENTRAL", "ca-central-1");
        S3_REGIONS.put("S3_SA_EAST", "sa-east-1");
        S3_REGIONS.put("S3_EU_WEST", "eu-west-1");
        S3_REGIONS.put("S3_EU_WEST2", "eu-west-2");
        S3_REGIONS.put("S3_EU_WEST3", "eu-west-3");
        S3_REGIONS.put("S3_EU_CENTRAL", "eu-central-1");
        S3_REGIONS.put("S3_EU_NORTH1", "eu-north-1");
        S3_REGIONS.put("S3_AP_SOUTH", "ap-south-1");
        S3_REGIONS.put("S3_AP_SOUTHEAST", "ap-southeast-1");
        S3_REGIONS.put("S3_AP_SOUTHEAST2", "ap-southeast-2");
        S3_REGIONS.put("S3_AP_NORTHEAST", "ap-northeast-1");
        S3_REGIONS.put("S3_AP_NORTHEAST1", "ap-northeast-1");
        S3_REGIONS.put("S3_AP_NORTHEAST2", "ap-northeast-2");
        S3_REGIONS.put("S3_AP_NORTHEAST3", "ap-northeast-3");
        S3_REGIONS.put("S3_CN_NORTH", "cn-north-1");
        S3_REGIONS.put("S3_CN_NORTHWEST", "cn-northwest-1");
    }

    static final List<String> OTHER_DRIVERS = List.of("AZURE_BLOBS", "DIGITALOCEAN_SPACES", "GOOGLE_STORAGE", "LOCAL", "MINIO");

    private CloudStorageForm() {
    }

    /** Every driver name this form maps. */
    public static List<String> drivers() {
        List<String> all = new ArrayList<>(S3_REGIONS.keySet());
        all.addAll(OTHER_DRIVERS);
        return all;
    }

    /**
     * The options the form stands for (full keys), none when {@code portal.cloudstorage.driver} is
     * not set.
     *
     * @param lookup   a configured value by key (every source)
     * @param explicit the keys written explicitly (file, system properties, overrides)
     * @throws PortalException CONFIG_INVALID naming the key at fault
     */
    public static Map<String, String> derive(Function<String, Optional<String>> lookup, Set<String> explicit) {
        Optional<String> driverValue = lookup.apply(DRIVER).map(String::strip).filter(s -> !s.isEmpty());
        if (driverValue.isEmpty()) {
            return Map.of();
        }
        String driver = driverValue.get();
        String storage = lookup.apply(STORAGE).map(String::strip).filter(s -> !s.isEmpty()).orElse(DEFAULT_STORAGE);
        String storagePrefix = "portal.files.storage." + storage + ".";
        for (String key : explicit) {
            if (key.startsWith(storagePrefix)) {
                throw PortalException.config(DRIVER + ": storage " + storage + " is configured twice, by " + PREFIX + "* and by "
                        + key + "; keep one (or name another storage with " + STORAGE + ")");
            }
        }
        String container = lookup.apply(CONTAINER_NAME).map(String::strip).filter(s -> !s.isEmpty())
                .orElseThrow(() -> PortalException.config(CONTAINER_NAME + ": missing value (the bucket or container of driver " + driver + ")"));
        Map<String, Object> options = driverOptions(lookup.apply(DRIVER_OPTIONS).orElse(""));
        Map<String, String> storageOptions = storageOptions(driver, container, options);
        Map<String, String> out = new LinkedHashMap<>();
        storageOptions.forEach((k, v) -> out.put(storagePrefix + k, v));
        lookup.apply(USE_SECURE_URLS).map(CloudStorageForm::bool).ifPresent(v -> out.put("portal.files.use_secure_urls", v));
        lookup.apply(MAX_MULTIPART_LIFETIME).map(String::strip).ifPresent(v -> out.put("portal.files.max_multipart_lifetime", v));
        return out;
    }

    /** The storage's own options (keys relative to it). */
    static Map<String, String> storageOptions(String driver, String container, Map<String, Object> options) {
        Map<String, String> s = new LinkedHashMap<>();
        String key = string(options, "key");
        String secret = string(options, "secret");
        if (S3_REGIONS.containsKey(driver) || driver.equals("MINIO") || driver.equals("DIGITALOCEAN_SPACES")) {
            s.put("type", "files:s3");
            s.put("bucket", container);
            putIf(s, "access_key", key);
            putIf(s, "secret_key", secret);
            String region = string(options, "region");
            if (region == null) {
                region = S3_REGIONS.getOrDefault(driver, driver.equals("DIGITALOCEAN_SPACES") ? "nyc3" : "us-east-1");
            }
            s.put("region", region);
            String host = host(options);
            if (host == null && driver.equals("DIGITALOCEAN_SPACES")) {
                host = "https://" + region + ".digitaloceanspaces.com";
            }
            if (host == null && driver.equals("MINIO")) {
                throw PortalException.config(DRIVER_OPTIONS + ": driver MINIO needs the server's host (and port)");
            }
            putIf(s, "host", host);
        } else if (driver.equals("AZURE_BLOBS")) {
            s.put("type", "files:azure_blob");
            s.put("container", container);
            if (key == null) {
                throw PortalException.config(DRIVER_OPTIONS + ": driver AZURE_BLOBS needs key (the storage account's name)");
            }
            s.put("account_name", key);
            putIf(s, "account_key", secret);
            String host = host(options);
            if (host != null) {
                // libcloud addresses an emulator (Azurite) or custom host as <host>/<account>.
                s.put("endpoint", URI.create(host).getHost().startsWith(key + ".") ? host : host + "/" + key);
            }
        } else if (driver.equals("GOOGLE_STORAGE")) {
            s.put("type", "files:opendal");
            s.put("scheme", "gcs");
            Map<String, String> params = new LinkedHashMap<>();
            params.put("bucket", container);
            if (secret != null && secret.startsWith("{")) {
                // libcloud takes the service account's key itself, or (below) its file; OpenDAL wants the key in base64.
                params.put("credential", Base64.getEncoder().encodeToString(secret.getBytes(StandardCharsets.UTF_8)));
            } else if (secret != null) {
                params.put("credential_path", secret);
            }
            String host = host(options);
            putIf(params, "endpoint", host);
            try {
                s.put("params", new ObjectMapper().writeValueAsString(params));
            } catch (JsonProcessingException e) {
                throw new IllegalStateException(e);
            }
        } else if (driver.equals("LOCAL")) {
            if (key == null) {
                throw PortalException.config(DRIVER_OPTIONS + ": driver LOCAL needs key (the folder that holds the containers)");
            }
            s.put("type", "files:fs");
            s.put("path", key.replaceAll("/+$", "") + "/" + container);
            s.put("recursive", "true");
        } else {
            throw PortalException.config(DRIVER + ": driver " + driver + " is not one this form maps; it maps " + String.join(", ", drivers())
                    + ". Configure other providers as a files:opendal storage (portal.files.storage.NAME.type = files:opendal)");
        }
        return s;
    }

    /** libcloud's host, port and secure as a URL, or {@code null}. */
    private static String host(Map<String, Object> options) {
        String host = string(options, "host");
        if (host == null) {
            return null;
        }
        if (host.contains("://")) {
            return host.replaceAll("/+$", "");
        }
        boolean secure = !"false".equals(bool(String.valueOf(options.getOrDefault("secure", "true"))));
        String port = string(options, "port");
        return (secure ? "https://" : "http://") + host + (port == null ? "" : ":" + port);
    }

    private static Map<String, Object> driverOptions(String text) {
        if (text.isBlank()) {
            return Map.of();
        }
        // ckanext-cloudstorage reads a Python literal: single quotes, True / False / None.
        String json = text.strip().replaceAll("\\bTrue\\b", "true").replaceAll("\\bFalse\\b", "false").replaceAll("\\bNone\\b", "null");
        try {
            Object parsed = JsonMapper.builder().enable(JsonReadFeature.ALLOW_SINGLE_QUOTES)
                    .enable(JsonReadFeature.ALLOW_TRAILING_COMMA).build().readValue(json, Object.class);
            if (parsed instanceof Map<?, ?> map) {
                Map<String, Object> out = new LinkedHashMap<>();
                map.forEach((k, v) -> out.put(String.valueOf(k), v));
                return out;
            }
        } catch (JsonProcessingException e) {
            // reported below
        }
        throw PortalException.config(DRIVER_OPTIONS + ": must be a JSON object (or a Python dict) such as "
                + "{\"key\": \"...\", \"secret\": \"...\"}");
    }

    private static String string(Map<String, Object> options, String key) {
        Object v = options.get(key);
        return v == null || String.valueOf(v).isBlank() ? null : String.valueOf(v).strip();
    }

    private static void putIf(Map<String, String> map, String key, String value) {
        if (value != null) {
            map.put(key, value);
        }
    }

    /** CKAN's asbool: 1 / true / yes / on are true. */
    static String bool(String value) {
        String v = value.strip().toLowerCase(Locale.ROOT);
        return Set.of("1", "true", "yes", "on", "y", "t").contains(v) ? "true" : "false";
    }

}
