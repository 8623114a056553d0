package dev.portalkit.runtime.files.tracked;

import dev.portalkit.api.ErrorKind;
import dev.portalkit.api.PortalException;
import dev.portalkit.api.ValidationException;
import dev.portalkit.api.files.DirectParts;
import dev.portalkit.api.files.MultipartData;
import dev.portalkit.runtime.action.FieldFailure;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The direct side of multipart uploads ({@code direct=true}): the client PUTs each part to a URL the
 * storage signed ({@link DirectParts}), the portal only starts, re-signs and completes. The part
 * size is fixed at the start and kept in the upload's state under {@link DirectParts#STATE_KEY}
 * ({@code {"part_size": n}}), which also marks the upload as direct. Completion trusts nothing
 * the client says: it compares the client's list of parts with what the backend holds, and a
 * refused completion aborts the backend upload and forgets the upload (see {@link #refused}).
 */
final class DirectUploads {
    /** Part size when the storage's smallest part and the part count allow it. */
    static final long DEFAULT_PART_SIZE = 8L * 1024 * 1024;
    private static final long MIB = 1024L * 1024;

    private final FileApi api;
    private final FileStore store;

    DirectUploads(FileApi api, FileStore store) {
        this.api = api;
        this.store = store;
    }

    /**
     * The part size of an upload of {@code size} bytes that the portal divides into parts (a direct
     * upload, a resumable one): 8 MiB, at least the storage's smallest part, and large enough (in
     * whole MiB) that no more than {@link MultipartData#MAX_PARTS} parts are needed.
     */
    static long partSize(long size, long minPart) {
        long partSize = Math.max(DEFAULT_PART_SIZE, minPart);
        long needed = size / MultipartData.MAX_PARTS + (size % MultipartData.MAX_PARTS == 0 ? 0 : 1);
        if (needed > partSize) {
            partSize = (needed + MIB - 1) / MIB * MIB;
        }
        return partSize;
    }

    /** How many parts a direct upload of {@code size} bytes in parts of {@code partSize} has (at least one). */
    static int partCount(long size, long partSize) {
        return (int) Math.max(1, size / partSize + (size % partSize == 0 ? 0 : 1));
    }

    /** The part size of a direct upload, or 0 for one whose parts go through the portal. */
    static long partSize(MultipartRecord m) {
        return FileStore.jsonMap(m.storageData).get(DirectParts.STATE_KEY) instanceof Map<?, ?> state
                && state.get("part_size") instanceof Number n ? n.longValue() : 0;
    }

    /** The state that marks a direct upload with parts of {@code partSize}. */
    static Map<String, Object> state(long partSize) {
        return Map.of("part_size", partSize);
    }

    /** Part numbers 1 to the upload's count. */
    static List<Integer> allParts(long size, long partSize) {
        List<Integer> out = new ArrayList<>();
        for (int n = 1; n <= partCount(size, partSize); n++) {
            out.add(n);
        }
        return out;
    }

    /** The {@code direct} dict of an answer: the part size, the signed parts and when they expire. */
    static Map<String, Object> signed(DirectParts direct, MultipartData data, long partSize, List<Integer> numbers) {
        List<DirectParts.SignedPart> signed = numbers.isEmpty() ? List.of() : direct.sign(data, numbers);
        List<Map<String, Object>> parts = new ArrayList<>();
        Instant expires = null;
        for (DirectParts.SignedPart p : signed) {
            Map<String, Object> part = new LinkedHashMap<>();
            part.put("number", p.number());
            part.put("url", p.url().toString());
            part.put("method", p.method());
            part.put("headers", new TreeMap<>(p.headers()));
            parts.add(part);
            expires = expires == null || p.expires().isBefore(expires) ? p.expires() : expires;
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("part_size", partSize);
        out.put("parts", parts);
        out.put("expires", FileStore.timestamp(expires));
        return out;
    }

    /**
     * The part numbers {@code files_multipart_refresh} re-signs: those given in {@code part_numbers},
     * else every part the backend does not hold yet.
     */
    static List<Integer> partsToSign(Object given, int count, List<DirectParts.StoredPart> stored) {
        if (given == null || (given instanceof String s && s.isBlank())) {
            TreeSet<Integer> missing = new TreeSet<>();
            for (int n = 1; n <= count; n++) {
                missing.add(n);
            }
            stored.forEach(p -> missing.remove(p.number()));
            return new ArrayList<>(missing);
        }
        if (!(given instanceof List<?> list) || list.isEmpty()) {
            throw ValidationException.of("part_numbers", "Must be a list of part numbers, e.g. [1, 2]");
        }
        TreeSet<Integer> out = new TreeSet<>();
        for (Object item : list) {
            Integer n = wholeNumber(item);
            if (n == null || n < 1 || n > count) {
                throw ValidationException.of("part_numbers", "Part numbers of this upload run from 1 to " + count + " (got " + item + ")");
            }
            out.add(n);
        }
        return new ArrayList<>(out);
    }

    /**
     * The client's list of parts for {@code files_multipart_complete}: {@code [{"number": n, "etag": "..."}]},
     * by number. Malformed input is refused without touching the upload.
     */
    static TreeMap<Integer, String> claimedParts(Object given) {
        if (!(given instanceof List<?> list) || list.isEmpty()) {
            throw ValidationException.of("parts", "Missing value: the uploaded parts, [{\"number\": 1, \"etag\": \"...\"}, ...]");
        }
        TreeMap<Integer, String> out = new TreeMap<>();
        for (Object item : list) {
            if (!(item instanceof Map<?, ?> part)) {
                throw ValidationException.of("parts", "Each part must be an object with number and etag");
            }
            Integer n = wholeNumber(part.get("number"));
            if (n == null || n < 1 || n > MultipartData.MAX_PARTS) {
                throw ValidationException.of("parts", "Part numbers run from 1 to " + MultipartData.MAX_PARTS + " (got "
                        + part.get("number") + ")");
            }
            Object etag = part.get("etag");
            if (etag != null && !(etag instanceof String)) {
                throw ValidationException.of("parts", "The etag of part " + n + " must be a string");
            }
            if (out.put(n, etag == null ? "" : (String) etag) != null) {
                throw ValidationException.of("parts", "Part " + n + " is listed twice");
            }
        }
        return out;
    }

    /**
     * Why the client's parts cannot complete the upload, as a failure naming the field, or
     * {@code null} when they match what the backend holds: the same numbers, 1 to the last without
     * a gap, the same ETags where the backend keeps them, and {@code size} bytes in all.
     */
    static PortalException mismatch(MultipartRecord m, TreeMap<Integer, String> claimed, List<DirectParts.StoredPart> stored) {
        Map<Integer, DirectParts.StoredPart> held = new TreeMap<>();
        stored.forEach(p -> held.put(p.number(), p));
        int last = claimed.lastKey();
        for (int n = 1; n <= last; n++) {
            if (!claimed.containsKey(n)) {
                return ValidationException.of("parts", "Part " + n + " is missing from the list (parts run from 1 without a gap)");
            }
            if (!held.containsKey(n)) {
                return ValidationException.of("parts", "Part " + n + " did not arrive at storage " + m.storage);
            }
        }
        for (int n : held.keySet()) {
            if (!claimed.containsKey(n)) {
                return ValidationException.of("parts", "Part " + n + " arrived at storage " + m.storage + " but is not in the list");
            }
        }
        long total = 0;
        for (Map.Entry<Integer, String> e : claimed.entrySet()) {
            DirectParts.StoredPart part = held.get(e.getKey());
            if (!part.etag().isEmpty() && !bareTag(part.etag()).equals(bareTag(e.getValue()))) {
                return ValidationException.of("parts", "Part " + e.getKey() + " has ETag " + part.etag() + " at storage " + m.storage
                        + ", not " + (e.getValue().isEmpty() ? "none" : e.getValue()));
            }
            total += part.size();
        }
        if (total != m.size) {
            return ValidationException.of("size", "The upload was started with " + m.size + " bytes but its parts hold " + total);
        }
        return null;
    }

    /** An ETag without its quotes (and weak prefix), in lower case, as S3 and clients may write it either way. */
    private static String bareTag(String etag) {
        String t = etag.strip();
        if (t.startsWith("W/")) {
            t = t.substring(2);
        }
        if (t.length() >= 2 && t.startsWith("\"") && t.endsWith("\"")) {
            t = t.substring(1, t.length() - 1);
        }
        return t.toLowerCase(Locale.ROOT);
    }

    /**
     * A refused completion of a direct upload: the backend upload is aborted now (its parts freed,
     * no object left) and the upload's record is removed once the call has rolled back, so the
     * client gets {@code failure} and a later call finds no upload. When the abort itself fails the
     * record stays, for a later abort or the multipart cleanup.
     */
    RuntimeException refused(MultipartRecord m, RuntimeException failure) {
        try {
            MultipartActions.abortAtBackend(api, m);
        } catch (RuntimeException e) {
            failure.addSuppressed(e);
            return failure;
        }
        String id = m.id;
        api.host().onRollback(() -> api.host().inOwnTransaction(() -> store.em()
                .createQuery("DELETE FROM MultipartRecord m WHERE m.id = :id").setParameter("id", id).executeUpdate()));
        return failure;
    }

    /** Whether a failure of the backend's completion refuses the upload (else it may be retried as it is). */
    static boolean refusal(PortalException e) {
        return e.kind() != ErrorKind.TRANSIENT && e.kind() != ErrorKind.INTERNAL && e.kind() != ErrorKind.CONFIG_INVALID;
    }

    /** {@code files_multipart_update} on a direct upload: its parts go to the signed URLs, not through the portal. */
    static FieldFailure notThroughThePortal(MultipartRecord m) {
        return new FieldFailure(ErrorKind.CONFLICT, "id", "Multipart upload " + m.id + " is direct: PUT its parts to the signed "
                + "URLs (files_multipart_refresh signs new ones), not through files_multipart_update", null);
    }

    private static Integer wholeNumber(Object value) {
        if (value instanceof Integer || value instanceof Long || value instanceof Short) {
            long n = ((Number) value).longValue();
            return n > Integer.MAX_VALUE || n < Integer.MIN_VALUE ? null : (int) n;
        }
        if (value instanceof Number n && n.doubleValue() == Math.rint(n.doubleValue()) && Math.abs(n.doubleValue()) < 1e9) {
            return (int) n.doubleValue();
        }
        if (value instanceof String s && s.strip().matches("\\d{1,9}")) {
            return Integer.parseInt(s.strip());
        }
        return null;
    }
}
