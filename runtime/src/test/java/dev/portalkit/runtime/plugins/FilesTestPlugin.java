package dev.portalkit.runtime.plugins;

import dev.portalkit.api.PortalException;
import dev.portalkit.api.action.Action;
import dev.portalkit.api.action.IActions;
import dev.portalkit.api.auth.AuthFunction;
import dev.portalkit.api.auth.AuthResult;
import dev.portalkit.api.auth.ChainedAuthFunction;
import dev.portalkit.api.auth.IAuthFunctions;
import dev.portalkit.api.config.ConfigOption;
import dev.portalkit.api.files.Capability;
import dev.portalkit.api.files.FileData;
import dev.portalkit.api.files.FilePermission;
import dev.portalkit.api.files.FilesException;
import dev.portalkit.api.files.IFiles;
import dev.portalkit.api.files.Location;
import dev.portalkit.api.files.Manager;
import dev.portalkit.api.files.MultipartData;
import dev.portalkit.api.files.MultipartUploads;
import dev.portalkit.api.files.OwnerGetter;
import dev.portalkit.api.files.StorageReader;
import dev.portalkit.api.files.Storage;
import dev.portalkit.api.files.StorageFactory;
import dev.portalkit.api.files.StorageSettings;
import dev.portalkit.api.files.Upload;
import dev.portalkit.api.files.Uploader;
import dev.portalkit.api.plugin.PortalPlugin;
import dev.portalkit.api.validation.IDatasetForm;
import dev.portalkit.api.validation.IGroupForm;
import dev.portalkit.api.validation.Schema;
import dev.portalkit.runtime.files.memory.MemoryStorage;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * Test plugin for the File API (enabled as "files-test"):
 * <ul>
 *   <li>adapters {@code test:tagged} (memory whose files carry storage data: {@code bucket},
 *       {@code meta.region}, {@code tags}, {@code n}) and {@code test:flaky} (memory whose
 *       removals fail while {@link #FAILING_REMOVALS} is above zero);</li>
 *   <li>an {@code isAllowed} hook: files named {@code hook-allow*} may be shown and updated by
 *       anyone logged in, {@code hook-deny*} by nobody but sysadmins; uploads named
 *       {@code hook-upload*} are allowed to anyone logged in; transfers to a widget named
 *       {@code w-blocked} are denied;</li>
 *   <li>an owner type {@code widget} (ids {@code w-...}) with {@code widget_show},
 *       {@code widget_update} (users named {@code fan...}) and {@code widget_file_transfer}
 *       (users named {@code mover...});</li>
 *   <li>{@code test_create_then_fail}: creates a file, then fails;</li>
 *   <li>chained permission functions: users named {@code filemanager...} pass
 *       {@code permission_manage_files}; files named {@code no-download...} fail
 *       {@code permission_download_file} for everyone but sysadmins (their metadata stays readable); users named
 *       {@code co-owner...} pass {@code permission_owns_file} for files named {@code shared-...};</li>
 *   <li>schema changes: resources' {@code url} takes file ids ({@code url_type = file}) moved to the
 *       resource; organizations take an image upload ({@code files_upload_as}).</li>
 * </ul>
 */
@ApplicationScoped
public class FilesTestPlugin implements PortalPlugin, IFiles, IAuthFunctions, IActions, IDatasetForm, IGroupForm {
    public static final AtomicInteger FAILING_REMOVALS = new AtomicInteger();
    public static final List<String> REMOVALS = new CopyOnWriteArrayList<>();

    @Override
    public String name() {
        return "files-test";
    }

    // ---- adapters --------------------------------------------------------------------------------

    @Override
    public List<StorageFactory> storageFactories() {
        return List.of(factory("test:tagged", List.of(ConfigOption.of("bucket", "Bucket name in the storage data.").defaultValue("b1"),
                ConfigOption.of("region", "Region in the storage data.").defaultValue("eu"))), factory("test:flaky", List.of()));
    }

    private static StorageFactory factory(String type, List<ConfigOption> options) {
        return new StorageFactory() {
            @Override
            public String type() {
                return type;
            }

            @Override
            public List<ConfigOption> options() {
                return options;
            }

            @Override
            public Storage create(StorageSettings settings) {
                return new Wrapped(new MemoryStorage(settings), type);
            }
        };
    }

    /** A memory storage with storage data on its files, or failing removals. */
    private static final class Wrapped implements Storage {
        private final MemoryStorage memory;
        private final String type;

        Wrapped(MemoryStorage memory, String type) {
            this.memory = memory;
            this.type = type;
        }

        private FileData tag(FileData data) {
            if (!type.equals("test:tagged")) {
                return data;
            }
            Map<String, Object> sd = new LinkedHashMap<>();
            sd.put("bucket", memory.settings().option("bucket"));
            sd.put("meta", Map.of("region", memory.settings().option("region")));
            sd.put("tags", List.of("x", "y"));
            sd.put("n", 5);
            return data.withStorageData(sd);
        }

        @Override
        public StorageSettings settings() {
            return memory.settings();
        }

        @Override
        public Uploader uploader() {
            Uploader inner = memory.uploader();
            return new Uploader() {
                @Override
                public Set<Capability> capabilities() {
                    return inner.capabilities();
                }

                @Override
                public FileData upload(Location location, Upload upload, boolean overwrite) {
                    return tag(inner.upload(location, upload, overwrite));
                }

                @Override
                public Optional<MultipartUploads> multipart() {
                    return inner.multipart().map(parts -> new MultipartUploads() {
                        @Override
                        public MultipartData start(MultipartData data) {
                            return parts.start(data);
                        }

                        @Override
                        public MultipartData update(MultipartData data, int part, Upload content) {
                            return parts.update(data, part, content);
                        }

                        @Override
                        public long minPartSize() {
                            return parts.minPartSize();
                        }

                        @Override
                        public MultipartData refresh(MultipartData data) {
                            return parts.refresh(data);
                        }

                        @Override
                        public FileData complete(MultipartData data) {
                            return tag(parts.complete(data));
                        }

                        @Override
                        public void abort(MultipartData data) {
                            parts.abort(data);
                        }
                    });
                }
            };
        }

        @Override
        public StorageReader reader() {
            return memory.reader();
        }

        @Override
        public Manager manager() {
            Manager inner = memory.manager();
            return new Manager() {
                @Override
                public Set<Capability> capabilities() {
                    return inner.capabilities();
                }

                @Override
                public boolean remove(FileData data) {
                    if (type.equals("test:flaky") && FAILING_REMOVALS.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                        throw FilesException.backend(memory.settings().name(), "the backend is down", null);
                    }
                    REMOVALS.add(memory.settings().name() + ":" + data.location());
                    return inner.remove(data);
                }

                @Override
                public boolean exists(FileData data) {
                    return inner.exists(data);
                }

                @Override
                public Stream<Location> scan() {
                    return inner.scan();
                }

                @Override
                public FileData analyze(Location location) {
                    return tag(inner.analyze(location));
                }
            };
        }
    }

    // ---- permission hook and owners --------------------------------------------------------------

    @Override
    public FilePermission isAllowed(dev.portalkit.api.action.ActionContext context, Map<String, Object> file, String operation,
                                    Map<String, Object> nextOwner) {
        String name = String.valueOf(file.get("name"));
        if (operation.equals("create") && name.startsWith("hook-upload")) {
            return context.user().isPresent() ? FilePermission.ALLOW : FilePermission.NO_OPINION;
        }
        if (operation.equals("transfer") && nextOwner != null && "w-blocked".equals(nextOwner.get("owner_id"))) {
            return FilePermission.DENY;
        }
        if (name.startsWith("hook-allow") && (operation.equals("show") || operation.equals("update"))) {
            return context.user().isPresent() ? FilePermission.ALLOW : FilePermission.NO_OPINION;
        }
        if (name.startsWith("hook-deny")) {
            return FilePermission.DENY;
        }
        return FilePermission.NO_OPINION;
    }

    @Override
    public Map<String, OwnerGetter> ownerGetters() {
        return Map.of("widget", (ctx, id) -> id.startsWith("w-") ? Optional.of(Map.of("id", id)) : Optional.empty());
    }

    @Override
    public Map<String, AuthFunction> authFunctions() {
        Map<String, AuthFunction> auth = new LinkedHashMap<>();
        AuthFunction fans = (ctx, data) -> ctx.user().map(u -> u.name().startsWith("fan")).orElse(false)
                ? AuthResult.allow() : AuthResult.deny("not a fan of widgets");
        auth.put("widget_show", fans);
        auth.put("widget_update", fans);
        auth.put("widget_file_transfer", (ctx, data) -> ctx.user().map(u -> u.name().startsWith("mover")).orElse(false)
                ? AuthResult.allow() : AuthResult.deny("not a mover"));
        auth.put("test_create_then_fail", (ctx, data) -> AuthResult.allow());
        return auth;
    }

    @Override
    public Map<String, ChainedAuthFunction> chainedAuthFunctions() {
        Map<String, ChainedAuthFunction> chained = new LinkedHashMap<>();
        chained.put("permission_manage_files", (next, ctx, data) -> ctx.user().map(u -> u.name().startsWith("filemanager")).orElse(false)
                ? AuthResult.allow() : next.check(ctx, data));
        // Users named co-owner... own every file named shared-... besides its owner: chaining permission_owns_file
        // changes who may read, edit and delete such a file (the File API asks it, not a copy of its rule).
        chained.put("permission_owns_file", (next, ctx, data) -> ctx.user().map(u -> u.name().startsWith("co-owner")).orElse(false)
                && ctx.withIgnoreAuth(true).call("files_file_show", Map.of("id", data.get("id"))) instanceof Map<?, ?> file
                && String.valueOf(file.get("name")).startsWith("shared-") ? AuthResult.allow() : next.check(ctx, data));
        chained.put("permission_download_file", ChainedAuthFunction.allowAnonymous((next, ctx, data) -> {
            Object name = ctx.withIgnoreAuth(true).call("files_file_show", Map.of("id", data.get("id"))) instanceof Map<?, ?> file
                    ? file.get("name") : null;
            return String.valueOf(name).startsWith("no-download") ? AuthResult.deny("not authorized: downloads of this file are off")
                    : next.check(ctx, data);
        }));
        return chained;
    }

    // ---- an action that fails after creating a file ----------------------------------------------

    @Override
    public Map<String, Action> actions() {
        return Map.of("test_create_then_fail", (ctx, data) -> {
            ctx.call("files_file_create", data);
            throw PortalException.badRequest("failing on purpose after files_file_create");
        });
    }

    // ---- schemas ---------------------------------------------------------------------------------

    @Override
    public Schema createPackageSchema(Schema schema) {
        return withFileResources(schema);
    }

    @Override
    public Schema updatePackageSchema(Schema schema) {
        return withFileResources(schema);
    }

    /** The seed's resource migration: {@code url} holds a file id when {@code url_type} is {@code file}. */
    private static Schema withFileResources(Schema schema) {
        Schema resource = schema.nested("resources")
                .append("url", "files_verify_url_type_and_value", "files_file_id_exists", "files_transfer_ownership(resource, id)")
                .prepend("format", "files_content_type_from_file(url)");
        return schema.withNestedSchema("resources", resource);
    }

    @Override
    public Schema showPackageSchema(Schema schema) {
        Schema resource = schema.nested("resources")
                .append("url", "files_verify_url_type_and_value", "files_id_into_resource_download_url");
        return schema.withNestedSchema("resources", resource);
    }

    @Override
    public Schema createGroupSchema(Schema schema, boolean isOrganization) {
        return isOrganization ? withImageUpload(schema) : schema;
    }

    @Override
    public Schema updateGroupSchema(Schema schema, boolean isOrganization) {
        return isOrganization ? withImageUpload(schema) : schema;
    }

    /** The seed's group image migration (no organization_patch here: image_url is set in the same call). */
    private static Schema withImageUpload(Schema schema) {
        return schema.with("files_image_upload", "ignore_empty", "files_into_upload", "files_validate_with_storage(avatars)",
                "files_upload_as(avatars, organization, id, public_url, \"\", image_url)");
    }

    /** Locations of a storage's files, for tests. */
    public static List<String> sorted(Stream<Location> locations) {
        List<String> out = new ArrayList<>();
        try (locations) {
            locations.forEach(l -> out.add(l.value()));
        }
        out.sort(null);
        return out;
    }
}
