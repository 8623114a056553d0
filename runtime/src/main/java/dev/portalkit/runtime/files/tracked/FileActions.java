package dev.portalkit.runtime.files.tracked;

import dev.portalkit.api.ErrorKind;
import dev.portalkit.api.PortalException;
import dev.portalkit.api.ValidationException;
import dev.portalkit.api.action.Action;
import dev.portalkit.api.action.ActionContext;
import dev.portalkit.api.auth.AuthFunction;
import dev.portalkit.api.auth.AuthResult;
import dev.portalkit.api.event.EntityEvent.Entity;
import dev.portalkit.api.event.EntityEvent.Operation;
import dev.portalkit.api.files.Capability;
import dev.portalkit.api.files.FileData;
import dev.portalkit.api.files.Location;
import dev.portalkit.api.files.ManagedStorage;
import dev.portalkit.api.files.Upload;
import dev.portalkit.api.validation.Invalid;
import dev.portalkit.api.validation.Schema;
import dev.portalkit.runtime.action.FieldFailure;
import dev.portalkit.runtime.files.FileLinks;
import dev.portalkit.runtime.files.content.FileNames;
import dev.portalkit.runtime.files.content.LocationRules;
import dev.portalkit.runtime.files.registry.StorageRegistry;
import dev.portalkit.runtime.validation.WholeNumbers;
import java.math.BigInteger;
import java.net.URI;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.logging.Logger;

/**
 * The File API's actions on single files (seed 003's names): create, register, show, search,
 * delete, rename, pin, unpin, transfer ownership, link; with their auth functions.
 */
final class FileActions {
    private static final Logger LOG = Logger.getLogger(FileActions.class.getName());
    static final String REMOVE_CONTENT_TASK = "files_remove_content";
    static final Duration DEFAULT_LINK_TTL = Duration.ofHours(1);
    static final Duration DEFAULT_ONE_TIME_TTL = Duration.ofDays(1);

    static final Schema CREATE = Schema.empty()
            .with("upload", "not_empty", "files_into_upload", "files_ensure_name(name)")
            .with("name", "not_empty", "unicode_safe", "strip_value", "files_file_name")
            .with("storage", "files_storage_name");
    static final Schema REGISTER = Schema.empty()
            .with("storage", "files_storage_name")
            .with("location", "not_empty", "unicode_safe")
            .with("name", "ignore_empty", "unicode_safe", "strip_value", "files_file_name")
            .with("owner_type", "ignore_empty", "unicode_safe")
            .with("owner_id", "ignore_empty", "unicode_safe");
    static final Schema RENAME = Schema.empty()
            .with("id", "not_empty", "unicode_safe")
            .with("name", "not_empty", "unicode_safe", "strip_value", "files_file_name");
    static final Schema TRANSFER = Schema.empty()
            .with("id", "not_empty", "unicode_safe")
            .with("owner_type", "not_empty", "unicode_safe", "strip_value")
            .with("owner_id", "not_empty", "unicode_safe", "strip_value")
            .with("force", "default(false)", "boolean_validator")
            .with("pin", "default(false)", "boolean_validator");
    static final Schema LINK = Schema.empty()
            .with("id", "not_empty", "unicode_safe")
            .with("type", "default(permanent)", "unicode_safe", "one_of(permanent, temporal, one_time, public)")
            .with("duration", "ignore_empty");
    static final Schema SHOW = Schema.empty()
            .with("id", "not_empty", "unicode_safe")
            .with("include_transfers", "default(false)", "boolean_validator");

    private final FileApi api;
    private final FileStore store;
    private final FilePermissions permissions;
    private final FileSearch search;

    FileActions(FileApi api, FileStore store, FilePermissions permissions) {
        this.api = api;
        this.store = store;
        this.permissions = permissions;
        this.search = new FileSearch(store);
    }

