package dev.portalkit.storage.s3;

import dev.portalkit.storage.support.Trust;
import dev.portalkit.api.ErrorKind;
import dev.portalkit.api.files.FilesException;
import dev.portalkit.api.files.Location;
import java.util.List;
import javax.net.ssl.SSLException;
import software.amazon.awssdk.awscore.exception.AwsServiceException;

/**
 * Turns SDK failures into {@link FilesException}s with a kind and a message that names the
 * storage and the bucket but never a secret: configured keys are masked in every message of the
 * cause chain, and the chain the exception carries is a masked copy of the SDK's.
 */
final class S3Failures {
    private final String storage;
    private final List<String> secrets;
    private final String host;
    private final String caBundleKey;

    /**
     * @param host        the endpoint's host (and port), named when TLS verification fails
     * @param caBundleKey the full key of the storage's ca_bundle option, named in the same message
     */
    S3Failures(String storage, List<String> secrets, String host, String caBundleKey) {
        this.storage = storage;
        this.secrets = List.copyOf(secrets);
        this.host = host;
        this.caBundleKey = caBundleKey;
    }

    static int status(Throwable e) {
        return e instanceof AwsServiceException s ? s.statusCode() : -1;
    }

    static String code(Throwable e) {
        return e instanceof AwsServiceException s && s.awsErrorDetails() != null && s.awsErrorDetails().errorCode() != null
                ? s.awsErrorDetails().errorCode() : "";
    }

    static boolean isNotFound(Throwable e) {
        return status(e) == 404 && !code(e).equals("NoSuchBucket") && !code(e).equals("NoSuchUpload");
    }

    static boolean isMissingBucket(Throwable e) {
        return code(e).equals("NoSuchBucket");
    }

    /**
     * The failure of {@code what} (e.g. "upload of a.txt to bucket b"). A missing object at
     * {@code location} is NOT_FOUND; a missing bucket or refused credentials are the operator's to
     * fix (CONFIG_INVALID); anything else is TRANSIENT.
     */
    FilesException of(String what, Location location, String bucket, Throwable e) {
        if (e instanceof FilesException fe) {
            return fe;
        }
        if (location != null && isNotFound(e)) {
            FilesException missing = FilesException.missingFile(storage, location);
            missing.initCause(masked(e));
            return missing;
        }
        SSLException tls = Trust.tlsFailure(e);
        if (tls != null) {
            return new FilesException(ErrorKind.CONFIG_INVALID, "storage " + storage + ": " + what + ": TLS verification of "
                    + host + " failed (" + mask(Trust.describe(tls)) + "); if its certificate comes from a private CA or is "
                    + "self-signed, set " + caBundleKey + " to the CA's PEM file", masked(e));
        }
        if (code(e).equals("NoSuchUpload")) {
            return new FilesException(ErrorKind.NOT_FOUND, "storage " + storage + ": " + what + ": the multipart upload "
                    + "does not exist (it was completed or aborted)", masked(e));
        }
        if (isMissingBucket(e)) {
            return new FilesException(ErrorKind.CONFIG_INVALID, "storage " + storage + ": " + what + ": bucket " + bucket
                    + " does not exist (create it with `portalkit files create-container -s " + storage
                    + "`, or set create_bucket = true)", masked(e));
        }
        int status = status(e);
        if (status == 403 || status == 401) {
            return new FilesException(ErrorKind.CONFIG_INVALID, "storage " + storage + ": " + what + ": access denied by S3 ("
                    + describe(e) + "); check the credentials, the region and the bucket's policy", masked(e));
        }
        return FilesException.backend(storage, what + " failed: " + describe(e), masked(e));
    }

    /** A short description: the S3 error code and status, or the client's message, masked. */
    String describe(Throwable e) {
        if (e instanceof AwsServiceException s) {
            String code = code(s);
            return "S3 answered " + (code.isEmpty() ? "" : code + ", ") + "HTTP " + s.statusCode();
        }
        String message = e.getMessage();
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        if (root != e && root.getMessage() != null && (message == null || !message.contains(root.getMessage()))) {
            message = (message == null ? "" : message + ": ") + root.getMessage();
        }
        // The message goes to API clients too: never the exception's class name (the log has the whole chain).
        return mask(message == null ? "the request failed without a message" : message);
    }

    String mask(String text) {
        if (text == null) {
            return null;
        }
        String out = text;
        for (String secret : secrets) {
            if (!secret.isEmpty()) {
                out = out.replace(secret, "***");
            }
        }
        return out;
    }

    /** A copy of the cause chain with masked messages and the original stack traces. */
    Throwable masked(Throwable e) {
        if (e == null) {
            return null;
        }
        MaskedCause copy = new MaskedCause(e.getClass().getName() + ": " + mask(e.getMessage()),
                e.getCause() == e ? null : masked(e.getCause()));
        copy.setStackTrace(e.getStackTrace());
        return copy;
    }

    /** What the SDK threw, with secrets masked. */
    static final class MaskedCause extends RuntimeException {
        MaskedCause(String message, Throwable cause) {
            super(message, cause, false, true);
        }

        @Override
        public String toString() {
            return getMessage();
        }
    }
}
