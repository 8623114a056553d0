package dev.portalkit.runtime.files.download;

import dev.portalkit.api.ErrorKind;
import dev.portalkit.api.PortalException;
import dev.portalkit.api.files.FileData;
import dev.portalkit.api.files.Location;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.Map;

/**
 * A tracked file as {@code files_file_show} describes it, read for a download: the dict has at
 * least {@code id, name, storage, location, size, content_type, hash, storage_data, mtime}, and
 * {@code hashing_algorithm} (or {@code hash_algorithm}) when known. {@code mtime} may be an ISO-8601
 * date-time with or without offset (without: UTC, as CKAN writes it), or epoch seconds.
 */
public record DownloadableFile(String id, String storage, FileData data, String name, Instant mtime) {
    /** @throws PortalException INTERNAL when the dict lacks what a download needs */
    public static DownloadableFile fromDict(Map<String, Object> dict) {
        String storage = text(dict, "storage", true);
        String location = text(dict, "location", true);
        Object size = dict.get("size");
        long bytes = size instanceof Number n ? n.longValue() : size == null ? -1 : parseLong(size.toString());
        String algorithm = text(dict, "hashing_algorithm", false);
        if (algorithm.isEmpty()) {
            algorithm = text(dict, "hash_algorithm", false);
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> storageData = dict.get("storage_data") instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
        FileData data = new FileData(new Location(location), bytes, text(dict, "content_type", false),
                text(dict, "hash", false), algorithm, storageData);
        return new DownloadableFile(text(dict, "id", false), storage, data, text(dict, "name", false), instant(dict.get("mtime")));
    }

    /** The {@link DownloadTarget}: saved under its {@code name}, tagged by its hash. */
    public DownloadTarget target() {
        return DownloadTarget.tracked(data, name, mtime);
    }

    static Instant instant(Object value) {
        if (value == null) {
            return null;
        }
        if (value instanceof Instant i) {
            return i;
        }
        if (value instanceof Number n) {
            return Instant.ofEpochMilli(Math.round(n.doubleValue() * 1000));
        }
        if (value instanceof OffsetDateTime o) {
            return o.toInstant();
        }
        if (value instanceof LocalDateTime l) {
            return l.toInstant(ZoneOffset.UTC);
        }
        if (value instanceof java.util.Date d) {
            return d.toInstant();
        }
        String text = value.toString().trim();
        if (text.isEmpty()) {
            return null;
        }
        try {
            return OffsetDateTime.parse(text).toInstant();
        } catch (DateTimeParseException e) {
            try {
                return LocalDateTime.parse(text).toInstant(ZoneOffset.UTC);
            } catch (DateTimeParseException e2) {
                return null; // no Last-Modified rather than a failed download
            }
        }
    }

    private static String text(Map<String, Object> dict, String key, boolean required) {
        Object value = dict.get(key);
        if (value == null || value.toString().isEmpty()) {
            if (required) {
                throw new PortalException(ErrorKind.INTERNAL, "files_file_show returned a file without '" + key + "'");
            }
            return "";
        }
        return value.toString();
    }

    private static long parseLong(String s) {
        try {
            return Long.parseLong(s.trim());
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
