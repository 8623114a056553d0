package dev.portalkit.storage.azure;

import dev.portalkit.storage.support.Trust;
import com.azure.core.exception.HttpResponseException;
import com.azure.storage.blob.models.BlobErrorCode;
import com.azure.storage.blob.models.BlobStorageException;
import dev.portalkit.api.ErrorKind;
import dev.portalkit.api.PortalException;
import dev.portalkit.api.files.FilesException;
import dev.portalkit.api.files.Location;
import java.util.regex.Pattern;

/**
 * Turns failures of the Azure SDK into {@link FilesException}s with the right kind and a message
 * that names the storage, the operation and the location, and never a secret: the SDK's exception is
 * not attached as it is (its message may quote a request URL with a SAS signature); a copy of its
 * chain with redacted messages and the original stack traces is.
 */
final class AzureFailures {
    /** The signature and other credentials of a SAS query, and a connection string's key. */
    private static final Pattern SAS_SIG = Pattern.compile("(?i)(?<![A-Za-z0-9_-])(sig|signature|se|sp|sv|ss|srt|st|spr|skoid|sktid)=[^&\\s\"'<>]+");
    private static final Pattern ACCOUNT_KEY = Pattern.compile("(?i)(AccountKey|SharedAccessSignature)=[^;\\s\"']+");

    private AzureFailures() {
    }

    /** A failure of {@code operation} on {@code location} (may be null) of {@code storage}. */
    static FilesException of(String storage, String operation, Location location, RuntimeException e,
                             AzureBlobStorageFactory.AzureConnection connection) {
        if (e instanceof PortalException pe) {
            return pe instanceof FilesException fe ? fe : new FilesException(pe.kind(), pe.getMessage(), pe);
        }
        String what = operation + (location == null ? "" : " " + location);
        String why = connection.redact(describe(e));
        Throwable cause = scrubbed(e, connection);
        javax.net.ssl.SSLException tls = Trust.tlsFailure(e);
        if (tls != null) {
            return new FilesException(ErrorKind.CONFIG_INVALID, "storage " + storage + ": cannot " + what + ": TLS verification of "
                    + connection.endpointHost() + " failed (" + connection.redact(Trust.describe(tls)) + "); if its certificate "
                    + "comes from a private CA or is self-signed, set " + connection.caBundleKey() + " to the CA's PEM file", cause);
        }
        if (e instanceof BlobStorageException bse) {
            BlobErrorCode code = bse.getErrorCode();
            int status = bse.getStatusCode();
            if (status == 404 && (code == null || code == BlobErrorCode.BLOB_NOT_FOUND) && location != null) {
                return FilesException.missingFile(storage, location);
            }
            if (status == 404 && code == BlobErrorCode.CONTAINER_NOT_FOUND) {
                return new FilesException(ErrorKind.TRANSIENT, "storage " + storage + ": cannot " + what + ": its container "
                        + connection.container() + " does not exist (create it with `portalkit files create-container -s " + storage + "`; " + why + ")",
                        cause);
            }
            if ((status == 409 && code == BlobErrorCode.BLOB_ALREADY_EXISTS) || status == 412) {
                return location == null ? new FilesException(ErrorKind.CONFLICT, "storage " + storage + ": cannot " + what + ": " + why, cause)
                        : FilesException.existingFile(storage, location);
            }
            if (status == 403 || status == 401) {
                return new FilesException(ErrorKind.PERMISSION_DENIED, "storage " + storage + ": cannot " + what
                        + ": the account refused the credentials (" + why + ")", cause);
            }
            if (status == 400 || status == 413 || status == 416) {
                return new FilesException(ErrorKind.BAD_REQUEST, "storage " + storage + ": cannot " + what + ": " + why, cause);
            }
        }
        return new FilesException(ErrorKind.TRANSIENT, "storage " + storage + ": cannot " + what + ": " + why, cause);
    }

    /**
     * A short description: HTTP status and Azure error code, or the root cause's message. It reaches API
     * clients too, so it never names an exception class (the log has the whole chain).
     */
    static String describe(Throwable e) {
        if (e instanceof BlobStorageException bse) {
            String code = bse.getErrorCode() == null ? "" : " " + bse.getErrorCode();
            return "HTTP " + bse.getStatusCode() + code;
        }
        if (e instanceof HttpResponseException hre && hre.getResponse() != null) {
            return "HTTP " + hre.getResponse().getStatusCode();
        }
        javax.net.ssl.SSLException tls = Trust.tlsFailure(e);
        if (tls != null) {
            return "TLS verification failed (" + Trust.describe(tls) + ")";
        }
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String message = root.getMessage() == null || root.getMessage().isBlank() ? null : root.getMessage();
        if (root instanceof java.net.ConnectException || root instanceof java.nio.channels.ClosedChannelException
                || root instanceof java.net.SocketException) {
            return "the service does not answer (" + (message == null ? "connection closed" : message) + ")";
        }
        return message == null ? "the request failed without a message" : message;
    }

    /** {@code text} without the given secrets and without SAS parameters or account keys in any form. */
    static String redact(String text, String... secrets) {
        if (text == null) {
            return null;
        }
        String out = text;
        for (String secret : secrets) {
            if (secret != null && secret.length() >= 4) {
                out = out.replace(secret, "***");
            }
        }
        out = ACCOUNT_KEY.matcher(out).replaceAll("$1=***");
        return SAS_SIG.matcher(out).replaceAll("$1=***");
    }

    /** A copy of {@code e}'s chain: same classes' names and stack traces, messages redacted. */
    static Throwable scrubbed(Throwable e, AzureBlobStorageFactory.AzureConnection connection) {
        if (e == null) {
            return null;
        }
        Throwable cause = e.getCause() == e ? null : scrubbed(e.getCause(), connection);
        RedactedException copy = new RedactedException(e.getClass().getName() + ": "
                + connection.redact(e.getMessage() == null ? "" : e.getMessage()), cause);
        copy.setStackTrace(e.getStackTrace());
        return copy;
    }

    /** Stands in for an SDK exception whose message might hold secrets. */
    static final class RedactedException extends RuntimeException {
        RedactedException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
