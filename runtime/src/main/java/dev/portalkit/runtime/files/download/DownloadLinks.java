package dev.portalkit.runtime.files.download;

import dev.portalkit.api.ErrorKind;
import dev.portalkit.api.PortalException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.HexFormat;
import java.util.function.Supplier;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import javax.sql.DataSource;

/**
 * Download links for tracked files, served at {@code <portal.site_url>/files/link/<token>}. A link
 * records who made it and the file's link generation; whoever has it may download the file without
 * sending a token, as long as the file is still there, its generation has not been raised
 * ({@code files_file_link_revoke}), and the user who made it may still see it (checked when it is
 * used: {@code FileApi.linkedFile}). A link made by the portal itself (an {@code ignore_auth} call
 * without a user, or code calling the two-argument methods here) has no maker to check.
 *
 * <ul>
 *   <li>{@link #temporal temporal}: {@code t.<file id>.<maker>.<generation>.<expiry>.<signature>},
 *       HMAC-SHA256 over all of them; valid until the expiry (epoch seconds);</li>
 *   <li>{@link #permanent permanent}: {@code p.<file id>.<maker>.<generation>.<signature>};</li>
 *   <li>{@link #oneTime one-time}: {@code o.<256 random bits>}, recorded by its SHA-256 in
 *       {@code files_one_time_link} with the file id, maker, generation and expiry; the first
 *       download consumes it with one conditional {@code UPDATE ... WHERE used_at IS NULL}, so of
 *       concurrent uses exactly one wins.</li>
 * </ul>
 *
 * <p>Ids are base64url; a maker of {@code -} is the portal itself. The key is
 * {@code portal.files.link_secret}, or a random one generated into the data directory; changing it
 * revokes every temporal and permanent link. Links in the form before makers were recorded
 * ({@code t.<id>.<expiry>.<sig>}, {@code p.<id>.<sig>}) are refused. A tampered, expired, used or
 * revoked link is refused with PERMISSION_DENIED (403); links of a deleted file fail with NOT_FOUND.
 */
public final class DownloadLinks {
    /** The route of links, below the portal's base URL. */
    public static final String ROUTE = "files/link/";
    private static final int MAX_FILE_ID = 200;
    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder B64D = Base64.getUrlDecoder();

    /** What kind a link is. */
    public enum Kind {
        TEMPORAL("t"), ONE_TIME("o"), PERMANENT("p");

        private final String prefix;

        Kind(String prefix) {
            this.prefix = prefix;
        }
    }

    /**
     * A verified link.
     *
     * @param makerId    the id of the user who made it; {@code null} when the portal itself did
     * @param generation the file's link generation when it was made
     * @param expires    when it stops working; {@code null} for permanent links
     * @param tokenHash  the SHA-256 of a one-time token (what {@link #consume} marks used); null otherwise
     */
    public record Grant(Kind kind, String fileId, String makerId, int generation, Instant expires, String tokenHash) {
        /** Whether the portal itself made the link (no user's permission to check when it is used). */
        public boolean bySystem() {
            return makerId == null;
        }
    }

    /** The maker field of a token made by the portal itself. */
    private static final String SYSTEM = "-";

    private final Supplier<byte[]> key;
    private final DataSource dataSource;
    private final Clock clock;
    private final String siteUrl;
    private final SecureRandom random = new SecureRandom();

    /**
     * @param key        the signing key (called once, on first use)
     * @param dataSource the portal database, for one-time links
     * @param clock      the time that expiries are compared with
     * @param siteUrl    {@code portal.site_url}, the base of the returned URLs
     */
    public DownloadLinks(Supplier<byte[]> key, DataSource dataSource, Clock clock, String siteUrl) {
        this.key = memoize(key);
        this.dataSource = dataSource;
        this.clock = clock;
        this.siteUrl = siteUrl.endsWith("/") ? siteUrl.substring(0, siteUrl.length() - 1) : siteUrl;
    }

