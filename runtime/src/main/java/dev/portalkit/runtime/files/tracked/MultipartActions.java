package dev.portalkit.runtime.files.tracked;

import dev.portalkit.api.ErrorKind;
import dev.portalkit.api.PortalException;
import dev.portalkit.api.ValidationException;
import dev.portalkit.api.action.Action;
import dev.portalkit.api.action.ActionContext;
import dev.portalkit.api.action.UserRef;
import dev.portalkit.api.auth.AuthFunction;
import dev.portalkit.api.auth.AuthResult;
import dev.portalkit.api.files.Capability;
import dev.portalkit.api.files.DirectParts;
import dev.portalkit.api.files.FileData;
import dev.portalkit.api.files.FilesException;
import dev.portalkit.api.files.Location;
import dev.portalkit.api.files.ManagedStorage;
import dev.portalkit.api.files.MultipartData;
import dev.portalkit.api.files.MultipartUploads;
import dev.portalkit.api.files.Upload;
import dev.portalkit.api.validation.Schema;
import dev.portalkit.runtime.Json;
import dev.portalkit.runtime.action.FieldFailure;
import jakarta.persistence.EntityNotFoundException;
import jakarta.persistence.LockModeType;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;

/**
 * Multipart uploads through the File API: start, update (one part), refresh, complete, abort. The
 * state lives in {@code files_multipart}, so every node sharing the database can continue an
 * upload; a part's row update takes a row lock, so parts sent to different nodes at once merge.
 */
final class MultipartActions {
    static final Schema START = Schema.empty()
            .with("name", "not_empty", "unicode_safe", "strip_value", "files_file_name")
            .with("storage", "files_storage_name")
            .with("size", "not_missing", "natural_number_validator")
            .with("content_type", "ignore_empty", "unicode_safe", "strip_value")
            .with("hash", "ignore_empty", "unicode_safe", "strip_value")
            .with("direct", "default(false)", "boolean_validator");
    static final Schema UPDATE = Schema.empty()
            .with("id", "not_empty", "unicode_safe")
            .with("part", "not_missing", "int_range(1, " + MultipartData.MAX_PARTS + ")")
            .with("upload", "not_empty", "files_into_upload");

    private final FileApi api;
    private final FileStore store;
    private final FilePermissions permissions;
    private final DirectUploads direct;

    MultipartActions(FileApi api, FileStore store, FilePermissions permissions) {
        this.api = api;
        this.store = store;
        this.permissions = permissions;
        this.direct = new DirectUploads(api, store);
    }

    void register(Map<String, Action> actions, Map<String, AuthFunction> auth) {
        actions.put("files_multipart_start", Action.validating(START, this::start));
        actions.put("files_multipart_update", Action.validating(UPDATE, Action.acceptingUploads(this::update)));
        actions.put("files_multipart_refresh", this::refresh);
        actions.put("files_multipart_complete", this::complete);
        actions.put("files_multipart_abort", this::abort);
        MultipartCleanup cleanup = new MultipartCleanup(api, store);
        actions.put("files_multipart_clean", Action.validating(MultipartCleanup.SCHEMA, cleanup::clean));
        // Sysadmins only: FileApi lets them pass every function before this one is asked.
        auth.put("files_multipart_clean", (ctx, data) -> FilePermissions.result(false, ctx,
                "clean up multipart uploads (sysadmins only)"));
        actions.put("files_multipart_list", Action.sideEffectFree(this::list));
        auth.put("files_multipart_list", (ctx, data) -> FilePermissions.result(false, ctx,
                "list multipart uploads (sysadmins only)"));
        auth.put("files_multipart_start", (ctx, data) -> permissions.mayCreate(ctx, FileActions.storageName(ctx, data), data.get("name")));
        for (String name : new String[] {"update", "refresh", "complete", "abort"}) {
            auth.put("files_multipart_" + name, (ctx, data) -> onUpload(ctx, data, name));
        }
    }

    private AuthResult onUpload(ActionContext ctx, Map<String, Object> data, String verb) {
        MultipartRecord m = store.requireMultipart(data, "id");
        return FilePermissions.result(permissions.may(ctx, FileStore.multipartDict(m), FilePermissions.UPDATE), ctx,
                verb + " multipart upload " + m.id);
    }

