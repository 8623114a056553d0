package dev.portalkit.api.event;

import dev.portalkit.api.action.UserRef;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * One change of an entity, as {@link IEntityHooks} see it. Immutable: {@link #data()} is a deep,
 * unmodifiable copy of JSON-friendly values (never a database object).
 *
 * <p>What {@link #data()} holds:
 * <ul>
 *   <li>{@code before} a create or update: the validated input about to be written (for datasets
 *       and organizations/groups created, with no {@code id} yet unless the caller gave one);
 *       before a file transfer, rename, pin or unpin: the file as {@code files_file_show} returns
 *       it with the fields about to change set to their new values ({@code owner_type},
 *       {@code owner_id}; {@code name}; {@code pinned}); before a file is created: the file
 *       about to be tracked ({@code storage}, {@code name}, {@code location}, {@code size},
 *       {@code content_type}, {@code hash}, {@code owner_type}, {@code owner_id}; its content is
 *       stored already and is removed again if a hook refuses);</li>
 *   <li>{@code before} a delete: the entity as its show action returns it now;</li>
 *   <li>{@code after}: the entity as the show action returns it once changed (a deleted dataset,
 *       resource or group with {@code state} {@code deleted}; a deleted file as it was).</li>
 * </ul>
 *
 * <p>Which actions give which events:
 * <ul>
 *   <li>{@link Entity#PACKAGE}: {@code package_create} (CREATE), {@code package_update} and
 *       {@code package_patch} (UPDATE, once, from {@code package_update}), {@code package_delete} (DELETE);
 *       resources created, changed or removed through a dataset's {@code resources} list are part of
 *       the dataset's UPDATE, not resource events (as in CKAN);</li>
 *   <li>{@link Entity#RESOURCE}: {@code resource_create}, {@code resource_update} / {@code resource_patch},
 *       {@code resource_delete};</li>
 *   <li>{@link Entity#ORGANIZATION} / {@link Entity#GROUP}: {@code organization_*} / {@code group_*}
 *       create, update, delete (membership changes are not events);</li>
 *   <li>{@link Entity#FILE}: CREATE when a file becomes tracked ({@code files_file_create},
 *       {@code files_file_register}, {@code files_multipart_complete}, and so also a resource's or
 *       image's upload), DELETE ({@code files_file_delete}, also when a resource releases its
 *       upload), TRANSFER ({@code files_transfer_ownership}, also when an upload is given to the
 *       resource it belongs to), RENAME ({@code files_file_rename}), PIN and UNPIN.</li>
 * </ul>
 *
 * @param entity    what changed
 * @param operation how it changed
 * @param action    the name of the action that made the change (e.g. {@code package_update} for a
 *                  {@code package_patch}), or {@code null} when it was made outside an action
 * @param data      see above
 * @param user      the user the action ran for (empty: anonymous or the portal itself)
 */
public record EntityEvent(Entity entity, Operation operation, String action, Map<String, Object> data,
                          Optional<UserRef> user) {
    /** The kinds of entity that have lifecycle events. */
    public enum Entity {
        /** A dataset (CKAN's package). */
        PACKAGE,
        RESOURCE,
        ORGANIZATION,
        GROUP,
        /** A tracked file of the File API. */
        FILE
    }

    /** The kinds of change. TRANSFER, RENAME, PIN and UNPIN are changes of files only. */
    public enum Operation {
        CREATE,
        UPDATE,
        DELETE,
        /** A file's owner changed. */
        TRANSFER,
        RENAME,
        PIN,
        UNPIN
    }

    public EntityEvent {
        Objects.requireNonNull(entity, "entity");
        Objects.requireNonNull(operation, "operation");
        Objects.requireNonNull(user, "user");
        data = frozenMap(data == null ? Map.of() : data);
    }

    /** The entity's id as {@link #data()} gives it, or {@code null} (a create before its id is chosen). */
    public String id() {
        Object id = data.get("id");
        return id == null ? null : String.valueOf(id);
    }

    /** Whether this is the given change, e.g. {@code event.is(Entity.PACKAGE, Operation.CREATE)}. */
    public boolean is(Entity entity, Operation operation) {
        return this.entity == entity && this.operation == operation;
    }

    private static Map<String, Object> frozenMap(Map<?, ?> map) {
        Map<String, Object> copy = new LinkedHashMap<>();
        map.forEach((k, v) -> copy.put(String.valueOf(k), frozen(v)));
        return Collections.unmodifiableMap(copy);
    }

    private static Object frozen(Object value) {
        if (value instanceof Map<?, ?> m) {
            return frozenMap(m);
        }
        if (value instanceof List<?> list) {
            List<Object> copy = new ArrayList<>(list.size());
            list.forEach(v -> copy.add(frozen(v)));
            return Collections.unmodifiableList(copy);
        }
        return value;
    }
}
