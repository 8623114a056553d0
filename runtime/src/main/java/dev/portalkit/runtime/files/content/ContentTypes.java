package dev.portalkit.runtime.files.content;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.apache.tika.io.TikaInputStream;
import org.apache.tika.metadata.Metadata;
import org.apache.tika.metadata.TikaCoreProperties;
import org.apache.tika.mime.MediaType;
import org.apache.tika.mime.MediaTypeRegistry;
import org.apache.tika.mime.MimeType;
import org.apache.tika.mime.MimeTypeException;
import org.apache.tika.mime.MimeTypes;
import org.apache.tika.parser.ParseContext;

/**
 * Content types from content (Apache Tika's magic and file-name globs, tika-core only) and the
 * {@code supported_types} rule. Detection looks at the first {@value #SNIFF_BYTES} bytes only.
 *
 * <p>A declared type (what the client said) is kept only when the content agrees: it must be the
 * detected type or a specialisation of it ({@code text/csv} for detected {@code text/plain}), and
 * if Tika knows magic bytes for it, the content must carry them. So an HTML page declared
 * {@code image/png} is {@code text/html}, and random bytes declared {@code image/png} are
 * {@code application/octet-stream}.
 */
public final class ContentTypes {
    /** How much of the content detection reads. */
    public static final int SNIFF_BYTES = 8192;
    public static final String OCTET_STREAM = "application/octet-stream";

    private ContentTypes() {
    }

    private static final class Tika {
        static final MimeTypes TYPES = MimeTypes.getDefaultMimeTypes();
        static final MediaTypeRegistry REGISTRY = TYPES.getMediaTypeRegistry();
    }

    /**
     * Loads the type database (Tika's, ~1,500 types read from XML) and runs one detection, so that the
     * first upload does not: that took 0.6-0.9 s of a fresh JVM, on the request thread of the first
     * upload. A server calls it on a background thread once it answers ({@code UploadIntake.prepareInBackground}).
     */
    public static void prepare() {
        detect(new byte[] {'%', 'P', 'D', 'F', '-'}, 5, "prepare.pdf", "application/pdf");
    }

    /**
     * The effective type of content starting with {@code head}.
     *
     * @param head     the first bytes (up to {@link #SNIFF_BYTES}; all of them for a short file)
     * @param length   how many bytes of {@code head} are valid
     * @param filename the file name, or {@code null}
     * @param declared the type the client declared, or {@code null}
     */
    public static String detect(byte[] head, int length, String filename, String declared) {
        byte[] bytes = length == head.length ? head : Arrays.copyOf(head, length);
        Metadata metadata = new Metadata();
        if (filename != null && !filename.isBlank()) {
            metadata.set(TikaCoreProperties.RESOURCE_NAME_KEY, filename);
        }
        MediaType detected;
        try (TikaInputStream in = TikaInputStream.get(bytes)) {
            detected = Tika.TYPES.detect(in, metadata, new ParseContext());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        detected = Tika.REGISTRY.normalize(detected);
        MediaType claimed = parse(declared);
        if (claimed == null || claimed.equals(MediaType.OCTET_STREAM)) {
            return detected.toString();
        }
        claimed = Tika.REGISTRY.normalize(claimed);
        if (claimed.equals(detected)) {
            return claimed.toString();
        }
        if (Tika.REGISTRY.isSpecializationOf(claimed, detected) && carriesMagicOf(claimed, bytes)) {
            return claimed.toString();
        }
        return detected.toString();
    }

    private static boolean carriesMagicOf(MediaType type, byte[] head) {
        try {
            MimeType mime = Tika.TYPES.forName(type.toString());
            return !mime.hasMagic() || mime.matchesMagic(head);
        } catch (MimeTypeException e) {
            return true;
        }
    }

    private static MediaType parse(String type) {
        if (type == null || type.isBlank()) {
            return null;
        }
        MediaType parsed = MediaType.parse(type.trim().toLowerCase(Locale.ROOT));
        return parsed == null ? null : parsed.getBaseType();
    }

    /**
     * Whether {@code type} is one of {@code supported}: an entry with a slash is a full type
     * ({@code text/csv}) or a wildcard ({@code image/*}); one without is a main type ({@code image})
     * or a subtype ({@code pdf}, also matching {@code svg} for {@code image/svg+xml}). Empty = any.
     */
    public static boolean accepted(String type, List<String> supported) {
        if (supported.isEmpty()) {
            return true;
        }
        MediaType parsed = parse(type);
        if (parsed == null) {
            return false;
        }
        String main = parsed.getType();
        String sub = parsed.getSubtype();
        String subBase = sub.contains("+") ? sub.substring(0, sub.indexOf('+')) : sub;
        for (String entry : supported) {
            String s = entry.trim().toLowerCase(Locale.ROOT);
            if (s.contains("/")) {
                if (s.equals(main + "/" + sub) || s.equals(main + "/*")) {
                    return true;
                }
            } else if (s.equals(main) || s.equals(sub) || s.equals(subBase)) {
                return true;
            }
        }
        return false;
    }

    /** The type Tika's name patterns give a file name ({@value #OCTET_STREAM} when none matches); the content is not read. */
    public static String byName(String filename) {
        return Tika.REGISTRY.normalize(Tika.TYPES.getMimeType(filename).getType()).toString();
    }

    /** The usual extension (with the dot) of a type, or {@code ""} when Tika knows none. */
    public static String extensionFor(String type) {
        MediaType parsed = parse(type);
        if (parsed == null) {
            return "";
        }
        try {
            return Tika.TYPES.forName(parsed.toString()).getExtension();
        } catch (MimeTypeException e) {
            return "";
        }
    }
}