    private Object start(ActionContext ctx, Map<String, Object> data) {
        Map<String, Object> valid = ctx.validate(START, data);
        String storageName = (String) valid.get("storage");
        ManagedStorage storage = api.storage(storageName, "storage");
        if (!storage.supports(Capability.MULTIPART)) {
            throw new FieldFailure(ErrorKind.UNSUPPORTED, "storage", "Storage " + storageName + " cannot take multipart uploads", null);
        }
        DirectParts signer = null;
        if (Boolean.TRUE.equals(valid.get("direct"))) {
            signer = multipart(storage).direct().orElseThrow(() -> ValidationException.of("direct", "Storage " + storageName
                    + " cannot sign part uploads for direct uploads; send the parts through files_multipart_update instead"));
        }
        String name = (String) valid.get("name");
        long size = ((Number) valid.get("size")).longValue();
        String contentType = (String) valid.get("content_type");
        Upload sample = Upload.of(name, contentType, size, () -> {
            throw new IOException("the content of a multipart upload arrives in parts");
        });
        Location location;
        try {
            location = storage.prepareLocation(name, sample);
        } catch (PortalException e) {
            throw FieldFailure.on("name", e);
        }
        if (store.tracked(storageName, location.value()) != null) {
            throw ValidationException.of("name", "A file is tracked at location " + location + " of storage " + storageName + " already");
        }
        boolean inProgress = !store.em().createQuery("SELECT m.id FROM MultipartRecord m WHERE m.storage = :s AND m.location = :l",
                String.class).setParameter("s", storageName).setParameter("l", location.value()).setMaxResults(1).getResultList().isEmpty();
        if (inProgress) {
            throw ValidationException.of("name", "An upload to location " + location + " of storage " + storageName + " is in progress");
        }
        MultipartData started;
        try {
            started = multipart(storage).start(new MultipartData(location, size, contentType, (String) valid.get("hash"), Map.of()));
        } catch (PortalException e) {
            throw FieldFailure.on(switch (e.kind()) {
                case TOO_LARGE -> "size";
                case ALREADY_EXISTS -> "name";
                default -> "storage";
            }, e);
        }
        api.host().onRollback(() -> multipart(storage).abort(started));
        MultipartRecord m = new MultipartRecord();
        m.id = UUID.randomUUID().toString();
        m.storage = storageName;
        m.location = location.value();
        m.name = name;
        m.size = size;
        m.contentType = started.contentType();
        m.hash = started.hash();
        Map<String, Object> state = new LinkedHashMap<>(started.storageData());
        long partSize = 0;
        if (signer != null) {
            partSize = DirectUploads.partSize(size, multipart(storage).minPartSize());
            state.put(DirectParts.STATE_KEY, DirectUploads.state(partSize));
        }
        m.storageData = Json.write(state);
        m.parts = "{}";
        m.initiatorId = ctx.user().map(UserRef::id).orElse(null);
        m.initiatorName = ctx.user().map(UserRef::name).orElse(null);
        m.ctime = api.now();
        store.em().persist(m);
        store.flush();
        Map<String, Object> out = FileStore.multipartDict(m);
        if (signer != null) {
            out.put("direct", DirectUploads.signed(signer, data(m), partSize, DirectUploads.allParts(size, partSize)));
        }
        return out;
    }

