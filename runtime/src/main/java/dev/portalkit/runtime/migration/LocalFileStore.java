package dev.portalkit.runtime.migration;

import dev.portalkit.api.ErrorKind;
import dev.portalkit.api.PortalException;
import dev.portalkit.api.action.ActionContext;
import dev.portalkit.api.files.Capability;
import dev.portalkit.api.files.Location;
import dev.portalkit.api.files.ManagedStorage;
import dev.portalkit.runtime.files.fs.FsStorage;
import dev.portalkit.runtime.files.tracked.FileRelocation;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * A classic CKAN {@code storage_path} tree as items of {@link ReferenceMigration}:
 * {@code resources/abc/def/ghijk...} (the content of resource {@code abcdefghijk...}),
 * {@code storage/uploads/group/NAME}, {@code storage/uploads/user/NAME} (images) and
 * {@code storage/uploads/admin/NAME} (site uploads, no owner). Each file is copied to the same
 * relative path in the target storage (so locations never collide), verified by hash, tracked,
 * and given to its owner.
 */
public final class LocalFileStore {
    static final String RESOURCES = "resources";
    static final String UPLOADS = "storage/uploads";

    private final Path root;

    /** @throws PortalException BAD_REQUEST naming PATH when it is no classic storage_path tree */
    public LocalFileStore(Path root) {
        if (!Files.isDirectory(root)) {
            throw PortalException.badRequest("PATH: " + root + " is not a directory");
        }
        if (!Files.isDirectory(root.resolve(RESOURCES)) && !Files.isDirectory(root.resolve(UPLOADS))) {
            throw PortalException.badRequest("PATH: " + root + " is not a CKAN storage_path: it has neither resources/ nor "
                    + UPLOADS + "/");
        }
        this.root = root;
    }

    /** Relative paths of the tree's files, sorted (resources first, then uploads). */
    public List<String> paths() {
        List<String> paths = new ArrayList<>();
        for (String top : List.of(RESOURCES, UPLOADS + "/group", UPLOADS + "/user", UPLOADS + "/admin")) {
            Path dir = root.resolve(top);
            if (!Files.isDirectory(dir)) {
                continue;
            }
            try (Stream<Path> files = Files.walk(dir)) {
                files.filter(Files::isRegularFile).filter(p -> !root.relativize(p).toString().contains(FsStorage.RESERVED)).map(p -> root.relativize(p).toString().replace('\\', '/')).sorted().forEach(paths::add);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return paths;
    }

    /** The kind of a relative path: resource, group, user or admin. */
    static String kind(String path) {
        if (path.startsWith(RESOURCES + "/")) {
            return ReferenceMigration.RESOURCE;
        }
        String rest = path.substring(UPLOADS.length() + 1);
        return rest.substring(0, rest.indexOf('/'));
    }

    /** The paths as items, their owners looked up one at a time (lazily). */
    public Iterator<ReferenceMigration.Item> items(List<String> paths, ReferenceMigration migration) {
        Iterator<String> it = paths.iterator();
        return new Iterator<>() {
            @Override
            public boolean hasNext() {
                return it.hasNext();
            }

            @Override
            public ReferenceMigration.Item next() {
                String path = it.next();
                String kind = kind(path);
                String key = kind.equals(ReferenceMigration.RESOURCE) ? path.substring(RESOURCES.length() + 1)
                        : path.substring(path.lastIndexOf('/') + 1);
                String owner = kind.equals(ReferenceMigration.ADMIN) ? null : migration.owner(kind, key).orElse(null);
                return new ReferenceMigration.Item(path, path, kind, owner, root.resolve(path));
            }
        };
    }

    /** Copies an item's file into {@code target} (outside the transaction) and tracks it there (inside). */
    public static ReferenceMigration.Tracker tracker(ManagedStorage target, FileRelocation files, List<String> paths) {
        if (!target.supports(Capability.CREATE, Capability.STREAM, Capability.ANALYZE)) {
            throw PortalException.badRequest("-s/--storage: storage " + target.name() + " cannot take, read back and describe files "
                    + "(needs CREATE, STREAM and ANALYZE)");
        }
        if (!paths.isEmpty() && target.supports(Capability.EXISTS)) {
            try {
                target.manager().exists(dev.portalkit.api.files.FileData.of(new Location(paths.get(0))));
            } catch (PortalException e) {
                throw PortalException.badRequest("-s/--storage: storage " + target.name() + " cannot keep the tree's locations: "
                        + e.getMessage());
            }
        }
        String algorithm = target.settings().hashingAlgorithm();
        return new ReferenceMigration.Tracker() {
            @Override
            public Object prepare(ReferenceMigration.Item item) {
                Path file = (Path) item.source();
                String name = file.getFileName().toString();
                return ContentCopy.copy(new ContentCopy.Source() {
                    @Override
                    public InputStream open() throws IOException {
                        return Files.newInputStream(file);
                    }

                    @Override
                    public String name() {
                        return name;
                    }

                    @Override
                    public String contentType() {
                        return null;
                    }

                    @Override
                    public long size() {
                        try {
                            return Files.size(file);
                        } catch (IOException e) {
                            throw new UncheckedIOException(e);
                        }
                    }
                }, target, new Location(item.key()), algorithm, "");
            }

            @Override
            @SuppressWarnings("unchecked")
            public Map<String, Object> track(ReferenceMigration.Item item, Object prepared, ActionContext system) {
                ContentCopy.Copied copy = (ContentCopy.Copied) prepared;
                Map<String, Object> file = files.tracked(target.name(), item.key());
                if (file == null) {
                    Map<String, Object> data = new LinkedHashMap<>();
                    data.put("storage", target.name());
                    data.put("location", item.key());
                    file = (Map<String, Object>) system.call("files_file_register", data);
                }
                if (algorithm.equals(file.get("hash_algorithm")) && !copy.hash().equalsIgnoreCase((String) file.get("hash"))) {
                    throw new PortalException(ErrorKind.CONFLICT, "file " + file.get("id") + " at " + item.key() + " of storage "
                            + target.name() + " has hash " + file.get("hash") + ", the source " + copy.hash());
                }
                return file;
            }
        };
    }
}
