package dev.portalkit.runtime.files.download;

import dev.portalkit.api.ErrorKind;
import dev.portalkit.api.PortalException;
import dev.portalkit.runtime.PrivateFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Set;
import java.util.logging.Logger;

/**
 * The key that signs download links: {@code portal.files.link_secret} when set, else a random
 * secret generated once into {@code <data-dir>/secrets/file-links.key} (mode 0600, its folder
 * 0700). Either way the key is the secret's UTF-8 bytes, so the generated file's line can be
 * moved into the configuration unchanged (to share it between processes).
 */
final class LinkSecret {
    private static final Logger LOG = Logger.getLogger(LinkSecret.class.getName());
    static final String FILE = "secrets/file-links.key";
    private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");

    private LinkSecret() {
    }

    static byte[] load(String configured, Path dataDir) {
        if (configured != null && !configured.isBlank()) {
            return configured.trim().getBytes(StandardCharsets.UTF_8);
        }
        Path file = dataDir.resolve(FILE);
        try {
            if (!Files.exists(file)) {
                create(file);
            }
            String secret = Files.readString(file, StandardCharsets.UTF_8).trim();
            if (secret.length() < DownloadConfig.MIN_SECRET_LENGTH) {
                throw new PortalException(ErrorKind.CONFIG_INVALID, file + " holds no usable link secret (expected at least "
                        + DownloadConfig.MIN_SECRET_LENGTH + " characters); remove it to generate a new one");
            }
            if (posix(file) && !Files.getPosixFilePermissions(file).equals(OWNER_ONLY)) {
                LOG.warning(file + " (the key of download links) is readable by others than its owner; chmod 600 it");
            }
            return secret.getBytes(StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new PortalException(ErrorKind.CONFIG_INVALID, "cannot read or create the link secret " + file + ": "
                    + e.getMessage() + " (or set " + DownloadConfig.LINK_SECRET + ")", e);
        }
    }

    /** Writes a new secret beside the target and links it into place, so concurrent processes agree on one. */
    private static void create(Path file) throws IOException {
        Path dir = file.getParent();
        boolean posix = posix(dir);
        if (!Files.isDirectory(dir)) {
            PrivateFiles.createDirectories(dir);
        }
        byte[] random = new byte[32];
        new SecureRandom().nextBytes(random);
        String secret = Base64.getUrlEncoder().withoutPadding().encodeToString(random) + "\n";
        Path tmp = posix ? Files.createTempFile(dir, "file-links", ".tmp", PosixFilePermissions.asFileAttribute(OWNER_ONLY))
                : Files.createTempFile(dir, "file-links", ".tmp");
        try {
            Files.writeString(tmp, secret, StandardCharsets.UTF_8);
            try {
                Files.createLink(file, tmp);
                LOG.info("generated the key of download links in " + file + " (set " + DownloadConfig.LINK_SECRET
                        + " to share one key between processes)");
            } catch (FileAlreadyExistsException raced) {
                // another process made it first: use theirs
            } catch (UnsupportedOperationException | IOException noLinks) {
                if (!Files.exists(file)) {
                    Files.move(tmp, file);
                }
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    private static boolean posix(Path path) {
        return path.getFileSystem().supportedFileAttributeViews().contains("posix");
    }
}