    void register(Map<String, Action> actions, Map<String, AuthFunction> auth) {
        actions.put("files_file_create", Action.validating(CREATE, Action.acceptingUploads(this::create)));
        actions.put("files_file_register", Action.validating(REGISTER, this::register));
        actions.put("files_file_show", Action.validating(SHOW, Action.sideEffectFree(this::show)));
        actions.put("files_file_search", Action.sideEffectFree(search::search));
        actions.put("files_file_delete", Action.withTaskQueue(this::delete));
        actions.put("files_file_rename", Action.validating(RENAME, this::rename));
        actions.put("files_file_pin", (ctx, data) -> pin(ctx, data, true));
        actions.put("files_file_unpin", (ctx, data) -> pin(ctx, data, false));
        actions.put("files_transfer_ownership", Action.validating(TRANSFER, this::transfer));
        actions.put("files_file_link", Action.validating(LINK, this::link));
        actions.put("files_file_link_revoke", this::revokeLinks);
        actions.put("files_storage_list", Action.sideEffectFree(new StorageList(api.host())::list));
        actions.put("files_stats", Action.sideEffectFree(new FileStats(api.host())::stats));

        auth.put("files_file_create", (ctx, data) -> permissions.mayCreate(ctx, storageName(ctx, data), data.get("name")));
        auth.put("files_file_register", (ctx, data) -> permissions.mayRegister(ctx, storageName(ctx, data), data.get("location")));
        auth.put("files_file_show", AuthFunction.allowAnonymous((ctx, data) -> FilePermissions.ask(ctx, FilePermissions.READ_FILE, data)));
        // Not allowAnonymous: a link must have a maker whose permission it keeps following. A link is a download.
        auth.put("files_file_link", (ctx, data) -> FilePermissions.ask(ctx, FilePermissions.DOWNLOAD_FILE, data));
        auth.put("files_file_link_revoke", (ctx, data) -> FilePermissions.ask(ctx, FilePermissions.EDIT_FILE, data));
        auth.put("files_storage_list", (ctx, data) -> AuthResult.deny("Only sysadmins may list the storages"));
        auth.put("files_stats", (ctx, data) -> AuthResult.deny("You are not authorized to see the file statistics (sysadmins only)"));
        auth.put("files_file_delete", (ctx, data) -> FilePermissions.ask(ctx, FilePermissions.DELETE_FILE, data));
        for (String edit : List.of("files_file_rename", "files_file_pin", "files_file_unpin")) {
            auth.put(edit, (ctx, data) -> FilePermissions.ask(ctx, FilePermissions.EDIT_FILE, data));
        }
        auth.put("files_transfer_ownership", this::mayTransfer);
        auth.put("files_file_search", AuthFunction.allowAnonymous(this::maySearch));
    }

    // ---- auth ------------------------------------------------------------------------------------

    /** The storage a create / register call names, or the default one. */
    static String storageName(ActionContext ctx, Map<String, Object> data) {
        Object given = data.get("storage");
        if (given instanceof String s && !s.isBlank()) {
            return s.strip();
        }
        return ctx.config().get(StorageRegistry.DEFAULT_STORAGE).map(String::strip).orElse(StorageRegistry.IMPLICIT_STORAGE);
    }

    AuthResult mayTransfer(ActionContext ctx, Map<String, Object> data) {
        FileRecord f = store.lockFile(data, "id");
        FileStore.Owner next = api.resolveOwner(ctx, FileStore.requireString(data, "owner_type"), FileStore.requireString(data, "owner_id"));
        return FilePermissions.result(permissions.mayTransfer(ctx, store.dict(f), next), ctx,
                "transfer file " + f.id + " to " + next.type() + " " + next.id());
    }

    /** Sysadmins (and whoever passes permission_manage_files) search everything; others the files of one owner they may see ({@code owner_type} + {@code owner_id}). */
    private AuthResult maySearch(ActionContext ctx, Map<String, Object> data) {
        if (ctx.checkAccess(FilePermissions.MANAGE_FILES, Map.of()).allowed()) {
            return AuthResult.allow();
        }
        if (data.get("owner_type") instanceof String type && data.get("owner_id") instanceof String id
                && permissions.mayListOwner(ctx, new FileStore.Owner(type.strip(), id.strip()))) {
            return AuthResult.allow();
        }
        return AuthResult.deny(FilePermissions.who(ctx) + " is not authorized to search all files (filter by an owner you"
                + " may see: owner_type=user and owner_id=<your id>, or a dataset, ...)");
    }

    // ---- actions ---------------------------------------------------------------------------------

    Map<String, Object> search(ActionContext ctx, Map<String, Object> data) {
        return search.search(ctx, data);
    }

    Object create(ActionContext ctx, Map<String, Object> data) {
        Map<String, Object> valid = ctx.validate(CREATE, data);
        FileRecord f = createFile(ctx, (String) valid.get("storage"), (String) valid.get("name"), (Upload) valid.get("upload"),
                callerAsOwner(ctx));
        return store.dict(f);
    }

