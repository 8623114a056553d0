package dev.portalkit.api;

/**
 * What went wrong, independent of transport. The host maps each kind once to an API error
 * type and an HTTP status; plugins only choose the kind.
 */
public enum ErrorKind {
    /** Input failed validation; carries per-field errors (HTTP 409, CKAN's "Validation Error"). */
    INVALID(409),
    /** The request itself is malformed (HTTP 400). */
    BAD_REQUEST(400),
    /** A referenced object does not exist (HTTP 404). */
    NOT_FOUND(404),
    /** The object to create exists already (HTTP 409). */
    ALREADY_EXISTS(409),
    /** The operation conflicts with the current state (HTTP 409). */
    CONFLICT(409),
    /** The caller may not do this (HTTP 403). */
    PERMISSION_DENIED(403),
    /** Content exceeds a size limit (HTTP 413). */
    TOO_LARGE(413),
    /** Content has a type that is not accepted (HTTP 415). */
    WRONG_TYPE(415),
    /**
     * The caller made too many attempts (failed authentications); it may retry after the seconds in
     * the exception's {@code retry_after} detail, sent as {@code Retry-After} (HTTP 429).
     */
    TOO_MANY_REQUESTS(429),
    /** The operation is not supported by this component (HTTP 501). */
    UNSUPPORTED(501),
    /** Configuration is invalid; raised at start, names the key. */
    CONFIG_INVALID(500),
    /** A passing failure of a backend; retrying may succeed (HTTP 503). */
    TRANSIENT(503),
    /** A bug or an unexpected failure (HTTP 500). */
    INTERNAL(500);

    private final int httpStatus;

    ErrorKind(int httpStatus) {
        this.httpStatus = httpStatus;
    }

    /** The HTTP status this kind maps to. */
    public int httpStatus() {
        return httpStatus;
    }
}
