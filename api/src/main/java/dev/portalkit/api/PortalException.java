package dev.portalkit.api;

import java.util.Map;

/**
 * The one unchecked exception family of Portalkit. Every failure a plugin or the host reports
 * carries an {@link ErrorKind}; the message is meant for the client and must not contain secrets.
 */
public class PortalException extends RuntimeException {
    private final ErrorKind kind;

    public PortalException(ErrorKind kind, String message) {
        super(message);
        this.kind = kind;
    }

    public PortalException(ErrorKind kind, String message, Throwable cause) {
        super(message, cause);
        this.kind = kind;
    }

    public ErrorKind kind() {
        return kind;
    }

    /** Extra fields for the error body (e.g. per-field validation errors); empty by default. */
    public Map<String, Object> details() {
        return Map.of();
    }

    public static PortalException notFound(String message) {
        return new PortalException(ErrorKind.NOT_FOUND, message);
    }

    public static PortalException denied(String message) {
        return new PortalException(ErrorKind.PERMISSION_DENIED, message);
    }

    public static PortalException config(String message) {
        return new PortalException(ErrorKind.CONFIG_INVALID, message);
    }

    public static PortalException badRequest(String message) {
        return new PortalException(ErrorKind.BAD_REQUEST, message);
    }
}