    /**
     * Streams {@code upload} into the storage at the location its {@code prepareLocation} makes of
     * {@code name}, and tracks it. The bytes are removed again if the action's transaction rolls back.
     */
    FileRecord createFile(ActionContext ctx, String storageName, String name, Upload upload, FileStore.Owner owner) {
        ManagedStorage storage = api.storage(storageName, "storage");
        if (!storage.supports(Capability.CREATE)) {
            throw new FieldFailure(ErrorKind.UNSUPPORTED, "storage", "Storage " + storageName + " cannot create files", null);
        }
        Location location;
        try {
            location = storage.prepareLocation(name, upload);
        } catch (PortalException e) {
            throw FieldFailure.on("name", e);
        }
        if (store.tracked(storageName, location.value()) != null) {
            throw ValidationException.of("name", "A file is tracked at location " + location + " of storage " + storageName + " already");
        }
        // Content sent without a file name (text in a JSON call) is typed by the file's name.
        Upload named = upload.filename() == null || upload.filename().isBlank()
                ? Upload.of(name, upload.contentType(), upload.size(), upload::open) : upload;
        FileData stored;
        try {
            stored = storage.uploader().upload(location, named, false);
        } catch (PortalException e) {
            throw FieldFailure.on(e.kind() == ErrorKind.ALREADY_EXISTS ? "name" : "upload", e);
        }
        api.removeOnRollback(storage, stored);
        return store.insert(storageName, name, stored, owner, ctx);
    }

    static FileStore.Owner callerAsOwner(ActionContext ctx) {
        return ctx.user().map(u -> new FileStore.Owner(FilePermissions.USER, u.id())).orElse(null);
    }

    Object register(ActionContext ctx, Map<String, Object> data) {
        Map<String, Object> valid = ctx.validate(REGISTER, data);
        String storageName = (String) valid.get("storage");
        ManagedStorage storage = api.storage(storageName, "storage");
        if (!storage.supports(Capability.ANALYZE)) {
            throw new FieldFailure(ErrorKind.UNSUPPORTED, "storage", "Storage " + storageName
                    + " cannot describe stored files (no ANALYZE capability), so it cannot register them", null);
        }
        String location = (String) valid.get("location");
        FileData analyzed;
        try {
            LocationRules.check(location);
            analyzed = storage.manager().analyze(new Location(location));
        } catch (PortalException e) {
            throw FieldFailure.on("location", e);
        }
        String name = valid.get("name") instanceof String n ? n : nameOf(location);
        FileStore.Owner owner = callerAsOwner(ctx);
        if (valid.containsKey("owner_type") || valid.containsKey("owner_id")) {
            owner = api.resolveOwner(ctx, FileStore.requireString(valid, "owner_type"), FileStore.requireString(valid, "owner_id"));
        }
        FileRecord f = store.insert(storageName, name, analyzed, owner, ctx);
        return store.dict(f);
    }

    /** The name of a file registered without one: its location's file name, cleaned, without a uuid_prefix. */
    static String nameOf(String location) {
        String name = FileNames.clean(FileNames.fromLocation(location));
        return name.isEmpty() ? "file" : name;
    }

    Object show(ActionContext ctx, Map<String, Object> data) {
        Map<String, Object> valid = ctx.validate(SHOW, data);
        FileRecord f = store.requireFile(valid, "id");
        Map<String, Object> dict = store.dict(f);
        if (Boolean.TRUE.equals(valid.get("include_transfers"))) {
            List<Map<String, Object>> transfers = new ArrayList<>();
            for (FileTransferRecord t : store.transfers(f.id)) {
                Map<String, Object> one = new LinkedHashMap<>();
                one.put("actor_id", t.actorId);
                one.put("actor_name", t.actorName);
                one.put("from_type", t.fromType);
                one.put("from_id", t.fromId);
                one.put("to_type", t.toType);
                one.put("to_id", t.toId);
                one.put("at", FileStore.timestamp(t.transferredAt));
                transfers.add(one);
            }
            dict.put("transfers", transfers);
        }
        return dict;
    }