    /**
     * Stores one part. An upload never holds more than the size it was started with: a part number
     * beyond what that size can need (given the storage's smallest part) is refused, and so is a part
     * that would take the parts past the size, by its declared size before a byte is stored, or from
     * inside its stream once it passes what is left.
     */
    private Object update(ActionContext ctx, Map<String, Object> data) {
        Map<String, Object> valid = ctx.validate(UPDATE, data);
        int part = ((Number) valid.get("part")).intValue();
        if (part < 1 || part > MultipartData.MAX_PARTS) {
            throw ValidationException.of("part", "Part numbers run from 1 to " + MultipartData.MAX_PARTS + " (got " + part + ")");
        }
        MultipartRecord m = store.requireMultipart(valid, "id");
        if (DirectUploads.partSize(m) > 0) {
            throw DirectUploads.notThroughThePortal(m);
        }
        if (FileStore.jsonMap(m.storageData).get(ResumableUploads.STATE_KEY) instanceof String resumable) {
            // Its bytes are hashed on their way in through tus: a part from elsewhere would not be in that hash.
            throw new FieldFailure(ErrorKind.CONFLICT, "id", "Multipart upload " + m.id + " is a resumable upload: send its bytes "
                    + "to /files/tus/" + resumable + ", not through files_multipart_update", null);
        }
        ManagedStorage storage = api.storage(m.storage, "id");
        long minPart = storage.uploader().multipart().map(MultipartUploads::minPartSize).orElse(1L);
        long maxParts = maxParts(m.size, minPart);
        if (part > maxParts) {
            throw ValidationException.of("part", "An upload of " + m.size + " bytes has at most " + maxParts + " part(s)"
                    + (minPart > 1 ? " (storage " + m.storage + " needs at least " + minPart + " bytes in every part but the last)" : "")
                    + "; part " + part + " is out of range");
        }
        long left = m.size - otherParts(m.parts, part);
        Upload upload = (Upload) valid.get("upload");
        if (upload.size() > left) {
            throw pastTheSize(part, upload.size(), m, left);
        }
        PartBudget counted = new PartBudget(upload, part, m, left);
        MultipartData updated;
        try {
            updated = multipart(storage).update(data(m), part, counted);
        } catch (RuntimeException e) {
            if (counted.refusal != null) {
                throw counted.refusal;
            }
            if (e instanceof PortalException failure) {
                throw FieldFailure.on(switch (failure.kind()) {
                    case BAD_REQUEST -> "part";
                    case NOT_FOUND -> "id";
                    default -> "upload";
                }, failure);
            }
            throw e;
        }
        if (counted.refusal != null) {
            throw counted.refusal;
        }
        m = lock(m);
        // Parts sent at the same time were checked against the same parts: the one that now finds the others bigger loses.
        long leftNow = m.size - otherParts(m.parts, part);
        if (counted.received > leftNow) {
            throw pastTheSize(part, counted.received, m, leftNow);
        }
        m.storageData = Json.write(merge(FileStore.jsonMap(m.storageData), updated.storageData()));
        Map<String, Object> parts = new TreeMap<>((a, b) -> Integer.compare(Integer.parseInt(a), Integer.parseInt(b)));
        parts.putAll(FileStore.jsonMap(m.parts));
        parts.put(Integer.toString(part), counted.received);
        m.parts = Json.write(parts);
        store.flush();
        return FileStore.multipartDict(m);
    }

    /** How many parts an upload of {@code size} bytes can need when every part but the last has at least {@code minPart} bytes. */
    static long maxParts(long size, long minPart) {
        long min = Math.max(1, minPart);
        long needed = size / min + (size % min == 0 ? 0 : 1);
        return Math.min(MultipartData.MAX_PARTS, Math.max(1, needed));
    }

    /** Bytes the parts other than {@code part} hold, by the record. */
    static long otherParts(String partsJson, int part) {
        long sum = 0;
        for (Map.Entry<String, Object> e : FileStore.jsonMap(partsJson).entrySet()) {
            if (!e.getKey().equals(Integer.toString(part)) && e.getValue() instanceof Number n) {
                sum += n.longValue();
            }
        }
        return sum;
    }

    static ValidationException pastTheSize(int part, long partSize, MultipartRecord m, long left) {
        return ValidationException.of("upload", "Part " + part + " has " + (partSize >= 0 ? partSize + " bytes" : "more bytes")
                + " but the upload was started with a size of " + m.size + " bytes, of which its other parts hold "
                + (m.size - left) + ": at most " + Math.max(0, left) + " bytes are left for this part");
    }