    /**
     * The signing key: {@code configured} ({@code portal.files.link_secret}) when set, else the one
     * generated into {@code <dataDir>/secrets/file-links.key}.
     */
    public static byte[] key(String configured, java.nio.file.Path dataDir) {
        return LinkSecret.load(configured, dataDir);
    }

    /**
     * A fingerprint of the signing key: HMAC-SHA256 of a fixed label keyed with it, in hex. Nodes
     * that share the key have the same one; it reveals nothing that signs a link. What
     * {@link dev.portalkit.runtime.cluster.ClusterNodes} compares between nodes.
     */
    public String keyFingerprint() {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key.get(), "HmacSHA256"));
            return HexFormat.of().formatHex(mac.doFinal("portalkit-shared-secret-fingerprint".getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new PortalException(ErrorKind.INTERNAL, "HMAC-SHA256 is not available", e);
        }
    }

    // ---- minting --------------------------------------------------------------------------------

    /** A link made by the portal itself (no maker to check), generation 0, that works until {@code ttl} from now. */
    public URI temporal(String fileId, Duration ttl) {
        return temporal(fileId, null, 0, ttl);
    }

    /**
     * A link that works until {@code ttl} from now (rounded up to the second) while the file keeps
     * {@code generation} and {@code makerId} may see it.
     */
    public URI temporal(String fileId, String makerId, int generation, Duration ttl) {
        long expiry = expiry(ttl).getEpochSecond();
        String id = encodeId(fileId);
        String maker = encodeMaker(makerId);
        return url(Kind.TEMPORAL.prefix + "." + id + "." + maker + "." + generation(generation) + "." + expiry + "."
                + sign(Kind.TEMPORAL, fileId, maker, generation, Long.toString(expiry)));
    }

    /** A one-time link made by the portal itself, generation 0. */
    public URI oneTime(String fileId, Duration ttl) {
        return oneTime(fileId, null, 0, ttl);
    }

    /** A link that works once, within {@code ttl} from now, while the file keeps {@code generation} and {@code makerId} may see it. */
    public URI oneTime(String fileId, String makerId, int generation, Duration ttl) {
        checkId(fileId);
        checkMaker(makerId);
        Instant expires = expiry(ttl);
        byte[] bytes = new byte[32];
        random.nextBytes(bytes);
        String token = Kind.ONE_TIME.prefix + "." + B64.encodeToString(bytes);
        Instant now = clock.instant();
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try (PreparedStatement purge = c.prepareStatement("DELETE FROM files_one_time_link WHERE expires_at < ?");
                 PreparedStatement insert = c.prepareStatement("INSERT INTO files_one_time_link "
                         + "(token_hash, file_id, created_at, expires_at, created_by, link_generation) VALUES (?, ?, ?, ?, ?, ?)")) {
                // Rows of links that expired a day ago are of no more use (not even for a "used" message).
                purge.setObject(1, utc(now.minus(Duration.ofDays(1))));
                purge.executeUpdate();
                insert.setString(1, hash(token));
                insert.setString(2, fileId);
                insert.setObject(3, utc(now));
                insert.setObject(4, utc(expires));
                insert.setString(5, makerId);
                insert.setInt(6, generation(generation));
                insert.executeUpdate();
                c.commit();
            } catch (SQLException e) {
                c.rollback();
                throw e;
            }
        } catch (SQLException e) {
            throw new PortalException(ErrorKind.TRANSIENT, "cannot record a one-time link: " + e.getMessage(), e);
        }
        return url(token);
    }

    /** A permanent link made by the portal itself, generation 0. */
    public URI permanent(String fileId) {
        return permanent(fileId, null, 0);
    }

    /**
     * A link that works while the file keeps {@code generation} ({@code files_file_link_revoke}) and
     * {@code makerId} may see it, as long as the key does.
     */
    public URI permanent(String fileId, String makerId, int generation) {
        String maker = encodeMaker(makerId);
        return url(Kind.PERMANENT.prefix + "." + encodeId(fileId) + "." + maker + "." + generation(generation) + "."
                + sign(Kind.PERMANENT, fileId, maker, generation, ""));
    }

    /** The URL of a token: {@code <portal.site_url>/files/link/<token>}. */
    public URI url(String token) {
        return URI.create(siteUrl + "/" + ROUTE + token);
    }

    // ---- using ----------------------------------------------------------------------------------

    /**
     * Checks a token: its signature and expiry, or, for a one-time link, that its row exists,
     * is unused and unexpired (it is consumed only by {@link #consume}).
     *
     * @throws PortalException PERMISSION_DENIED for a tampered, expired, used or unknown link
     */
    public Grant verify(String token) {
        if (token == null || token.length() > 1024) {
            throw invalid();
        }
        String[] parts = token.split("\\.", -1);
        if (parts[0].equals(Kind.TEMPORAL.prefix) && parts.length == 6) {
            String fileId = decodeId(parts[1]);
            String makerId = decodeMaker(parts[2]);
            int generation = parseGeneration(parts[3]);
            if (!parts[4].matches("\\d{1,18}") || !verifySignature(parts[5], Kind.TEMPORAL, fileId, parts[2], generation, parts[4])) {
                throw invalid();
            }
            Instant expires = Instant.ofEpochSecond(Long.parseLong(parts[4]));
            if (!clock.instant().isBefore(expires)) {
                throw PortalException.denied("This download link has expired");
            }
            return new Grant(Kind.TEMPORAL, fileId, makerId, generation, expires, null);
        }
        if (parts[0].equals(Kind.PERMANENT.prefix) && parts.length == 5) {
            String fileId = decodeId(parts[1]);
            String makerId = decodeMaker(parts[2]);
            int generation = parseGeneration(parts[3]);
            if (!verifySignature(parts[4], Kind.PERMANENT, fileId, parts[2], generation, "")) {
                throw invalid();
            }
            return new Grant(Kind.PERMANENT, fileId, makerId, generation, null, null);
        }
        if (parts[0].equals(Kind.ONE_TIME.prefix) && parts.length == 2 && parts[1].matches("[A-Za-z0-9_-]{43}")) {
            String tokenHash = hash(token);
            try (Connection c = dataSource.getConnection();
                 PreparedStatement ps = c.prepareStatement("SELECT file_id, expires_at, used_at, created_by, link_generation "
                         + "FROM files_one_time_link WHERE token_hash = ?")) {
                ps.setString(1, tokenHash);
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        throw invalid();
                    }
                    String fileId = rs.getString(1);
                    Instant expires = rs.getObject(2, OffsetDateTime.class).toInstant();
                    if (rs.getObject(3, OffsetDateTime.class) != null) {
                        throw usedUp();
                    }
                    if (!clock.instant().isBefore(expires)) {
                        throw PortalException.denied("This download link has expired");
                    }
                    return new Grant(Kind.ONE_TIME, fileId, rs.getString(4), rs.getInt(5), expires, tokenHash);
                }
            } catch (SQLException e) {
                throw new PortalException(ErrorKind.TRANSIENT, "cannot check a one-time link: " + e.getMessage(), e);
            }
        }
        throw invalid();
    }

    /**
     * Consumes a one-time link: one conditional update, so that of any number of concurrent uses
     * exactly one succeeds. Does nothing for other kinds.
     *
     * @throws PortalException PERMISSION_DENIED when it was used (or expired) meanwhile
     */
    public void consume(Grant grant) {
        if (grant.kind() != Kind.ONE_TIME) {
            return;
        }
        Instant now = clock.instant();
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            int updated;
            try (PreparedStatement ps = c.prepareStatement("UPDATE files_one_time_link SET used_at = ? "
                    + "WHERE token_hash = ? AND used_at IS NULL AND expires_at > ?")) {
                ps.setObject(1, utc(now));
                ps.setString(2, grant.tokenHash());
                ps.setObject(3, utc(now));
                updated = ps.executeUpdate();
                c.commit();
            } catch (SQLException e) {
                c.rollback();
                throw e;
            }
            if (updated != 1) {
                throw usedUp();
            }
        } catch (SQLException e) {
            throw new PortalException(ErrorKind.TRANSIENT, "cannot use a one-time link: " + e.getMessage(), e);
        }
    }

    // ---- helpers --------------------------------------------------------------------------------

    private Instant expiry(Duration ttl) {
        if (ttl == null || ttl.isNegative() || ttl.isZero()) {
            throw PortalException.badRequest("a link's lifetime must be positive");
        }
        Instant at = clock.instant().plus(ttl);
        return at.getNano() == 0 ? at : Instant.ofEpochSecond(at.getEpochSecond() + 1);
    }

    /** HMAC-SHA256 over every field of the token ({@code maker}: as it appears in the token). */
    private String sign(Kind kind, String fileId, String maker, int generation, String expiry) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key.get(), "HmacSHA256"));
            mac.update(("portalkit-file-link-2\0" + kind.prefix + "\0" + fileId + "\0" + maker + "\0" + generation + "\0" + expiry)
                    .getBytes(StandardCharsets.UTF_8));
            return B64.encodeToString(mac.doFinal());
        } catch (GeneralSecurityException e) {
            throw new PortalException(ErrorKind.INTERNAL, "HMAC-SHA256 is not available", e);
        }
    }

    private boolean verifySignature(String given, Kind kind, String fileId, String maker, int generation, String expiry) {
        return MessageDigest.isEqual(sign(kind, fileId, maker, generation, expiry).getBytes(StandardCharsets.US_ASCII),
                given.getBytes(StandardCharsets.US_ASCII));
    }

    private static String encodeMaker(String makerId) {
        checkMaker(makerId);
        return makerId == null ? SYSTEM : B64.encodeToString(makerId.getBytes(StandardCharsets.UTF_8));
    }

    private static void checkMaker(String makerId) {
        if (makerId != null && (makerId.isBlank() || makerId.length() > MAX_FILE_ID)) {
            throw PortalException.badRequest("a link's maker needs a user id of 1 to " + MAX_FILE_ID + " characters");
        }
    }

    private static String decodeMaker(String encoded) {
        return SYSTEM.equals(encoded) ? null : decodeId(encoded);
    }

    private static int generation(int generation) {
        if (generation < 0) {
            throw PortalException.badRequest("a link generation is not negative");
        }
        return generation;
    }

    private static int parseGeneration(String text) {
        if (!text.matches("\\d{1,9}")) {
            throw invalid();
        }
        return Integer.parseInt(text);
    }

    private static String encodeId(String fileId) {
        checkId(fileId);
        return B64.encodeToString(fileId.getBytes(StandardCharsets.UTF_8));
    }

    private static String decodeId(String encoded) {
        try {
            String id = new String(B64D.decode(encoded), StandardCharsets.UTF_8);
            if (id.isEmpty() || id.length() > MAX_FILE_ID) {
                throw invalid();
            }
            return id;
        } catch (IllegalArgumentException e) {
            throw invalid();
        }
    }

    private static void checkId(String fileId) {
        if (fileId == null || fileId.isBlank() || fileId.length() > MAX_FILE_ID) {
            throw PortalException.badRequest("a link needs a file id of 1 to " + MAX_FILE_ID + " characters");
        }
    }

    static String hash(String token) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new PortalException(ErrorKind.INTERNAL, "SHA-256 is not available", e);
        }
    }

    private static OffsetDateTime utc(Instant instant) {
        return instant.atOffset(ZoneOffset.UTC);
    }

    private static PortalException invalid() {
        return PortalException.denied("This download link is not valid");
    }

    private static PortalException usedUp() {
        return PortalException.denied("This one-time download link was used already");
    }

    private static Supplier<byte[]> memoize(Supplier<byte[]> supplier) {
        return new Supplier<>() {
            private volatile byte[] value;

            @Override
            public byte[] get() {
                byte[] v = value;
                if (v == null) {
                    synchronized (this) {
                        if (value == null) {
                            value = supplier.get();
                        }
                        v = value;
                    }
                }
                return v;
            }
        };
    }
}
