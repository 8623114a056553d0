package dev.portalkit.runtime.action;

import dev.portalkit.api.ErrorKind;
import dev.portalkit.api.PortalException;
import dev.portalkit.api.ValidationException;
import dev.portalkit.api.files.FilesException;
import java.util.List;
import java.util.Map;

/**
 * A storage's refusal (TOO_LARGE, WRONG_TYPE, NOT_FOUND, ...) attributed to the input field that
 * caused it: the kind (and so the HTTP status) stays, and the error body names the field, as a
 * validation error does.
 */
public final class FieldFailure extends FilesException {
    private final Map<String, Object> details;

    public FieldFailure(ErrorKind kind, String field, String message, Throwable cause) {
        super(kind, message, cause);
        this.details = Map.of(field, List.of(message));
    }

    /** A failure of {@code kind} attributed to {@code field} (the error body names the field). */
    public static FieldFailure of(ErrorKind kind, String field, String message) {
        return new FieldFailure(kind, field, message, null);
    }

    @Override
    public Map<String, Object> details() {
        return details;
    }

    /**
     * {@code failure} attributed to {@code field}: bad input (BAD_REQUEST, a location) becomes a
     * validation error of the field; other kinds keep their kind.
     */
    public static PortalException on(String field, PortalException failure) {
        if (failure instanceof ValidationException || failure instanceof FieldFailure) {
            return failure;
        }
        return switch (failure.kind()) {
            case BAD_REQUEST -> {
                ValidationException v = ValidationException.of(field, failure.getMessage());
                v.initCause(failure);
                yield v;
            }
            case TOO_LARGE, WRONG_TYPE, NOT_FOUND, ALREADY_EXISTS, CONFLICT, UNSUPPORTED -> new FieldFailure(failure.kind(), field, failure.getMessage(), failure);
            default -> failure;
        };
    }
}
