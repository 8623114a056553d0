package dev.portalkit.runtime.files.content;

import dev.portalkit.api.files.FilesException;
import java.nio.charset.StandardCharsets;

/**
 * What every location must be, whatever the storage: a relative path of non-empty segments
 * separated by {@code /}, without {@code .} or {@code ..} segments, backslashes, NUL or other
 * control characters; at most {@value #MAX_BYTES} bytes, {@value #MAX_SEGMENT_BYTES} a segment
 * (UTF-8). Checked by {@code prepareLocation} on the transformed result and by the managed
 * storage on every location it is given; adapters check their own backend rules on top.
 */
public final class LocationRules {
    public static final int MAX_BYTES = 1024;
    public static final int MAX_SEGMENT_BYTES = 255;

    private LocationRules() {
    }

    /** @throws FilesException BAD_REQUEST naming what is wrong */
    public static String check(String location) {
        if (location == null || location.isEmpty()) {
            throw FilesException.badLocation("", "it is empty");
        }
        for (int i = 0; i < location.length(); i++) {
            char c = location.charAt(i);
            if (c == 0) {
                throw FilesException.badLocation(location, "it contains a NUL byte");
            }
            if (Character.isISOControl(c)) {
                throw FilesException.badLocation(location, "it contains a control character");
            }
            if (c == '\\') {
                throw FilesException.badLocation(location, "it contains a backslash");
            }
        }
        if (location.startsWith("/") || driveLetter(location)) {
            throw FilesException.badLocation(location, "it is an absolute path");
        }
        if (location.getBytes(StandardCharsets.UTF_8).length > MAX_BYTES) {
            throw FilesException.badLocation(location, "it is longer than " + MAX_BYTES + " bytes");
        }
        for (String segment : location.split("/", -1)) {
            if (segment.isEmpty()) {
                throw FilesException.badLocation(location, "it has an empty path segment");
            }
            if (segment.equals("..") || segment.equals(".")) {
                throw FilesException.badLocation(location, "it contains a '" + segment + "' segment");
            }
            if (segment.getBytes(StandardCharsets.UTF_8).length > MAX_SEGMENT_BYTES) {
                throw FilesException.badLocation(location, "a path segment is longer than " + MAX_SEGMENT_BYTES + " bytes");
            }
        }
        return location;
    }

    /**
     * Whether {@code location} starts with a Windows drive ({@code C:} alone or {@code C:/...}):
     * checked by hand, as a regular expression compiled on every call was a tenth of a public
     * download's time.
     */
    private static boolean driveLetter(String location) {
        if (location.length() < 2 || location.charAt(1) != ':') {
            return false;
        }
        char c = location.charAt(0);
        return ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z')) && (location.length() == 2 || location.charAt(2) == '/');
    }

    /** The last segment: the file name part of a location. */
    public static String fileName(String location) {
        int slash = location.lastIndexOf('/');
        return slash < 0 ? location : location.substring(slash + 1);
    }
}
