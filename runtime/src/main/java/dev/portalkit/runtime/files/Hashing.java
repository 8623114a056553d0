package dev.portalkit.runtime.files;

import dev.portalkit.api.PortalException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;

/** Content hashes by the names storages are configured with ({@code md5}, {@code sha256}, or JCA names). */
public final class Hashing {
    private Hashing() {
    }

    /** The JCA name for a configured name, or {@code null} when the JVM has no such digest. */
    public static String jcaName(String configured) {
        if (configured == null || configured.isBlank()) {
            return null;
        }
        String name = configured.trim();
        for (String candidate : new String[] {name, name.toUpperCase(Locale.ROOT),
                name.toUpperCase(Locale.ROOT).replaceFirst("^SHA(?=\\d)", "SHA-").replace('_', '-')}) {
            try {
                MessageDigest.getInstance(candidate);
                return candidate;
            } catch (NoSuchAlgorithmException e) {
                // try the next spelling
            }
        }
        return null;
    }

    /** A fresh digest; the name was validated at start. */
    public static MessageDigest digest(String configured) {
        String jca = jcaName(configured);
        if (jca == null) {
            throw PortalException.config("unknown hashing algorithm '" + configured + "'");
        }
        try {
            return MessageDigest.getInstance(jca);
        } catch (NoSuchAlgorithmException e) {
            throw PortalException.config("unknown hashing algorithm '" + configured + "'");
        }
    }

    public static String hex(MessageDigest digest) {
        return HexFormat.of().formatHex(digest.digest());
    }
}
