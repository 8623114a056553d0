package dev.portalkit.integration.web;

import dev.portalkit.api.ErrorKind;
import dev.portalkit.api.PortalException;
import dev.portalkit.api.action.UserRef;
import dev.portalkit.integration.web.ApiResponses.ApiError;
import dev.portalkit.runtime.Portal;
import dev.portalkit.runtime.intake.ResumableIntake;
import dev.portalkit.runtime.intake.UploadIntake;
import dev.portalkit.runtime.files.tracked.ResumableUploads;
import jakarta.inject.Inject;
import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * tus 1.0.0 at {@code /files/tus} (docs/resumable-uploads.md): the core protocol (HEAD, PATCH),
 * OPTIONS, and the extensions creation, creation-with-upload, creation-defer-length, termination,
 * checksum and expiration. This servlet reads the protocol's headers and nothing else; the
 * upload's state, its parts and the file it becomes are the runtime's ({@link ResumableIntake}).
 * Callers authenticate as for the action API: a token, or the pages' session with its CSRF token
 * in {@code X-CSRFToken} for every request that changes something.
 */
@WebServlet(name = "tus", urlPatterns = {"/files/tus", "/files/tus/*"})
public class TusServlet extends HttpServlet {
    private static final Logger LOG = Logger.getLogger(TusServlet.class.getName());
    static final String VERSION = "1.0.0";
    static final String EXTENSIONS = "creation,creation-with-upload,creation-defer-length,termination,checksum,expiration";
    static final String OFFSET_TYPE = "application/offset+octet-stream";
    /** The file a completed upload became. */
    public static final String FILE_ID = "Portal-File-Id";
    /** Checksum algorithms by their tus names. */
    private static final Map<String, String> CHECKSUMS = Map.of("md5", "MD5", "sha1", "SHA-1", "sha256", "SHA-256");
    private static final int CHECKSUM_MISMATCH = 460;
    private static final String PREFIX = "/files/tus";

    @Inject
    transient Portal portal;

    @Inject
    transient UploadIntake intake;

    @Inject
    transient WebIdentity identities;

    /** For the servlet container (WAR). */
    public TusServlet() {
    }

    /** For the standalone server. */
    public TusServlet(Portal portal, UploadIntake intake, WebIdentity identities) {
        this.portal = portal;
        this.intake = intake;
        this.identities = identities;
    }

    @Override
    protected void service(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        resp.setHeader("Tus-Resumable", VERSION);
        resp.setHeader("X-Content-Type-Options", "nosniff");
        resp.setHeader("Cache-Control", "no-store");
        String method = req.getMethod();
        String override = req.getHeader("X-HTTP-Method-Override");
        if ("POST".equals(method) && override != null && !override.isBlank()) {
            method = override.strip().toUpperCase(Locale.ROOT);
        }
        boolean head = "HEAD".equals(method);
        try {
            if (cors(req, resp, method)) {
                return;
            }
            List<String> path = RequestPaths.below(req, PREFIX + "/");
            String id = path == null || path.isEmpty() ? null : path.get(0);
            boolean collection = id == null || id.isEmpty();
            if (path != null && path.size() > 1) {
                throw PortalException.notFound("Not found");
            }
            if ("OPTIONS".equals(method)) {
                options(resp);
                return;
            }
            if (!VERSION.equals(req.getHeader("Tus-Resumable"))) {
                resp.setHeader("Tus-Version", VERSION);
                throw new Refusal(412, "This server speaks tus " + VERSION + ": send Tus-Resumable: " + VERSION);
            }
            WebIdentity.Identity identity = identities.identify(req);
            Optional<UserRef> user = identity.user();
            boolean changes = !head;
            if (changes && identity.ambient()) {
                identities.checkCsrf(identity, req, req.getHeader(WebIdentity.CSRF_HEADER));
            }
            ResumableIntake uploads = intake.resumable();
            switch (method) {
                case "POST" -> {
                    if (!collection) {
                        throw new Refusal(405, "Create uploads with POST " + PREFIX, "OPTIONS, HEAD, PATCH, DELETE");
                    }
                    create(req, resp, uploads, user);
                }
                case "HEAD" -> {
                    requireUpload(collection);
                    ResumableUploads.State state = uploads.state(user, id);
                    describe(resp, state, true);
                    resp.setStatus(200);
                }
                case "PATCH" -> {
                    requireUpload(collection);
                    long offset = number(req.getHeader("Upload-Offset"), "Upload-Offset");
                    requireOffsetBody(req);
                    Long length = req.getHeader("Upload-Length") == null ? null : number(req.getHeader("Upload-Length"), "Upload-Length");
                    ResumableUploads.State state = append(req, uploads, user, id, offset, length);
                    describe(resp, state, false);
                    resp.setStatus(204);
                }
                case "DELETE" -> {
                    requireUpload(collection);
                    uploads.terminate(user, id);
                    resp.setStatus(204);
                }
                default -> throw new Refusal(405, "tus answers OPTIONS, POST, HEAD, PATCH and DELETE",
                        collection ? "OPTIONS, POST" : "OPTIONS, HEAD, PATCH, DELETE");
            }
        } catch (ClientGone e) {
            LOG.log(Level.FINE, "tus client of " + req.getRequestURI() + " went away: " + e.getCause());
        } catch (Refusal e) {
            if (e.allow != null) {
                resp.setHeader("Allow", e.allow);
            }
            answer(req, resp, new ApiError(e.status, ApiResponses.httpErrorType(e.status), e.getMessage(), Map.of()), head);
        } catch (ResumableUploads.ChecksumMismatch e) {
            answer(req, resp, new ApiError(CHECKSUM_MISMATCH, "Checksum Mismatch", e.getMessage(), Map.of()), head);
        } catch (RuntimeException e) {
            answer(req, resp, ApiResponses.describe(e), head);
        }
    }

