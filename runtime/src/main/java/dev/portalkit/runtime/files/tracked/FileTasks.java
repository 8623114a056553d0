package dev.portalkit.runtime.files.tracked;

import dev.portalkit.api.ErrorKind;
import dev.portalkit.api.PortalException;
import dev.portalkit.api.files.Capability;
import dev.portalkit.api.files.FileData;
import dev.portalkit.api.files.Location;
import dev.portalkit.api.files.ManagedStorage;
import dev.portalkit.api.task.TaskHandler;
import dev.portalkit.api.task.TaskRun;
import java.util.LinkedHashMap;
import java.util.Map;

/** The File API's post-commit tasks. */
final class FileTasks {
    /** Removes a deleted file's bytes (queued by {@code files_file_delete}). */
    static final String REMOVE_TASK = FileActions.REMOVE_CONTENT_TASK;
    /** Transfers a file to the action's result entity and pins it (queued by {@code files_transfer_ownership} / {@code files_upload_as}). */
    static final String TRANSFER_TASK = "files_transfer_ownership";

    private final FileApi api;
    private final FileStore store;

    FileTasks(FileApi api, FileStore store) {
        this.api = api;
        this.store = store;
    }

    Map<String, TaskHandler> handlers() {
        Map<String, TaskHandler> out = new LinkedHashMap<>();
        out.put(REMOVE_TASK, this::removeContent);
        out.put(TRANSFER_TASK, this::transfer);
        return out;
    }

    /**
     * Runs after the file's record was deleted and committed. Leaves the bytes alone if a file is
     * tracked at the same location again; a failure (the backend is down) is retried by the queue.
     */
    @SuppressWarnings("unchecked")
    private Object removeContent(TaskRun run) {
        Map<String, Object> p = run.payload();
        String storageName = (String) p.get("storage");
        String location = (String) p.get("location");
        if (store.tracked(storageName, location) != null) {
            return "kept: the location is tracked again";
        }
        ManagedStorage storage = api.host().storages().get(storageName);
        if (!storage.supports(Capability.REMOVE)) {
            throw new PortalException(ErrorKind.UNSUPPORTED, "storage " + storageName + " cannot remove files any more");
        }
        Object data = p.get("storage_data");
        FileData content = new FileData(new Location(location), ((Number) p.getOrDefault("size", 0)).longValue(),
                (String) p.get("content_type"), (String) p.get("hash"), (String) p.get("hash_algorithm"),
                data instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of());
        return storage.manager().remove(content) ? "removed" : "was not there";
    }

    /** The part of an action's result at a dotted path of keys and list indexes ({@code resources.0}). */
    static Object at(Object result, String path) {
        Object current = result;
        if (path == null || path.isEmpty()) {
            return current;
        }
        for (String segment : path.split("\\.")) {
            if (current instanceof Map<?, ?> map) {
                current = map.get(segment);
            } else if (current instanceof java.util.List<?> list && segment.matches("\\d+") && Integer.parseInt(segment) < list.size()) {
                current = list.get(Integer.parseInt(segment));
            } else {
                return null;
            }
        }
        return current;
    }

    /** Moves the file to the entity the action returned ({@code id_field} of its result) and pins it. */
    @SuppressWarnings("unchecked")
    private Object transfer(TaskRun run) {
        Map<String, Object> p = run.payload();
        Object target = at(run.actionResult(), (String) p.getOrDefault("result_path", ""));
        if (!(target instanceof Map<?, ?> result)) {
            throw new PortalException(ErrorKind.INTERNAL, "the action that queued " + TRANSFER_TASK + " returned no object at '"
                    + p.get("result_path") + "'");
        }
        String idField = (String) p.getOrDefault("id_field", "id");
        Object ownerId = result.get(idField);
        if (ownerId == null) {
            throw new PortalException(ErrorKind.INTERNAL, "the result of the action has no " + idField + " to transfer file "
                    + p.get("file_id") + " to");
        }
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("id", p.get("file_id"));
        data.put("owner_type", p.get("owner_type"));
        data.put("owner_id", String.valueOf(ownerId));
        data.put("pin", true);
        Object file = run.context().call("files_transfer_ownership", data);
        String patchAction = (String) p.get("patch_action");
        String urlField = (String) p.get("url_field");
        Object url = p.get("url");
        if (patchAction != null && !patchAction.isBlank() && urlField != null && !urlField.isBlank() && url != null
                && !url.equals(((Map<String, Object>) result).get(urlField))) {
            Map<String, Object> patch = new LinkedHashMap<>();
            patch.put("id", String.valueOf(ownerId));
            patch.put(urlField, url);
            run.context().call(patchAction, patch);
        }
        return file;
    }
}
