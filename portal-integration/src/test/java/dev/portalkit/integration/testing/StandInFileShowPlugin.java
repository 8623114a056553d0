package dev.portalkit.integration.testing;

import dev.portalkit.api.PortalException;
import dev.portalkit.api.action.Action;
import dev.portalkit.api.action.ActionContext;
import dev.portalkit.api.action.IActions;
import dev.portalkit.api.auth.AuthFunction;
import dev.portalkit.api.auth.AuthResult;
import dev.portalkit.api.auth.IAuthFunctions;
import dev.portalkit.api.files.FileData;
import dev.portalkit.api.files.Location;
import dev.portalkit.api.files.ManagedStorage;
import dev.portalkit.api.files.Upload;
import dev.portalkit.api.plugin.PortalPlugin;
import dev.portalkit.runtime.Portal;
import dev.portalkit.runtime.files.FilesPlugin;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * STAND-IN, TEST ONLY: a minimal {@code files_file_show} until the File API (branch
 * {@code files-api}) is merged. After the merge, delete this class, enable the real files plugin
 * actions in the download tests and create files with {@code files_file_create} instead of
 * {@link #register}.
 *
 * <p>Files are stored through the real managed storages by the tests; this only remembers them,
 * in memory, keyed by a new id. {@code files_file_show} returns exactly the dict the download
 * routes rely on: {@code id, name, storage, location, size, content_type, hash, hashing_algorithm,
 * storage_data, mtime} ({@code mtime} as CKAN writes it: ISO-8601, UTC, no offset). Its auth
 * function is the permission check: the owner and sysadmins may read a file (anyone, when it was
 * registered without owner); an unknown id is NOT_FOUND.
 *
 * <p>For the bench (sysadmins only): {@code standin_file_register} records a file that is in a
 * storage already; {@code standin_file_create} stores a multipart {@code upload} (spooled by the
 * action API) through the managed storage, as {@code files_file_create} will, and reports how
 * long the storage step took ({@code store_seconds}).
 */
@ApplicationScoped
public class StandInFileShowPlugin implements PortalPlugin, IActions, IAuthFunctions {
    public static final String NAME = "standin_files";

    @Inject
    Portal portal;

    private record Entry(Map<String, Object> dict, String owner) {
    }

    private static final Map<String, Entry> FILES = new ConcurrentHashMap<>();

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "TEST ONLY stand-in for the File API's files_file_show (delete after merging files-api)";
    }

    /**
     * Remembers a file stored in {@code storage}; returns its id.
     *
     * @param owner the user name that may read it (sysadmins always may); {@code null}: anyone
     */
    public static String register(String storage, FileData data, String name, Instant mtime, String owner) {
        String id = UUID.randomUUID().toString();
        Map<String, Object> dict = new LinkedHashMap<>();
        dict.put("id", id);
        dict.put("name", name);
        dict.put("storage", storage);
        dict.put("location", data.location().value());
        dict.put("size", data.size());
        dict.put("content_type", data.contentType());
        dict.put("hash", data.hash());
        dict.put("hashing_algorithm", data.hashAlgorithm());
        dict.put("storage_data", data.storageData());
        dict.put("mtime", LocalDateTime.ofInstant(mtime, ZoneOffset.UTC).toString());
        FILES.put(id, new Entry(Map.copyOf(dict), owner));
        return id;
    }

    @Override
    public Map<String, Action> actions() {
        return Map.of(
                "files_file_show", (ctx, data) -> new LinkedHashMap<>(entry(data).dict()),
                "standin_file_register", (ctx, data) -> {
                    FileData file = new FileData(new Location(String.valueOf(data.get("location"))),
                            Long.parseLong(String.valueOf(data.get("size"))), (String) data.get("content_type"),
                            (String) data.get("hash"), (String) data.getOrDefault("hashing_algorithm", "md5"), Map.of());
                    String id = register(String.valueOf(data.get("storage")), file, String.valueOf(data.get("name")),
                            Instant.now(), (String) data.get("owner"));
                    return Map.of("id", id);
                },
                "standin_file_create", (ctx, data) -> {
                    if (!(data.get("upload") instanceof Upload upload)) {
                        throw PortalException.badRequest("upload: a file part is required");
                    }
                    String storage = String.valueOf(data.getOrDefault("storage", "default"));
                    ManagedStorage target = FilesPlugin.of(portal).storages().get(storage);
                    Location location = target.prepareLocation(UUID.randomUUID() + "-" + upload.filename(), upload);
                    long started = System.nanoTime();
                    FileData stored = target.uploader().upload(location, upload, false);
                    double seconds = (System.nanoTime() - started) / 1e9;
                    String id = register(storage, stored, upload.filename(), Instant.now(), (String) data.get("owner"));
                    Map<String, Object> result = new LinkedHashMap<>(FILES.get(id).dict());
                    result.put("store_seconds", seconds);
                    return result;
                });
    }

    @Override
    public Map<String, AuthFunction> authFunctions() {
        return Map.of("files_file_show", AuthFunction.forSysadminsToo(StandInFileShowPlugin::mayRead));
    }

    private static AuthResult mayRead(ActionContext ctx, Map<String, Object> data) {
        Entry entry = entry(data);
        boolean sysadmin = ctx.user().map(u -> u.sysadmin()).orElse(false);
        boolean owner = entry.owner() == null || ctx.user().map(u -> u.name().equals(entry.owner())).orElse(false);
        return sysadmin || owner ? AuthResult.allow() : AuthResult.deny("You are not allowed to read file " + data.get("id"));
    }

    private static Entry entry(Map<String, Object> data) {
        Entry entry = FILES.get(String.valueOf(data.get("id")));
        if (entry == null) {
            throw PortalException.notFound("File " + data.get("id") + " does not exist");
        }
        return entry;
    }
}
