package dev.portalkit.runtime.files.registry;

import dev.portalkit.api.config.ConfigDeclaration;
import dev.portalkit.api.config.ConfigOption;
import dev.portalkit.api.config.ConfigType;
import dev.portalkit.api.files.StorageFactory;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * The four upload roles of CKAN 2.12 (seed 001) and their storages: resource files, group and
 * organization images, user images, the site's admin uploads. Each role uses the storage named by
 * {@code portal.files.default_storages.<role>}, by default the storage of the role's name
 * ({@code resources}, {@code groups}, {@code users}, {@code admin}). When no storage of that name is
 * configured, an <em>implicit</em> one is derived from the default storage: same adapter and
 * options, a sub-folder of its {@code path} (or of its key {@code prefix} for object stores and
 * Redis), the size limits of {@code portal.max_resource_size} / {@code portal.max_image_size}
 * (MiB), and for the image roles {@code public = true} (plus image-only {@code supported_types}
 * for users and groups). An explicitly configured storage of the name replaces the implicit one.
 */
public final class StorageRoles {
    public static final String UPLOADS_ENABLED = "portal.uploads_enabled";
    public static final String MAX_RESOURCE_SIZE = "portal.max_resource_size";
    public static final String MAX_IMAGE_SIZE = "portal.max_image_size";
    public static final String ROLE_PREFIX = "portal.files.default_storages.";
    /**
     * The default of {@code portal.upload.user.mimetypes} / {@code group.mimetypes}: CKAN's
     * ({@code ckan.upload.*.mimetypes}) and WebP, which browsers show without running code too.
     */
    public static final String IMAGE_MIMETYPES = "image/png image/gif image/jpeg image/webp";
    /** The default of {@code portal.upload.user.types} / {@code group.types} (CKAN's): top-level types. */
    public static final String IMAGE_TOP_TYPES = "image";
    private static final long MIB = 1024L * 1024L;

    /** An upload role: its config key suffix, the implicit storage's name and sub-path. */
    public enum Role {
        RESOURCE("resources", "resources", false),
        GROUP("groups", "storage/uploads/group", true),
        USER("users", "storage/uploads/user", true),
        ADMIN("admin", "storage/uploads/admin", true);

        private final String storage;
        private final String subPath;
        private final boolean image;

        Role(String storage, String subPath, boolean image) {
            this.storage = storage;
            this.subPath = subPath;
            this.image = image;
        }

        /** The role's name in {@code portal.files.default_storages.<role>}. */
        public String key() {
            return name().toLowerCase(Locale.ROOT);
        }

        /** The name of the implicit storage of this role. */
        public String implicitStorage() {
            return storage;
        }

        /** The role's folder below the default storage's path or prefix (CKAN's storage_path layout). */
        public String subPath() {
            return subPath;
        }

        public String configKey() {
            return ROLE_PREFIX + key();
        }
    }

    private StorageRoles() {
    }

    public static void declare(ConfigDeclaration d, Set<String> storageNames) {
        d.option(ConfigOption.of(UPLOADS_ENABLED, "Whether anyone may upload files: resource uploads, group, organization and "
                + "user images, and the File API's files_file_create / files_multipart_start. false refuses every upload "
                + "with an error naming this option.").type(ConfigType.BOOLEAN).defaultValue("true"));
        d.option(ConfigOption.of(MAX_RESOURCE_SIZE, "Largest resource upload in MiB: the max_size of the implicit 'resources' "
                + "storage (an explicitly configured storage has its own max_size).").type(ConfigType.INT).defaultValue("10"));
        d.option(ConfigOption.of(MAX_IMAGE_SIZE, "Largest group, organization, user or admin image in MiB: the max_size of the "
                + "implicit 'groups', 'users' and 'admin' storages.").type(ConfigType.INT).defaultValue("2"));
        for (Role role : Role.values()) {
            d.option(ConfigOption.of(role.configKey(), "Storage that holds " + describe(role) + " (default: '"
                    + role.implicitStorage() + "', derived from the default storage unless configured).")
                    .defaultValue(role.implicitStorage()));
            String chosen = d.valuesUnder(role.configKey()).get(role.configKey());
            if (chosen != null && !chosen.isBlank() && !storageNames.contains(chosen.trim())) {
                d.reject(role.configKey(), "no storage is called '" + chosen.trim() + "' (configured: "
                        + String.join(", ", storageNames) + ")");
            }
        }
        for (String key : new String[]{MAX_RESOURCE_SIZE, MAX_IMAGE_SIZE}) {
            d.requireAtLeast(key, 0, "must be 0 (no limit) or a positive number of MiB");
        }
        for (Role role : List.of(Role.USER, Role.GROUP)) {
            String what = role == Role.USER ? "user images" : "group and organization images";
            d.option(ConfigOption.of(uploadTypesKey(role), "Top-level content types (image, text, ...) allowed for " + what
                    + ", judged by the bytes; '*' allows any. When this and the mimetypes option are both empty, no such upload "
                    + "is allowed. CKAN: ckan.upload." + role.key() + ".types.").type(ConfigType.LIST).defaultValue(IMAGE_TOP_TYPES));
            d.option(ConfigOption.of(uploadMimetypesKey(role), "Content types allowed for " + what + ", judged by the bytes; "
                    + "'*' allows any. Also the supported_types of the implicit '" + role.implicitStorage() + "' storage. "
                    + "CKAN: ckan.upload." + role.key() + ".mimetypes (without image/webp).").type(ConfigType.LIST)
                    .defaultValue(IMAGE_MIMETYPES));
        }
    }

