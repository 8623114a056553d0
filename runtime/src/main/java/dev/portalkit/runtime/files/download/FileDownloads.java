package dev.portalkit.runtime.files.download;

import dev.portalkit.api.ErrorKind;
import dev.portalkit.api.files.Capability;
import dev.portalkit.api.files.Delivery;
import dev.portalkit.api.files.FileData;
import dev.portalkit.api.files.FilesException;
import dev.portalkit.api.files.Location;
import dev.portalkit.api.files.ManagedStorage;
import dev.portalkit.runtime.files.content.ContentTypes;
import dev.portalkit.runtime.files.content.FileNames;
import dev.portalkit.runtime.files.content.LocationRules;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Logger;

/**
 * The one download service: every download route (public download, permission-checked download,
 * links) ends here, for every storage. Given the managed storage, the file and the request's
 * {@code Range} / conditional headers, it decides the response:
 *
 * <ul>
 *   <li>the storage's {@link ManagedStorage#reader() reader} chooses the {@link Delivery}:
 *       {@code Redirect} is a 302 to the backend's URL, {@code InternalRedirect} the header for a
 *       fronting web server and no body, {@code Stream} (the default) is served here;</li>
 *   <li>a streamed file gets {@code Content-Type}, {@code Content-Disposition} (attachment, or
 *       inline for {@code portal.files.inline_content_types}), {@code ETag}, {@code Last-Modified},
 *       {@code Accept-Ranges}, {@code Content-Length}, and always {@code X-Content-Type-Options:
 *       nosniff};</li>
 *   <li>{@code If-None-Match} (else {@code If-Modified-Since}) that matches: 304;</li>
 *   <li>one byte range: 206 with {@code Content-Range}; a malformed or unsatisfiable one: 416 with
 *       {@code Content-Range: bytes *}{@code /size}; several ranges, another unit, or an
 *       {@code If-Range} that does not match: the whole file (RFC 9110 allows ignoring them);</li>
 *   <li>the body is the open local file when the reader has a {@link dev.portalkit.api.files.StorageReader#localFile
 *       localFile} (the web layer sends it without copying through the heap), else the storage's
 *       {@code range} / {@code stream}.</li>
 * </ul>
 */
public final class FileDownloads {
    private static final Logger LOG = Logger.getLogger(FileDownloads.class.getName());
    public static final String NOSNIFF = "nosniff";

    /** How many sniffed types of local public files are kept (then the cache starts again). */
    static final int SNIFFED_CAP = 10_000;

    private final List<String> inlineTypes;
    private final Duration redirectTtl;
    /**
     * The detected type of local files of public storages, by path, file key (inode), modification
     * time and size: the public route read each file's first 8 KiB and ran the type detection on
     * every request, which made it slower than the tracked route (whose type is in the record). A
     * file written again gets another modification time (nanoseconds where the file system has
     * them), so a changed file is sniffed again; nodes share nothing here, each sniffs for itself.
     */
    private final Map<SniffedKey, String> sniffed = new ConcurrentHashMap<>();

    /** Whether a type is served inline, by type (parsing it was a few per cent of a small download). */
    private final Map<String, Boolean> inlineByType = new ConcurrentHashMap<>();

    private record SniffedKey(Path path, Object fileKey, Instant modified, long size) {
    }

    /**
     * @param inlineTypes types served inline: full types ({@code text/csv}, {@code image/*}), main
     *                    types ({@code image}) or subtypes ({@code pdf}); empty = none
     * @param redirectTtl how long a redirect URL made by a backend stays valid
     */
    public FileDownloads(List<String> inlineTypes, Duration redirectTtl) {
        this.inlineTypes = List.copyOf(inlineTypes);
        this.redirectTtl = redirectTtl;
    }

    public List<String> inlineContentTypes() {
        return inlineTypes;
    }

    /** Whether files of this type are served inline (else as attachments). */
    public boolean inline(String contentType) {
        if (inlineTypes.isEmpty() || contentType == null) {
            return false;
        }
        Boolean known = inlineByType.get(contentType);
        if (known == null) {
            known = ContentTypes.accepted(contentType, inlineTypes);
            if (inlineByType.size() >= SNIFFED_CAP) {
                inlineByType.clear();
            }
            inlineByType.put(contentType, known);
        }
        return known;
    }

