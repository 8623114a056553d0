package dev.portalkit.api.files;

import dev.portalkit.api.PortalException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Locale;

/**
 * Content hashes by the names storages are configured with ({@code hashing_algorithm}):
 * {@code md5}, {@code sha1}, {@code sha256}, {@code sha512}, their dashed forms
 * ({@code sha-256}) or any name the JVM's {@link MessageDigest} knows. The host checks the
 * configured name at start; an adapter that hashes content itself takes its digest from here so
 * that it computes the same hash as the host: {@code Hashes.digest(settings.hashingAlgorithm())}.
 */
public final class Hashes {
    private Hashes() {
    }

    /** The JCA name for a configured name, or {@code null} when the JVM has no such digest (or the name is blank). */
    public static String jcaName(String algorithm) {
        if (algorithm == null || algorithm.isBlank()) {
            return null;
        }
        String name = algorithm.trim();
        String upper = name.toUpperCase(Locale.ROOT);
        for (String candidate : new String[] {name, upper, upper.replaceFirst("^SHA(?=\\d)", "SHA-").replace('_', '-')}) {
            try {
                MessageDigest.getInstance(candidate);
                return candidate;
            } catch (NoSuchAlgorithmException e) {
                // try the next spelling
            }
        }
        return null;
    }

    /**
     * A fresh digest for a configured name.
     *
     * @throws PortalException CONFIG_INVALID {@code unknown hashing algorithm '<name>'} when the JVM has no such digest
     */
    public static MessageDigest digest(String algorithm) {
        String jca = jcaName(algorithm);
        if (jca != null) {
            try {
                return MessageDigest.getInstance(jca);
            } catch (NoSuchAlgorithmException e) {
                // not expected: jcaName found it
            }
        }
        throw PortalException.config("unknown hashing algorithm '" + algorithm + "'");
    }
}