    /**
     * Removes the record now and queues the removal of the bytes, which runs only after the
     * record's removal committed (and is retried if it fails).
     */
    Object delete(ActionContext ctx, Map<String, Object> data) {
        FileRecord f = store.lockFile(data, "id");
        Map<String, Object> dict = store.dict(f);
        boolean configured = api.host().storages().configured().containsKey(f.storage);
        if (configured) {
            ManagedStorage storage = api.storage(f.storage, "id");
            if (!storage.supports(Capability.REMOVE)) {
                throw new FieldFailure(ErrorKind.UNSUPPORTED, "id", "Storage " + f.storage + " cannot remove files", null);
            }
        }
        api.host().entityHooks().before(ctx, Entity.FILE, Operation.DELETE, () -> dict);
        FileData content = FileStore.fileData(f);
        store.delete(f);
        api.host().entityHooks().after(ctx, Entity.FILE, Operation.DELETE, () -> dict);
        if (configured) {
            Map<String, Object> payload = new LinkedHashMap<>();
            payload.put("file_id", f.id);
            payload.put("storage", f.storage);
            payload.put("location", f.location);
            payload.put("size", content.size());
            payload.put("content_type", content.contentType());
            payload.put("hash", content.hash());
            payload.put("hash_algorithm", content.hashAlgorithm());
            payload.put("storage_data", content.storageData());
            ctx.tasks().add(REMOVE_CONTENT_TASK, payload);
        } else {
            LOG.warning("file " + f.id + " was in storage " + f.storage + ", which is not configured any more: its record is "
                    + "removed, its content is left where it is");
        }
        return dict;
    }

    Object rename(ActionContext ctx, Map<String, Object> data) {
        Map<String, Object> valid = ctx.validate(RENAME, data);
        FileRecord f = store.lockFile(valid, "id");
        api.host().entityHooks().before(ctx, Entity.FILE, Operation.RENAME, () -> {
            Map<String, Object> renamed = store.dict(f);
            renamed.put("name", valid.get("name"));
            return renamed;
        });
        f.name = (String) valid.get("name");
        f.mtime = FileStore.now();
        store.flush();
        Map<String, Object> dict = store.dict(f);
        api.host().entityHooks().after(ctx, Entity.FILE, Operation.RENAME, () -> dict);
        return dict;
    }

    Object pin(ActionContext ctx, Map<String, Object> data, boolean pinned) {
        FileRecord f = store.lockFile(data, "id");
        FileOwnerRecord o = store.owner(f.id);
        if (o == null) {
            throw ValidationException.of("id", "File " + f.id + " has no owner to be pinned to");
        }
        Operation operation = pinned ? Operation.PIN : Operation.UNPIN;
        api.host().entityHooks().before(ctx, Entity.FILE, operation, () -> {
            Map<String, Object> changed = store.dict(f);
            changed.put("pinned", pinned);
            return changed;
        });
        o.pinned = pinned;
        store.flush();
        Map<String, Object> dict = store.dict(f);
        api.host().entityHooks().after(ctx, Entity.FILE, operation, () -> dict);
        return dict;
    }

    private Object transfer(ActionContext ctx, Map<String, Object> data) {
        return transfer(ctx, data, "id");
    }

    /** Transfers the file; a pinned file without {@code force} is a validation error of {@code pinnedField}. */
    Object transfer(ActionContext ctx, Map<String, Object> data, String pinnedField) {
        Map<String, Object> valid = ctx.validate(TRANSFER, data);
        FileRecord f = store.lockFile(valid, "id");
        FileStore.Owner next = api.resolveOwner(ctx, (String) valid.get("owner_type"), (String) valid.get("owner_id"));
        FileOwnerRecord current = store.owner(f.id);
        boolean same = current != null && current.ownerType.equals(next.type()) && current.ownerId.equals(next.id());
        boolean pin = Boolean.TRUE.equals(valid.get("pin"));
        if (!same && current != null && current.pinned && !Boolean.TRUE.equals(valid.get("force"))) {
            throw ValidationException.of(pinnedField, "File " + f.id + " is pinned to " + current.ownerType + " " + current.ownerId
                    + ": unpin it first (files_file_unpin) or pass force=true");
        }
        boolean pinned = same ? current.pinned || pin : pin;
        api.host().entityHooks().before(ctx, Entity.FILE, Operation.TRANSFER, () -> {
            Map<String, Object> moved = store.dict(f);
            moved.put("owner_type", next.type());
            moved.put("owner_id", next.id());
            moved.put("pinned", pinned);
            return moved;
        });
        store.setOwner(f, next, pinned, ctx);
        Map<String, Object> dict = store.dict(f);
        api.host().entityHooks().after(ctx, Entity.FILE, Operation.TRANSFER, () -> dict);
        return dict;
    }