    /**
     * Describes a file of a storage from the storage alone, for the public download route (no
     * database): a local file by its attributes (size, modification time; the type from its first
     * 8 KiB and name, detected once for each version of the file; the entity tag from modification time and size, as nginx makes it); any other
     * file by the storage's {@code analyze} (HEAD on object stores), or, without ANALYZE, with an
     * unknown size (streamed whole, no ranges).
     *
     * @throws FilesException NOT_FOUND when there is no such file
     */
    public DownloadTarget describe(ManagedStorage storage, Location location) {
        String filename = LocationRules.fileName(location.value());
        Optional<Path> local = storage.reader().localFile(FileData.of(location));
        if (local.isPresent()) {
            Path path = local.get();
            try {
                BasicFileAttributes attributes = Files.readAttributes(path, BasicFileAttributes.class);
                if (!attributes.isRegularFile()) {
                    throw FilesException.missingFile(storage.name(), location);
                }
                long size = attributes.size();
                Instant modified = attributes.lastModifiedTime().toInstant();
                SniffedKey key = new SniffedKey(path, attributes.fileKey(), modified, size);
                String type = sniffed.get(key);
                if (type == null) {
                    type = sniff(path, size, filename);
                    if (sniffed.size() >= SNIFFED_CAP) {
                        // Bounded: a crude reset is enough (a miss costs one read of the head).
                        sniffed.clear();
                    }
                    sniffed.put(key, type);
                }
                String etag = "\"" + Long.toHexString(modified.toEpochMilli()) + "-" + Long.toHexString(size) + "\"";
                return new DownloadTarget(new FileData(location, size, type, "", "", Map.of()), filename, modified, etag, path);
            } catch (NoSuchFileException e) {
                throw FilesException.missingFile(storage.name(), location);
            } catch (IOException e) {
                throw FilesException.backend(storage.name(), "cannot read " + location, e);
            }
        }
        if (storage.supports(Capability.ANALYZE)) {
            return DownloadTarget.tracked(storage.manager().analyze(location), filename, null);
        }
        if (storage.supports(Capability.EXISTS) && !storage.manager().exists(FileData.of(location))) {
            throw FilesException.missingFile(storage.name(), location);
        }
        FileData unknown = new FileData(location, -1, null, "", "", Map.of());
        byte[] head;
        try (InputStream in = storage.supports(Capability.RANGE)
                ? storage.reader().range(unknown, 0, ContentTypes.SNIFF_BYTES) : storage.reader().stream(unknown)) {
            head = in.readNBytes(ContentTypes.SNIFF_BYTES);
        } catch (IOException e) {
            throw FilesException.backend(storage.name(), "cannot read " + location, e);
        }
        String type = ContentTypes.detect(head, head.length, filename, null);
        return new DownloadTarget(new FileData(location, -1, type, "", "", Map.of()), filename, null, null);
    }

