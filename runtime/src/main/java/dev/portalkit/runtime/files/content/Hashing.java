package dev.portalkit.runtime.files.content;

import dev.portalkit.api.files.Hashes;
import java.security.MessageDigest;
import java.util.HexFormat;

/**
 * Content hashes by the names storages are configured with ({@code md5}, {@code sha256}, or JCA
 * names); the mapping is the API's {@link Hashes}, shared with the adapters of plugins.
 */
public final class Hashing {
    private Hashing() {
    }

    /** The JCA name for a configured name, or {@code null} when the JVM has no such digest. */
    public static String jcaName(String configured) {
        return Hashes.jcaName(configured);
    }

    /** A fresh digest; the name was validated at start. */
    /**
     * The key of a multipart upload's state ({@code MultipartData.storageData}) under which the host
     * notes the hash of the bytes it sent to the upload itself, in order ({@code algorithm},
     * {@code hash}, {@code size}): a resumable upload that arrived through one process. The
     * completion's verification takes it instead of reading the assembled file back.
     */
    public static final String RECEIVED = "portal_received";

    public static MessageDigest digest(String configured) {
        return Hashes.digest(configured);
    }

    public static String hex(MessageDigest digest) {
        return HexFormat.of().formatHex(digest.digest());
    }
}
