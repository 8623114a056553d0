package dev.portalkit.api.files;

import dev.portalkit.api.ErrorKind;
import dev.portalkit.api.PortalException;

/**
 * Failures of storages and the File API, as {@link PortalException}s with the matching kind, so
 * they map to the same API errors and HTTP statuses as everything else.
 */
public class FilesException extends PortalException {
    public FilesException(ErrorKind kind, String message) {
        super(kind, message);
    }

    public FilesException(ErrorKind kind, String message, Throwable cause) {
        super(kind, message, cause);
    }

    /** The file is not at that location (NOT_FOUND). */
    public static FilesException missingFile(String storage, Location location) {
        return new FilesException(ErrorKind.NOT_FOUND, "file " + location + " does not exist in storage " + storage);
    }

    /** A file exists at that location and the storage does not overwrite (ALREADY_EXISTS). */
    public static FilesException existingFile(String storage, Location location) {
        return new FilesException(ErrorKind.ALREADY_EXISTS, "file " + location + " already exists in storage " + storage);
    }

    /** The content is over the storage's {@code max_size} (TOO_LARGE). */
    public static FilesException tooLarge(String storage, long limit) {
        return new FilesException(ErrorKind.TOO_LARGE, "upload exceeds the maximum size of " + limit + " bytes of storage " + storage);
    }

    /** The content type is not accepted (WRONG_TYPE). */
    public static FilesException wrongType(String storage, String contentType, String why) {
        return new FilesException(ErrorKind.WRONG_TYPE, "type " + contentType + " is not accepted by storage " + storage
                + (why == null ? "" : ": " + why));
    }

    /** The storage cannot do this (UNSUPPORTED). */
    public static FilesException unsupported(String storage, Capability capability) {
        return new FilesException(ErrorKind.UNSUPPORTED, "storage " + storage + " does not support " + capability);
    }

    /** The location is not acceptable: traversal, NUL bytes, too long (BAD_REQUEST). */
    public static FilesException badLocation(String location, String why) {
        String shown = location == null ? "" : location.replace("\0", "\\0");
        if (shown.length() > 80) {
            shown = shown.substring(0, 80) + "...";
        }
        return new FilesException(ErrorKind.BAD_REQUEST, "location '" + shown + "' is not allowed: " + why);
    }

    /** The backend failed; retrying may work (TRANSIENT). The message must not contain secrets. */
    public static FilesException backend(String storage, String what, Throwable cause) {
        return new FilesException(ErrorKind.TRANSIENT, "storage " + storage + ": " + what, cause);
    }
}