    /**
     * CORS for the origins of {@code portal.files.tus.cors_origins}: their requests see the tus
     * headers, their preflights are answered (true: this was one). Credentials are not allowed:
     * such callers send a token.
     */
    private boolean cors(HttpServletRequest req, HttpServletResponse resp, String method) {
        String origin = req.getHeader("Origin");
        if (origin == null) {
            return false;
        }
        resp.addHeader("Vary", "Origin");
        List<String> allowed = intake.resumable().corsOrigins();
        if (!allowed.contains(origin) && !allowed.contains("*")) {
            return false;
        }
        resp.setHeader("Access-Control-Allow-Origin", origin);
        resp.setHeader("Access-Control-Expose-Headers", "Location, Upload-Offset, Upload-Length, Upload-Defer-Length, "
                + "Upload-Expires, Upload-Metadata, Tus-Resumable, Tus-Version, Tus-Extension, Tus-Max-Size, Tus-Checksum-Algorithm, "
                + FILE_ID);
        if ("OPTIONS".equals(method) && req.getHeader("Access-Control-Request-Method") != null) {
            resp.setHeader("Access-Control-Allow-Methods", "POST, HEAD, PATCH, DELETE, OPTIONS");
            resp.setHeader("Access-Control-Allow-Headers", "Authorization, Content-Type, Tus-Resumable, Upload-Length, "
                    + "Upload-Defer-Length, Upload-Offset, Upload-Metadata, Upload-Checksum, X-HTTP-Method-Override, X-Requested-With");
            resp.setHeader("Access-Control-Max-Age", "86400");
            resp.setStatus(204);
            return true;
        }
        return false;
    }

    private void options(HttpServletResponse resp) {
        resp.setHeader("Tus-Version", VERSION);
        resp.setHeader("Tus-Extension", EXTENSIONS);
        resp.setHeader("Tus-Max-Size", Long.toString(maxLength()));
        resp.setHeader("Tus-Checksum-Algorithm", String.join(",", List.of("md5", "sha1", "sha256")));
        resp.setStatus(204);
    }

    private long maxLength() {
        return portal.config().size(WebPlugin.MAX_UPLOAD_SIZE);
    }

    private void create(HttpServletRequest req, HttpServletResponse resp, ResumableIntake uploads, Optional<UserRef> user)
            throws IOException {
        String lengthHeader = req.getHeader("Upload-Length");
        String defer = req.getHeader("Upload-Defer-Length");
        Long length;
        if (lengthHeader != null) {
            if (defer != null) {
                throw new Refusal(400, "Send Upload-Length or Upload-Defer-Length, not both");
            }
            length = number(lengthHeader, "Upload-Length");
            if (length > maxLength()) {
                throw new Refusal(413, "Upload-Length " + length + " is over the limit of " + maxLength() + " bytes ("
                        + WebPlugin.MAX_UPLOAD_SIZE + ")");
            }
        } else if ("1".equals(defer == null ? null : defer.strip())) {
            length = null;
        } else {
            throw new Refusal(400, "Send Upload-Length (the size of the file) or Upload-Defer-Length: 1");
        }
        long bodyLength = req.getContentLengthLong();
        boolean withBody = bodyLength > 0 || req.getHeader("Transfer-Encoding") != null;
        if (withBody) {
            requireOffsetBody(req);
        }
        String metadataHeader = req.getHeader("Upload-Metadata");
        Map<String, String> metadata = metadata(metadataHeader);
        ResumableUploads.State state = uploads.create(user, length, maxLength(), metadataHeader, metadata);
        String location = (req.getContextPath() == null ? "" : req.getContextPath()) + PREFIX + "/" + state.id();
        resp.setHeader("Location", location);
        if (withBody) {
            state = append(req, uploads, user, state.id(), 0, null);
        }
        describe(resp, state, false);
        resp.setStatus(201);
    }

