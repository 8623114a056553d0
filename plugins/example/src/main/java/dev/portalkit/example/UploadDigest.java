package dev.portalkit.example;

import dev.portalkit.api.ErrorKind;
import dev.portalkit.api.PortalException;
import dev.portalkit.api.ValidationException;
import dev.portalkit.api.files.Upload;
import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The {@code example_upload_digest} action: reads an uploaded file part as a stream (never whole
 * in memory) and reports its size and SHA-256. Shows plugin authors how uploads reach actions.
 */
final class UploadDigest {
    private UploadDigest() {
    }

    static Map<String, Object> of(Object value) {
        if (!(value instanceof Upload upload)) {
            throw ValidationException.of("upload", value == null ? "Missing value" : "Must be an uploaded file");
        }
        MessageDigest sha256;
        try {
            sha256 = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new PortalException(ErrorKind.INTERNAL, "SHA-256 is not available");
        }
        long size = 0;
        byte[] buffer = new byte[64 * 1024];
        try (InputStream in = upload.open()) {
            for (int n; (n = in.read(buffer)) > 0; ) {
                sha256.update(buffer, 0, n);
                size += n;
            }
        } catch (IOException e) {
            throw new PortalException(ErrorKind.TRANSIENT, "cannot read the upload: " + e.getMessage(), e);
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("filename", upload.filename());
        out.put("content_type", upload.contentType());
        out.put("size", size);
        out.put("sha256", HexFormat.of().formatHex(sha256.digest()));
        return out;
    }
}