    /** The type of a local file from its first {@link ContentTypes#SNIFF_BYTES} bytes and its name. */
    private static String sniff(Path path, long size, String filename) throws IOException {
        try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ)) {
            ByteBuffer head = ByteBuffer.allocate((int) Math.min(Math.max(size, 0), ContentTypes.SNIFF_BYTES));
            while (head.hasRemaining() && channel.read(head) >= 0) {
                // read the head
            }
            return ContentTypes.detect(head.array(), head.position(), filename, null);
        }
    }

    /**
     * The response for {@code target} in {@code storage}. The caller writes it and closes it.
     *
     * @throws FilesException NOT_FOUND when the content is missing, UNSUPPORTED when the storage
     *                        cannot stream it, TRANSIENT when the backend fails
     */
    public DownloadResponse respond(ManagedStorage storage, DownloadTarget target, DownloadRequest request) {
        FileData data = target.data();
        String filename = target.filename() == null || target.filename().isBlank()
                ? LocationRules.fileName(data.location().value()) : target.filename();
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("X-Content-Type-Options", NOSNIFF);

        Delivery delivery = storage.reader().delivery(data, filename, redirectTtl);
        if (delivery instanceof Delivery.Redirect redirect) {
            return redirect(redirect.location());
        }
        String type = printable(data.contentType()) ? data.contentType() : ContentTypes.OCTET_STREAM;
        headers.put("Content-Type", type);
        boolean inline = request.inline() != null ? request.inline() : inline(type);
        headers.put("Content-Disposition", contentDisposition(inline ? "inline" : "attachment", filename));
        if (!isPdf(type)) {
            // An inline SVG or HTML file cannot run scripts in the portal's origin (PDF viewers refuse sandboxing).
            headers.put("Content-Security-Policy", "sandbox");
        }
        if (delivery instanceof Delivery.InternalRedirect internal) {
            headers.put(internal.header(), internal.path());
            return new DownloadResponse(200, headers, new DownloadResponse.None());
        }
        return stream(storage, target, request, headers);
    }

    private static boolean printable(String value) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c < 0x20 || c >= 0x7f) {
                return false;
            }
        }
        return true;
    }

    /** A redirect to {@code location} (a presigned or secure URL), never cached. */
    public static DownloadResponse redirect(java.net.URI location) {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("X-Content-Type-Options", NOSNIFF);
        headers.put("Location", location.toString());
        headers.put("Cache-Control", "no-store");
        return new DownloadResponse(302, headers, new DownloadResponse.None());
    }

    private DownloadResponse stream(ManagedStorage storage, DownloadTarget target, DownloadRequest request,
                                    Map<String, String> headers) {
        FileData data = target.data();
        Optional<Path> local = target.localFile() != null ? Optional.of(target.localFile()) : storage.reader().localFile(data);
        FileChannel channel = null;
        try {
            long size = data.size();
            if (local.isPresent()) {
                if (request.head()) {
                    size = Files.size(local.get());
                } else {
                    channel = FileChannel.open(local.get(), StandardOpenOption.READ);
                    size = channel.size();
                }
                if (data.size() >= 0 && data.size() != size) {
                    LOG.warning("storage " + storage.name() + ": " + data.location() + " has " + size
                            + " bytes on disk but " + data.size() + " recorded; serving what is on disk");
                }
            }
            boolean ranges = size >= 0 && (local.isPresent() || storage.supports(Capability.RANGE));
            if (target.etag() != null) {
                headers.put("ETag", target.etag());
            }
            if (target.lastModified() != null) {
                headers.put("Last-Modified", HttpDates.format(target.lastModified()));
            }
            headers.put("Accept-Ranges", ranges ? "bytes" : "none");

            if (notModified(request, target)) {
                close(channel);
                Map<String, String> kept = new LinkedHashMap<>();
                kept.put("X-Content-Type-Options", NOSNIFF);
                copy(headers, kept, "ETag", "Last-Modified");
                return new DownloadResponse(304, kept, new DownloadResponse.None());
            }
            ByteRange.Parsed asked = ranges && rangeApplies(request, target)
                    ? ByteRange.parse(request.range(), size) : new ByteRange.Whole();
            if (asked instanceof ByteRange.Unsatisfiable unsatisfiable) {
                close(channel);
                Map<String, String> problem = new LinkedHashMap<>();
                problem.put("X-Content-Type-Options", NOSNIFF);
                problem.put("Content-Range", "bytes */" + size);
                copy(headers, problem, "Accept-Ranges", "ETag", "Last-Modified");
                return new DownloadResponse(416, problem, new DownloadResponse.Problem("Range Not Satisfiable: "
                        + unsatisfiable.why()));
            }
            if (asked instanceof ByteRange.Single single) {
                ByteRange range = single.range();
                DownloadResponse.Body body;
                if (request.head()) {
                    body = new DownloadResponse.None();
                } else if (channel != null) {
                    body = new DownloadResponse.LocalFile(channel, range.first(), range.length());
                } else {
                    InputStream in = rangeOrNull(storage, data, range);
                    if (in == null) {
                        return whole(storage, data, size, headers, request, null);
                    }
                    body = new DownloadResponse.Content(in, range.length());
                }
                headers.put("Content-Range", "bytes " + range.first() + "-" + range.last() + "/" + size);
                headers.put("Content-Length", Long.toString(range.length()));
                return new DownloadResponse(206, headers, body);
            }
            return whole(storage, data, size, headers, request, channel);
        } catch (NoSuchFileException e) {
            close(channel);
            throw FilesException.missingFile(storage.name(), data.location());
        } catch (IOException e) {
            close(channel);
            throw FilesException.backend(storage.name(), "cannot read " + data.location(), e);
        } catch (RuntimeException e) {
            close(channel);
            throw e;
        }
    }

    private static DownloadResponse whole(ManagedStorage storage, FileData data, long size, Map<String, String> headers,
                                          DownloadRequest request, FileChannel channel) {
        if (size >= 0) {
            headers.put("Content-Length", Long.toString(size));
        }
        DownloadResponse.Body body;
        if (request.head()) {
            body = new DownloadResponse.None();
        } else if (channel != null) {
            body = new DownloadResponse.LocalFile(channel, 0, size);
        } else {
            body = new DownloadResponse.Content(storage.reader().stream(data), size);
        }
        return new DownloadResponse(200, headers, body);
    }

    /** The range stream, or null when the storage can emulate this range only past its cap (then the file goes whole). */
    private static InputStream rangeOrNull(ManagedStorage storage, FileData data, ByteRange range) {
        try {
            return storage.reader().range(data, range.first(), range.last() + 1);
        } catch (FilesException e) {
            if (e.kind() == ErrorKind.UNSUPPORTED) {
                return null;
            }
            throw e;
        }
    }

    /** RFC 9110 §13.2.2: If-None-Match when present, else If-Modified-Since. */
    static boolean notModified(DownloadRequest request, DownloadTarget target) {
        if (request.ifNoneMatch() != null && !request.ifNoneMatch().isBlank()) {
            return target.etag() != null && matchesAny(request.ifNoneMatch(), target.etag());
        }
        if (target.lastModified() != null && request.ifModifiedSince() != null) {
            Optional<Instant> since = HttpDates.parse(request.ifModifiedSince());
            return since.isPresent() && !target.lastModified().truncatedTo(ChronoUnit.SECONDS).isAfter(since.get());
        }
        return false;
    }

    /** {@code If-Range}: an entity tag must match strongly, a date must be the exact {@code Last-Modified}. */
    static boolean rangeApplies(DownloadRequest request, DownloadTarget target) {
        String ifRange = request.ifRange();
        if (ifRange == null || ifRange.isBlank()) {
            return true;
        }
        String value = ifRange.trim();
        if (value.startsWith("\"") || value.startsWith("W/")) {
            return target.etag() != null && !value.startsWith("W/") && value.equals(target.etag());
        }
        Optional<Instant> date = HttpDates.parse(value);
        return date.isPresent() && target.lastModified() != null
                && date.get().equals(target.lastModified().truncatedTo(ChronoUnit.SECONDS));
    }

    /** Weak comparison (RFC 9110 §8.8.3.2) against a list of entity tags, or {@code *}. */
    private static boolean matchesAny(String header, String etag) {
        String ours = opaque(etag);
        for (String candidate : header.split(",")) {
            String c = candidate.trim();
            if (c.equals("*") || opaque(c).equals(ours)) {
                return true;
            }
        }
        return false;
    }

    private static String opaque(String tag) {
        String t = tag.trim();
        return t.startsWith("W/") ? t.substring(2) : t;
    }

    private static boolean isPdf(String type) {
        return type.toLowerCase(Locale.ROOT).startsWith("application/pdf");
    }

    private static void copy(Map<String, String> from, Map<String, String> to, String... names) {
        for (String name : names) {
            if (from.containsKey(name)) {
                to.put(name, from.get(name));
            }
        }
    }

    private static void close(FileChannel channel) {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException ignored) {
                // nothing was sent from it
            }
        }
    }

    /**
     * {@code attachment; filename="ascii"; filename*=UTF-8''percent-encoded} (RFC 6266): the quoted
     * name is an ASCII fallback, the extended one the real name. Path parts, control, invisible and
     * text direction characters are dropped ({@link FileNames#clean}), whatever the stored name holds.
     */
    public static String contentDisposition(String disposition, String filename) {
        String name = FileNames.clean(filename);
        if (name.isEmpty()) {
            name = "download";
        }
        StringBuilder fallback = new StringBuilder();
        StringBuilder extended = new StringBuilder();
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            fallback.append(c >= 0x20 && c < 0x7f && c != '"' && c != '\\' && c != '%' ? c : '_');
        }
        for (byte b : name.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xff;
            if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || "!#$&+-.^_`|~".indexOf(c) >= 0) {
                extended.append((char) c);
            } else {
                extended.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
                        .append(Character.toUpperCase(Character.forDigit(c & 0xf, 16)));
            }
        }
        return disposition + "; filename=\"" + fallback + "\"; filename*=UTF-8''" + extended;
    }
}
