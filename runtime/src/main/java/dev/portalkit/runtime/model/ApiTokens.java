package dev.portalkit.runtime.model;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Optional;

/**
 * API token format: {@code pkt_} followed by 32 random bytes in unpadded base64url (256 bits of
 * entropy). The database keeps only the token's SHA-256 hash: with that much entropy a fast hash
 * is enough (a KDF protects low-entropy passwords, not random secrets), and lookup by hash
 * needs no per-row work.
 */
public final class ApiTokens {
    public static final String PREFIX = "pkt_";
    private static final int SECRET_BYTES = 32;
    private static final SecureRandom RANDOM = new SecureRandom();

    private ApiTokens() {
    }

    static String newToken() {
        byte[] secret = new byte[SECRET_BYTES];
        RANDOM.nextBytes(secret);
        return PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
    }

    /** The stored form of a token: lower-case hex SHA-256 of its UTF-8 bytes. */
    static String hash(String token) {
        MessageDigest sha256 = SHA256.get();
        sha256.reset();
        return HexFormat.of().formatHex(sha256.digest(token.getBytes(StandardCharsets.UTF_8)));
    }

    /**
     * One digest per thread: {@code MessageDigest.getInstance} looks the provider up and builds the
     * digest by reflection, half the cost of hashing a token on every API request.
     */
    private static final ThreadLocal<MessageDigest> SHA256 = ThreadLocal.withInitial(() -> {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is not available in this JDK", e);
        }
    });

    /** The token in an {@code Authorization} header value: the raw value, or what follows {@code Bearer }. */
    public static Optional<String> fromHeader(String header) {
        if (header == null) {
            return Optional.empty();
        }
        String value = header.strip();
        if (value.length() > 7 && value.substring(0, 7).toLowerCase(Locale.ROOT).equals("bearer ")) {
            value = value.substring(7).strip();
        }
        return value.isEmpty() || value.contains(" ") ? Optional.empty() : Optional.of(value);
    }
}