    /** {@code portal.upload.user.types} / {@code portal.upload.group.types}. */
    public static String uploadTypesKey(Role role) {
        return "portal.upload." + role.key() + ".types";
    }

    /** {@code portal.upload.user.mimetypes} / {@code portal.upload.group.mimetypes}. */
    public static String uploadMimetypesKey(Role role) {
        return "portal.upload." + role.key() + ".mimetypes";
    }

    private static String orDefault(String value, String defaultValue) {
        return value == null ? defaultValue : value;
    }

    private static String describe(Role role) {
        return switch (role) {
            case RESOURCE -> "resource uploads";
            case GROUP -> "group and organization images";
            case USER -> "user images";
            case ADMIN -> "the site's admin uploads";
        };
    }

    /**
     * Adds the implicit role storages to {@code storages} (options by storage name, keys relative
     * to the storage), derived from {@code storages.get(defaultName)}; names already there stay as
     * configured. Nothing is derived when the default storage is not among them.
     *
     * @param adapterOptions the option keys the adapter of a type declares (to find path / prefix)
     * @param value          a configuration value by key ({@code null} when unset)
     */
    static void derive(Map<String, Map<String, String>> storages, String defaultName,
                       Function<String, Set<String>> adapterOptions, Function<String, String> value) {
        Map<String, String> base = storages.get(defaultName);
        if (base == null) {
            return;
        }
        String type = base.get(StorageOptions.TYPE);
        Set<String> options = type == null ? Set.of() : adapterOptions.apply(type.trim());
        for (Role role : Role.values()) {
            if (storages.containsKey(role.implicitStorage())) {
                continue;
            }
            Map<String, String> derived = new LinkedHashMap<>(base);
            if (options.contains("path") && base.get("path") != null) {
                String path = base.get("path").trim();
                derived.put("path", (path.endsWith("/") ? path : path + "/") + role.subPath());
                if (options.contains("create_path")) {
                    derived.put("create_path", "true");
                }
            } else if (options.contains("prefix")) {
                String prefix = base.getOrDefault("prefix", "").trim();
                derived.put("prefix", (prefix.isEmpty() || prefix.endsWith("/") ? prefix : prefix + "/") + role.subPath() + "/");
            }
            // Adapters with neither (files:memory, files:db) keep files apart by storage name already.
            long mib = role.image ? mib(value.apply(MAX_IMAGE_SIZE), 2) : mib(value.apply(MAX_RESOURCE_SIZE), 10);
            derived.put(StorageOptions.MAX_SIZE, String.valueOf(mib * MIB));
            derived.remove(StorageOptions.NAME);
            if (role.image) {
                derived.put(StorageOptions.PUBLIC, "true");
            }
            if (role == Role.GROUP || role == Role.USER) {
                // CKAN 2.12: the mimetypes, else the top-level types; '*' (or neither) leaves the check to the uploader.
                String mimetypes = orDefault(value.apply(uploadMimetypesKey(role)), IMAGE_MIMETYPES);
                String types = orDefault(value.apply(uploadTypesKey(role)), IMAGE_TOP_TYPES);
                String supported = !mimetypes.isBlank() ? mimetypes : types;
                if (supported.isBlank() || supported.strip().startsWith("*")) {
                    derived.remove(StorageOptions.SUPPORTED_TYPES);
                } else {
                    derived.put(StorageOptions.SUPPORTED_TYPES, supported.strip());
                }
            } else {
                derived.remove(StorageOptions.SUPPORTED_TYPES);
            }
            storages.put(role.implicitStorage(), derived);
        }
    }

    private static long mib(String value, long fallback) {
        return value == null || !value.trim().matches("\\d+") ? fallback : Long.parseLong(value.trim());
    }

    /** The names of the storages {@link #derive} would add to {@code names}. */
    public static Set<String> withImplicit(Set<String> names, String defaultName) {
        Set<String> out = new TreeSet<>(names);
        if (names.contains(defaultName)) {
            for (Role role : Role.values()) {
                out.add(role.implicitStorage());
            }
        }
        return out;
    }

    /** The storage of each role: {@code portal.files.default_storages.<role>}, or the role's storage name. */
    public static Map<Role, String> resolve(Function<String, String> value) {
        Map<Role, String> out = new LinkedHashMap<>();
        for (Role role : Role.values()) {
            String chosen = value.apply(role.configKey());
            out.put(role, chosen == null || chosen.isBlank() ? role.implicitStorage() : chosen.trim());
        }
        return out;
    }

    /** The option keys an adapter declares. */
    static Set<String> optionKeys(StorageFactory factory) {
        Set<String> keys = new TreeSet<>();
        factory.options().forEach(o -> keys.add(o.key()));
        return keys;
    }
}