    private Object link(ActionContext ctx, Map<String, Object> data) {
        Map<String, Object> valid = ctx.validate(LINK, data);
        FileRecord f = store.requireFile(valid, "id");
        FileLinks.Type type = FileLinks.Type.valueOf(((String) valid.get("type")).toUpperCase(java.util.Locale.ROOT));
        Duration max = Duration.ofSeconds(ctx.config().integer(FileApiConfig.MAX_LINK_DURATION));
        // A given duration is checked whatever the type, so that garbage is refused and not silently ignored.
        Duration given = valid.get("duration") == null ? null : duration(valid.get("duration"), max);
        Duration ttl = switch (type) {
            case TEMPORAL -> given != null ? given : shorter(DEFAULT_LINK_TTL, max);
            case ONE_TIME -> given != null ? given : shorter(DEFAULT_ONE_TIME_TTL, max);
            case PERMANENT, PUBLIC -> null;
        };
        Map<String, Object> dict = store.dict(f);
        ManagedStorage storage = api.storage(f.storage, "id");
        FileData content = FileStore.fileData(f);
        URI url;
        try {
            url = switch (type) {
                case PUBLIC -> storage.supports(Capability.PUBLIC_LINK) ? storage.reader().publicLink(content) : null;
                case TEMPORAL -> storage.supports(Capability.TEMPORAL_LINK) ? storage.reader().temporalLink(content, ttl, f.name) : null;
                case PERMANENT -> storage.supports(Capability.PERMANENT_LINK) ? storage.reader().permanentLink(content) : null;
                case ONE_TIME -> storage.supports(Capability.ONE_TIME_LINK) ? storage.reader().oneTimeLink(content) : null;
            };
            if (url == null) {
                Map<String, Object> file = new LinkedHashMap<>(dict);
                file.put(FileLinks.LINK_GENERATION, f.linkGeneration);
                url = api.host().links().link(ctx, file, type, ttl);
            }
        } catch (PortalException e) {
            throw FieldFailure.on("type", e);
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("id", f.id);
        out.put("type", type.wire());
        out.put("url", url.toString());
        out.put("expires_at", ttl == null ? null : FileStore.timestamp(FileStore.now().plus(ttl)));
        return out;
    }

    /**
     * {@code files_file_link_revoke}: every link the portal made for the file so far (temporal,
     * permanent, one-time) stops working: the file's link generation goes up, and unused one-time
     * links of the file are deleted. Links made afterwards work. Whoever may update the file may.
     */
    private Object revokeLinks(ActionContext ctx, Map<String, Object> data) {
        FileRecord f = store.lockFile(data, "id");
        f.linkGeneration++;
        store.em().createNativeQuery("DELETE FROM files_one_time_link WHERE file_id = ? AND used_at IS NULL")
                .setParameter(1, f.id).executeUpdate();
        store.flush();
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("id", f.id);
        out.put("links_revoked", true);
        out.put("link_generation", f.linkGeneration);
        return out;
    }

    private static Duration shorter(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }

    /**
     * A link's lifetime: a whole number of seconds or an ISO-8601 duration ({@code PT15M}),
     * positive and at most {@code max} ({@code portal.files.max_link_duration}). Anything else is
     * a validation error of {@code duration}: fractions and exponents ({@code 1e17}), numbers past
     * any range, garbage.
     */
    static Duration duration(Object value, Duration max) {
        String format = "Must be a whole number of seconds or an ISO-8601 duration such as PT15M";
        BigInteger seconds = null;
        Duration d = null;
        if (value instanceof Integer || value instanceof Long || value instanceof Short || value instanceof Byte
                || value instanceof BigInteger) {
            seconds = new BigInteger(value.toString());
        } else if (value instanceof Number number) {
            // A JSON number without a fraction (600.0) is a whole number, as CKAN's int_validator reads it; 1.5 is not.
            try {
                seconds = BigInteger.valueOf(WholeNumbers.parse(number));
            } catch (Invalid e) {
                throw ValidationException.of("duration", format);
            }
        } else if (value instanceof String text) {
            String s = text.strip();
            if (s.matches("[+-]?\\d{1,40}")) {
                seconds = new BigInteger(s);
            } else {
                try {
                    d = Duration.parse(s);
                } catch (DateTimeParseException | ArithmeticException e) {
                    throw ValidationException.of("duration", format);
                }
            }
        } else {
            throw ValidationException.of("duration", format);
        }
        boolean notPositive = seconds != null ? seconds.signum() <= 0 : d.isNegative() || d.isZero();
        if (notPositive) {
            throw ValidationException.of("duration", "Must be positive");
        }
        boolean tooLong = seconds != null ? seconds.compareTo(BigInteger.valueOf(max.getSeconds())) > 0 : d.compareTo(max) > 0;
        if (tooLong) {
            throw ValidationException.of("duration", "Must be at most " + max.getSeconds() + " seconds (" + max + ")");
        }
        return seconds != null ? Duration.ofSeconds(seconds.longValueExact()) : d;
    }
}
