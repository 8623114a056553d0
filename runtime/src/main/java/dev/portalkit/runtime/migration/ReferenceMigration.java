package dev.portalkit.runtime.migration;

import dev.portalkit.api.ErrorKind;
import dev.portalkit.api.PortalException;
import dev.portalkit.api.action.ActionContext;
import dev.portalkit.runtime.Portal;
import dev.portalkit.runtime.model.UploadReferences;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Gives files to the resources, groups and users that use them and points those at the files
 * (the {@code files migrate ...} commands): per item, the owner takes the tracked file (pinned)
 * and its fields are set as {@link UploadReferences} represents uploads — all in one transaction.
 *
 * <p>The change log is written ahead: a {@code begin} entry with the fields as they were before the
 * transaction, a {@code done} entry after it committed, a {@code reverted} entry when
 * {@link #revert} set them back. A run interrupted between the two resumes the item with the
 * fields first recorded, so a revert restores what the portal had before the first run.
 */
public final class ReferenceMigration {
    /** Owner types (also the kinds of items): resource files, group and user images; admin uploads have no owner. */
    public static final String RESOURCE = "resource";
    public static final String GROUP = "group";
    public static final String USER = "user";
    public static final String ADMIN = "admin";

    /** One item: its key in the log, a label for messages, the owner (type and id, or none). */
    public record Item(String key, String label, String kind, String ownerId, Object source) {
    }

    /** Produces the tracked file of an item: {@link #prepare} outside the transaction (copy bytes), {@link #track} inside it. */
    public interface Tracker {
        default Object prepare(Item item) {
            return null;
        }

        /** The file's dict (files_file_show's), tracked now or earlier. */
        Map<String, Object> track(Item item, Object prepared, ActionContext system);
    }

    private final Portal portal;
    private final ChangeLog log;
    private final boolean dryRun;
    private final PrintWriter out;
    private final PrintWriter err;
    private final UploadReferences references;
    private final ActionContext system;

    public ReferenceMigration(Portal portal, ChangeLog log, boolean dryRun, PrintWriter out, PrintWriter err) {
        this.portal = portal;
        this.log = log;
        this.dryRun = dryRun;
        this.out = out;
        this.err = err;
        this.references = new UploadReferences(() -> portal.transactions().em());
        this.system = portal.context(Optional.empty(), true);
    }

    /** The owner an uploaded file belongs to by its location: a resource id (abc/def/ghij...) or an image's user or group. */
    public Optional<String> owner(String kind, String resourcePathOrImageName) {
        return portal.inTransaction(() -> switch (kind) {
            case RESOURCE -> resourceId(resourcePathOrImageName).flatMap(id -> references.resource(id).map(r -> id));
            case GROUP, USER -> references.imageOwner(kind, resourcePathOrImageName);
            default -> Optional.<String>empty();
        });
    }

    /** A classic resource path ({@code abc/def/ghijk...}) as the resource id it stores, if it is one. */
    public static Optional<String> resourceId(String path) {
        String[] parts = path.split("/");
        if (parts.length == 3 && parts[0].length() == 3 && parts[1].length() == 3 && !parts[2].isEmpty()) {
            return Optional.of(parts[0] + parts[1] + parts[2]);
        }
        return Optional.empty();
    }

    public MigrationRun.Summary migrate(Iterator<Item> items, Tracker tracker, MigrationRun.Progress progress, long limit) {
        Map<String, State> states = states();
        return MigrationRun.run(items, Item::label, item -> {
            State state = states.get(item.key());
            if (state != null && state.done) {
                return MigrationRun.Outcome.UNCHANGED;
            }
            if (dryRun) {
                out.println("would migrate " + item.label() + (item.ownerId() == null ? " (no owner)" : " to " + item.kind() + " " + item.ownerId()));
                return MigrationRun.Outcome.CHANGED;
            }
            Map<String, Object> previous = state != null ? state.previous : portal.inTransaction(() -> current(item));
            Map<String, Object> begin = entry("begin", item);
            begin.put("previous", previous);
            log.append(begin);
            Object prepared = tracker.prepare(item);
            Map<String, Object> file = portal.inTransaction(() -> adopt(item, tracker.track(item, prepared, system)));
            Map<String, Object> done = entry("done", item);
            done.put("file_id", file.get("id"));
            done.put("storage", file.get("storage"));
            done.put("location", file.get("location"));
            done.put("hash", file.get("hash"));
            log.append(done);
            states.put(item.key(), new State(previous, true, item));
            return MigrationRun.Outcome.CHANGED;
        }, progress, err, limit);
    }

    /** Sets the fields of every migrated item back as the log recorded them (newest first); files stay tracked and stored. */
    public MigrationRun.Summary revert(MigrationRun.Progress progress) {
        List<Map.Entry<String, State>> done = new ArrayList<>();
        states().entrySet().stream().filter(e -> e.getValue().done).forEach(done::add);
        Collections.reverse(done);
        return MigrationRun.run(done.iterator(), e -> e.getValue().item.label(), e -> {
            Item item = e.getValue().item;
            if (dryRun) {
                out.println("would revert " + item.label());
                return MigrationRun.Outcome.CHANGED;
            }
            portal.inTransaction(() -> {
                restore(item, e.getValue().previous);
                return null;
            });
            log.append(entry("reverted", item));
            return MigrationRun.Outcome.CHANGED;
        }, progress, err, 0);
    }

    /** The items the log records as done (for commands whose source no longer lists them once done). */
    public List<Item> done() {
        List<Item> done = new ArrayList<>();
        states().values().stream().filter(s -> s.done).forEach(s -> done.add(s.item));
        return done;
    }

    /** Whether the log records anything to revert. */
    public boolean anyDone() {
        return states().values().stream().anyMatch(s -> s.done);
    }

    private Map<String, Object> adopt(Item item, Map<String, Object> file) {
        if (item.ownerId() == null) {
            return file;
        }
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("id", file.get("id"));
        data.put("owner_type", item.kind());
        data.put("owner_id", item.ownerId());
        data.put("pin", true);
        system.call("files_transfer_ownership", data);
        if (RESOURCE.equals(item.kind())) {
            String name = UploadReferences.uploadFileName((String) references.resource(item.ownerId())
                    .orElseThrow(() -> new PortalException(ErrorKind.NOT_FOUND, "resource " + item.ownerId() + " was deleted meanwhile"))
                    .get("url"),
                    (String) file.get("name"));
            if (!name.equals(file.get("name"))) {
                system.call("files_file_rename", new LinkedHashMap<>(Map.of("id", file.get("id"), "name", name)));
            }
            @SuppressWarnings("unchecked")
            Map<String, Object> renamed = (Map<String, Object>) system.call("files_file_show", new LinkedHashMap<>(Map.of("id", file.get("id"))));
            references.linkResource(item.ownerId(), renamed);
            return renamed;
        }
        references.setImage(item.kind(), item.ownerId(), (String) file.get("location"));
        return file;
    }

    private Map<String, Object> current(Item item) {
        Map<String, Object> fields = new LinkedHashMap<>();
        if (item.ownerId() == null) {
            return fields;
        }
        if (RESOURCE.equals(item.kind())) {
            references.resource(item.ownerId()).ifPresent(r -> UploadReferences.RESOURCE_FIELDS.forEach(k -> fields.put(k, r.get(k))));
        } else {
            fields.put("image_url", references.image(item.kind(), item.ownerId()));
        }
        return fields;
    }

    private void restore(Item item, Map<String, Object> previous) {
        if (item.ownerId() == null) {
            return;
        }
        if (RESOURCE.equals(item.kind())) {
            references.restoreResource(item.ownerId(), previous);
        } else {
            references.setImage(item.kind(), item.ownerId(), (String) previous.get("image_url"));
        }
    }

    private static Map<String, Object> entry(String op, Item item) {
        Map<String, Object> e = new LinkedHashMap<>();
        e.put("op", op);
        e.put("key", item.key());
        e.put("label", item.label());
        e.put("kind", item.kind());
        e.put("owner_id", item.ownerId());
        return e;
    }

    /** Where each item stands by the log: begun (with the fields before it), done, or reverted (no state). */
    private Map<String, State> states() {
        Map<String, State> states = new LinkedHashMap<>();
        for (Map<String, Object> e : log.entries()) {
            String key = (String) e.get("key");
            Item item = new Item(key, (String) e.get("label"), (String) e.get("kind"), (String) e.get("owner_id"), null);
            switch (String.valueOf(e.get("op"))) {
                case "begin" -> {
                    State s = states.get(key);
                    if (s == null) {
                        states.put(key, new State(StorageTransfer.map(e.get("previous")), false, item));
                    }
                }
                case "done" -> {
                    State s = states.get(key);
                    states.remove(key); // re-inserted last: revert goes newest first
                    states.put(key, new State(s == null ? Map.of() : s.previous, true, item));
                }
                case "reverted" -> states.remove(key);
                default -> {
                }
            }
        }
        return states;
    }

    private record State(Map<String, Object> previous, boolean done, Item item) {
    }
}