    /**
     * {@code files_multipart_list} (sysadmins): the unfinished multipart uploads, oldest first, with
     * what arrived so far; {@code storage} narrows to one storage, {@code rows} / {@code start} page
     * (at most 1000 a page).
     */
    private Object list(ActionContext ctx, Map<String, Object> data) {
        Map<String, Object> errors = new LinkedHashMap<>();
        int rows = FileSearch.whole(data, "rows", 100, 1000, errors);
        int start = FileSearch.whole(data, "start", 0, Integer.MAX_VALUE, errors);
        String storage = null;
        Object given = data.get("storage");
        if (given instanceof String s && !s.isBlank()) {
            storage = s.strip();
        } else if (given != null && !(given instanceof String)) {
            errors.put("storage", java.util.List.of("Must be a string"));
        }
        if (!errors.isEmpty()) {
            throw new ValidationException(errors);
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("count", store.countMultipartUploads(storage, null));
        out.put("results", store.multipartUploads(storage, null, start, rows).stream().map(FileStore::multipartProgress).toList());
        return out;
    }

    private Object refresh(ActionContext ctx, Map<String, Object> data) {
        MultipartRecord m = store.requireMultipart(data, "id");
        ManagedStorage storage = api.storage(m.storage, "id");
        if (DirectUploads.partSize(m) > 0) {
            return refreshDirect(m, storage, data.get("part_numbers"));
        }
        MultipartData refreshed;
        try {
            refreshed = multipart(storage).refresh(data(m));
        } catch (PortalException e) {
            throw FieldFailure.on("id", e);
        }
        m = lock(m);
        m.storageData = Json.write(merge(FileStore.jsonMap(m.storageData), refreshed.storageData()));
        if (refreshed.storageData().get("parts") instanceof Map<?, ?> reported) {
            // The backend's word on which parts arrived wins over ours. Where it reports sizes (files:fs), they are
            // the parts' sizes; where it reports something else (S3: ETags), a part it has keeps the size we recorded,
            // and one we never recorded the size of is left out (the client sends it again).
            Map<String, Object> recorded = FileStore.jsonMap(m.parts);
            Map<String, Object> parts = new TreeMap<>((a, b) -> Integer.compare(Integer.parseInt(a), Integer.parseInt(b)));
            reported.forEach((k, v) -> {
                String n = String.valueOf(k);
                if (v instanceof Number) {
                    parts.put(n, v);
                } else if (recorded.get(n) instanceof Number size) {
                    parts.put(n, size);
                }
            });
            m.parts = Json.write(parts);
        }
        store.flush();
        return FileStore.multipartDict(m);
    }

    /**
     * Refresh of a direct upload: the parts the backend holds become the upload's parts
     * ({@code {"<n>": size}}), and the parts in {@code part_numbers} (default: those not there
     * yet) are signed anew.
     */
    private Object refreshDirect(MultipartRecord m, ManagedStorage storage, Object partNumbers) {
        long partSize = DirectUploads.partSize(m);
        DirectParts signer = signer(storage, m);
        List<DirectParts.StoredPart> stored;
        try {
            stored = signer.stored(data(m));
        } catch (PortalException e) {
            throw FieldFailure.on("id", e);
        }
        List<Integer> numbers = DirectUploads.partsToSign(partNumbers, DirectUploads.partCount(m.size, partSize), stored);
        m = lock(m);
        Map<String, Object> parts = new TreeMap<>((a, b) -> Integer.compare(Integer.parseInt(a), Integer.parseInt(b)));
        stored.forEach(p -> parts.put(Integer.toString(p.number()), p.size()));
        m.parts = Json.write(parts);
        store.flush();
        Map<String, Object> out = FileStore.multipartDict(m);
        out.put("direct", DirectUploads.signed(signer, data(m), partSize, numbers));
        return out;
    }

    private static DirectParts signer(ManagedStorage storage, MultipartRecord m) {
        return multipart(storage).direct().orElseThrow(() -> new FieldFailure(ErrorKind.UNSUPPORTED, "id", "Storage " + m.storage
                + " can no longer sign part uploads; abort the direct upload " + m.id, null));
    }

    private Object complete(ActionContext ctx, Map<String, Object> data) {
        MultipartRecord m = lock(store.requireMultipart(data, "id"));
        ManagedStorage storage = api.storage(m.storage, "id");
        if (DirectUploads.partSize(m) > 0) {
            return completeDirect(ctx, m, storage, DirectUploads.claimedParts(data.get("parts")));
        }
        Map<String, Object> parts = FileStore.jsonMap(m.parts);
        long total = 0;
        for (int n = 1; n <= parts.size(); n++) {
            Object size = parts.get(Integer.toString(n));
            if (!(size instanceof Number number)) {
                throw ValidationException.of("parts", "Part " + n + " is missing (received: " + String.join(", ", parts.keySet()) + ")");
            }
            total += number.longValue();
        }
        if (parts.isEmpty()) {
            throw ValidationException.of("parts", "No part was uploaded");
        }
        if (total != m.size) {
            throw ValidationException.of("size", "The upload was started with " + m.size + " bytes but its parts hold " + total);
        }
        FileData done;
        try {
            done = multipart(storage).complete(data(m));
        } catch (PortalException e) {
            throw FieldFailure.on(switch (e.kind()) {
                case CONFLICT -> "hash";
                case BAD_REQUEST -> "size";
                case ALREADY_EXISTS -> "name";
                default -> "id";
            }, e);
        }
        return record(ctx, m, storage, done);
    }

    /**
     * Completion of a direct upload: the client's parts must be what the backend holds; then the
     * backend assembles them and the storage verifies the file as for every multipart upload. A
     * refusal (a part missing, a wrong ETag, the wrong size, a failed verification) aborts the
     * backend upload and removes the upload; a passing failure of the backend keeps it for a retry.
     */
    private Object completeDirect(ActionContext ctx, MultipartRecord m, ManagedStorage storage, TreeMap<Integer, String> claimed) {
        List<DirectParts.StoredPart> stored;
        try {
            stored = signer(storage, m).stored(data(m));
        } catch (PortalException e) {
            throw FieldFailure.on("id", e);
        }
        PortalException mismatch = DirectUploads.mismatch(m, claimed, stored);
        if (mismatch != null) {
            throw direct.refused(m, mismatch);
        }
        MultipartUploads uploads = multipart(storage);
        FileData done;
        try {
            done = uploads.complete(uploads.refresh(data(m)));
        } catch (PortalException e) {
            if (!DirectUploads.refusal(e)) {
                throw FieldFailure.on("id", e);
            }
            throw direct.refused(m, FieldFailure.on(switch (e.kind()) {
                case CONFLICT -> "hash";
                case BAD_REQUEST, TOO_LARGE -> "size";
                case ALREADY_EXISTS -> "name";
                case WRONG_TYPE -> "content_type";
                default -> "id";
            }, e));
        }
        return record(ctx, m, storage, done);
    }

    /** Tracks the completed file {@code done} of upload {@code m}, which ends. */
    private Object record(ActionContext ctx, MultipartRecord m, ManagedStorage storage, FileData done) {
        api.removeOnRollback(storage, done);
        FileStore.Owner owner = m.initiatorId == null ? null : new FileStore.Owner(FilePermissions.USER, m.initiatorId);
        FileRecord f = store.insert(m.storage, m.name, done, owner, ctx);
        store.em().remove(m);
        store.flush();
        return store.dict(f);
    }

    private Object abort(ActionContext ctx, Map<String, Object> data) {
        MultipartRecord m = lock(store.requireMultipart(data, "id"));
        Map<String, Object> dict = FileStore.multipartDict(m);
        abortAtBackend(api, m);
        store.em().remove(m);
        store.flush();
        return dict;
    }

    /**
     * Frees what the backend holds for {@code m} (staged parts, the S3 upload id); an upload the
     * backend no longer knows is fine, and so is one of a storage that is no longer configured.
     */
    static void abortAtBackend(FileApi api, MultipartRecord m) {
        if (api.host().storages().configured().containsKey(m.storage)) {
            try {
                multipart(api.storage(m.storage, "id")).abort(data(m));
            } catch (PortalException e) {
                if (e.kind() != ErrorKind.NOT_FOUND) {
                    throw e;
                }
            }
        }
    }

    private MultipartRecord lock(MultipartRecord m) {
        try {
            store.em().refresh(m, LockModeType.PESSIMISTIC_WRITE);
            return m;
        } catch (EntityNotFoundException e) {
            throw new FieldFailure(ErrorKind.NOT_FOUND, "id", "Multipart upload not found: " + m.id + " (completed or aborted meanwhile)", e);
        }
    }

    /** The storage's multipart uploads; UNSUPPORTED when it does not offer them (any more). */
    private static MultipartUploads multipart(ManagedStorage storage) {
        return storage.uploader().multipart().orElseThrow(() -> FilesException.unsupported(storage.name(), Capability.MULTIPART));
    }

    static MultipartData data(MultipartRecord m) {
        return new MultipartData(new Location(m.location), m.size, m.contentType, m.hash, FileStore.jsonMap(m.storageData));
    }

    /** {@code stored} updated with {@code reported}: nested objects merge key by key (parts sent to other nodes survive). */
    @SuppressWarnings("unchecked")
    static Map<String, Object> merge(Map<String, Object> stored, Map<String, Object> reported) {
        Map<String, Object> out = new LinkedHashMap<>(stored);
        reported.forEach((k, v) -> {
            if (v instanceof Map<?, ?> newer && out.get(k) instanceof Map<?, ?> older) {
                out.put(k, merge((Map<String, Object>) older, (Map<String, Object>) newer));
            } else {
                out.put(k, v);
            }
        });
        return out;
    }

}