    private ResumableUploads.State append(HttpServletRequest req, ResumableIntake uploads, Optional<UserRef> user, String id,
                                          long offset, Long length) throws IOException {
        ResumableUploads.Checksum checksum = checksum(req.getHeader("Upload-Checksum"));
        long declared = req.getContentLengthLong();
        try {
            return uploads.append(user, id, offset, length, declared, req.getInputStream(), checksum);
        } catch (IOException e) {
            // What arrived before the line broke is kept; the client asks HEAD for the offset.
            throw new ClientGone(e);
        }
    }

    private static void requireUpload(boolean collection) {
        if (collection) {
            throw new Refusal(405, "Name the upload: " + PREFIX + "/<id>", "OPTIONS, POST");
        }
    }

    private static void requireOffsetBody(HttpServletRequest req) {
        String type = req.getContentType();
        String base = type == null ? "" : type.split(";", 2)[0].strip().toLowerCase(Locale.ROOT);
        if (!OFFSET_TYPE.equals(base)) {
            throw new Refusal(415, "The body of a tus request must be sent as Content-Type: " + OFFSET_TYPE);
        }
    }

    /** The upload's headers: offset, length (or deferral), metadata, expiry, and the file once complete. */
    private static void describe(HttpServletResponse resp, ResumableUploads.State state, boolean withMetadata) {
        resp.setHeader("Upload-Offset", Long.toString(state.offset()));
        if (withMetadata) {
            if (state.length() != null) {
                resp.setHeader("Upload-Length", Long.toString(state.length()));
            } else {
                resp.setHeader("Upload-Defer-Length", "1");
            }
            if (state.metadata() != null && !state.metadata().isEmpty()) {
                resp.setHeader("Upload-Metadata", state.metadata());
            }
        }
        if (state.fileId() != null) {
            resp.setHeader(FILE_ID, state.fileId());
        } else {
            resp.setHeader("Upload-Expires", DateTimeFormatter.RFC_1123_DATE_TIME.format(state.expires().atOffset(ZoneOffset.UTC)));
        }
    }

    /** {@code Upload-Metadata}: comma-separated {@code key base64value} pairs (the value may be left out). */
    static Map<String, String> metadata(String header) {
        Map<String, String> out = new LinkedHashMap<>();
        if (header == null || header.isBlank()) {
            return out;
        }
        for (String pair : header.split(",")) {
            String[] kv = pair.strip().split(" ", -1);
            String key = kv[0];
            if (key.isEmpty() || kv.length > 2 || !key.matches("[\\x21-\\x7e&&[^,]]+") || out.containsKey(key)) {
                throw new Refusal(400, "Upload-Metadata is malformed: comma-separated pairs of a unique key and a Base64 value");
            }
            String value = null;
            if (kv.length == 2) {
                try {
                    value = new String(Base64.getDecoder().decode(kv[1]), StandardCharsets.UTF_8);
                } catch (IllegalArgumentException e) {
                    throw new Refusal(400, "Upload-Metadata: the value of " + key + " is not Base64");
                }
            }
            out.put(key, value);
        }
        return out;
    }

    static ResumableUploads.Checksum checksum(String header) {
        if (header == null) {
            return null;
        }
        String[] parts = header.strip().split(" ");
        String algorithm = parts.length == 2 ? CHECKSUMS.get(parts[0].toLowerCase(Locale.ROOT)) : null;
        if (parts.length != 2) {
            throw new Refusal(400, "Upload-Checksum is malformed: an algorithm and a Base64 digest");
        }
        if (algorithm == null) {
            throw new Refusal(400, "Upload-Checksum: algorithm " + parts[0] + " is not supported (md5, sha1, sha256)");
        }
        try {
            return new ResumableUploads.Checksum(algorithm, Base64.getDecoder().decode(parts[1]));
        } catch (IllegalArgumentException e) {
            throw new Refusal(400, "Upload-Checksum: the digest is not Base64");
        }
    }

    /** A header's non-negative whole number; a missing or malformed one is refused naming the header. */
    private static long number(String value, String header) {
        if (value == null) {
            throw new Refusal(400, "Send " + header);
        }
        String v = value.strip();
        if (!v.matches("[0-9]{1,18}")) {
            throw new Refusal(400, header + " must be a non-negative integer");
        }
        return Long.parseLong(v);
    }

    /**
     * An error answer. A body left unread (a refusal before it was read) is the server's to deal
     * with: it reads what already arrived and closes the connection if more would follow.
     */
    private static void answer(HttpServletRequest req, HttpServletResponse resp, ApiError error, boolean head) throws IOException {
        FileDownloadServlet.writeError(req, resp, error, head);
    }

    /** A protocol refusal with its status. */
    private static final class Refusal extends PortalException {
        final int status;
        final String allow;

        Refusal(int status, String message) {
            this(status, message, null);
        }

        Refusal(int status, String message, String allow) {
            super(ErrorKind.BAD_REQUEST, message);
            this.status = status;
            this.allow = allow;
        }
    }

    /** The request's body broke off. */
    private static final class ClientGone extends RuntimeException {
        ClientGone(IOException cause) {
            super(cause);
        }
    }
}
