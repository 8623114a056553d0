package dev.portalkit.runtime.files.content;

import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * What a file's display name may be, and how a name a client did not choose (the file name of an
 * upload part, a location's last segment) is made one. The one place for these rules: the File
 * API's {@code files_file_name} validator refuses what {@link #problem} names, uploads' client file
 * names go through {@link #clean}, and downloads' {@code Content-Disposition} is built from a
 * cleaned name.
 *
 * <p>Refused in names, stripped from client names: control characters (NUL included), text
 * direction controls (U+202A–U+202E, U+2066–U+2069, U+200E, U+200F, U+061C: {@code a\u202etxt.exe}
 * shows as {@code aexe.txt}), and every other invisible format character (Unicode category Cf:
 * U+200B, U+2060, U+FEFF, U+00AD, ...), line and paragraph separators and lone surrogates. Kept:
 * the zero-width non-joiner and joiner (U+200C, U+200D), which Persian, Indic scripts and emoji need.
 */
public final class FileNames {
    /** The longest name, in UTF-8 bytes (a file name on most file systems). */
    public static final int MAX_BYTES = 255;
    /** The prefix the {@code uuid_prefix} location transformer puts in front of a name. */
    private static final Pattern UUID_PREFIX = Pattern.compile("^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}(?=.)");
    /** Percent-encoded separators and dots: a name that becomes a path once some layer decodes it. */
    private static final Pattern ENCODED_PATH = Pattern.compile("%2f|%5c|%2e%2e", Pattern.CASE_INSENSITIVE);

    private FileNames() {
    }

    /** Whether {@code codePoint} is invisible or changes the direction of the text around it (kept: ZWNJ, ZWJ). */
    public static boolean invisible(int codePoint) {
        if (codePoint == 0x200C || codePoint == 0x200D) {
            return false;
        }
        int type = Character.getType(codePoint);
        return type == Character.FORMAT || type == Character.LINE_SEPARATOR || type == Character.PARAGRAPH_SEPARATOR
                || type == Character.SURROGATE;
    }

    /**
     * Why {@code name} is not a file name, or {@code null} when it is one: a plain name of at most
     * {@value #MAX_BYTES} bytes, not blank, without folder separators, {@code .} / {@code ..} (or only
     * dots), encoded separators, control, invisible or direction characters.
     */
    public static String problem(String name) {
        if (name == null || name.isBlank()) {
            return "Missing value";
        }
        for (int i = 0; i < name.length(); ) {
            int c = name.codePointAt(i);
            if (c == 0) {
                return "Must not contain NUL bytes";
            }
            if (Character.isISOControl(c)) {
                return "Must not contain control characters";
            }
            if (invisible(c)) {
                return String.format(Locale.ROOT, "Must not contain invisible or text direction characters (U+%04X)", c);
            }
            if (c == '/' || c == '\\') {
                return "Must be a file name, without / or \\";
            }
            i += Character.charCount(c);
        }
        if (name.strip().chars().allMatch(c -> c == '.')) {
            return "Must be a file name, not . or ..";
        }
        if (ENCODED_PATH.matcher(name).find()) {
            return "Must be a file name, without encoded / \\ or .. (%2F, %5C, %2E%2E)";
        }
        if (name.getBytes(StandardCharsets.UTF_8).length > MAX_BYTES) {
            return "Must be at most " + MAX_BYTES + " bytes long (UTF-8)";
        }
        return null;
    }

    /**
     * A client's file name made a name: its last path segment ({@code C:\fakepath\cv.pdf} gives
     * {@code cv.pdf}), without control, invisible and direction characters, stripped; {@code ""}
     * when nothing usable is left (blank, {@code .}, {@code ..}).
     */
    public static String clean(String clientName) {
        if (clientName == null) {
            return "";
        }
        int cut = Math.max(clientName.lastIndexOf('/'), clientName.lastIndexOf('\\'));
        StringBuilder out = new StringBuilder();
        clientName.substring(cut + 1).codePoints().filter(c -> !Character.isISOControl(c) && !invisible(c))
                .forEach(out::appendCodePoint);
        String name = out.toString().strip();
        return name.chars().allMatch(c -> c == '.') ? "" : name;
    }

    /**
     * The name of the file stored at {@code location}: its last segment, without the random prefix
     * of the {@code uuid_prefix} transformer ({@code 0b7c...-4f1e...rivers.csv} gives {@code rivers.csv}).
     */
    public static String fromLocation(String location) {
        return UUID_PREFIX.matcher(LocationRules.fileName(location)).replaceFirst("");
    }

    /** Whether a location has a segment starting with a dot ({@code .htaccess}, {@code .git/config}). */
    public static boolean hidden(String location) {
        for (String segment : location.split("/", -1)) {
            if (segment.startsWith(".")) {
                return true;
            }
        }
        return false;
    }
}
