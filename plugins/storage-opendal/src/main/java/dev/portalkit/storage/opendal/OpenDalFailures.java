package dev.portalkit.storage.opendal;

import dev.portalkit.api.ErrorKind;
import dev.portalkit.api.files.FilesException;
import dev.portalkit.api.files.Location;
import java.util.Map;
import org.apache.opendal.OpenDALException;

/** OpenDAL's errors as the host's kinds, with messages that never carry a {@code params} value. */
final class OpenDalFailures {
    private OpenDalFailures() {
    }

    /** {@code e} as a FilesException for {@code what} ("read", "write", ...) at {@code location} of storage {@code storage}. */
    static FilesException of(String storage, String what, Location location, RuntimeException e, Map<String, String> params) {
        if (e instanceof FilesException f) {
            return f;
        }
        String where = "storage " + storage + ": cannot " + what + (location == null ? "" : " " + location);
        if (!(e instanceof OpenDALException o)) {
            return new FilesException(ErrorKind.TRANSIENT, where + ": " + e.getClass().getSimpleName(), e);
        }
        ErrorKind kind = switch (o.getCode()) {
            case NotFound, IsADirectory, NotADirectory -> ErrorKind.NOT_FOUND;
            case AlreadyExists -> ErrorKind.ALREADY_EXISTS;
            case PermissionDenied -> ErrorKind.PERMISSION_DENIED;
            case Unsupported -> ErrorKind.UNSUPPORTED;
            case RangeNotSatisfied -> ErrorKind.BAD_REQUEST;
            case ConfigInvalid, Unexpected, RateLimited, IsSameFile, ConditionNotMatch -> ErrorKind.TRANSIENT;
        };
        if (kind == ErrorKind.NOT_FOUND && location != null) {
            return FilesException.missingFile(storage, location);
        }
        return new FilesException(kind, where + ": " + shown(o, params), e);
    }

    static boolean notFound(RuntimeException e) {
        return e instanceof OpenDALException o && o.getCode() == OpenDALException.Code.NotFound;
    }

    /** The exception's message with every configured value of at least 3 characters blanked out, at most 500 characters. */
    static String shown(RuntimeException e, Map<String, String> params) {
        String text = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        for (String value : params.values()) {
            if (value.length() >= 3) {
                text = text.replace(value, "***");
            }
        }
        text = text.replaceAll("\\s+", " ").trim();
        return text.length() > 500 ? text.substring(0, 500) + "..." : text;
    }
}
