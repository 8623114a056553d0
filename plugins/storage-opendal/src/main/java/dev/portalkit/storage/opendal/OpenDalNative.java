package dev.portalkit.storage.opendal;

import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import org.apache.opendal.OpenDAL;

/**
 * OpenDAL's native library, as far as this adapter needs it: the services it carries. Loading it
 * can fail (no library for this platform in the plugin jar); that failure is reported as a
 * {@link Missing} with the platform, never as a linkage error.
 */
interface OpenDalNative {
    /** The binding's version (the pom's opendal.version). */
    String VERSION = "0.48.2";
    /** The platforms Maven Central has a native library for (0.48.2); the plugin jar carries {@link #BUNDLED}. */
    List<String> PUBLISHED = List.of("linux-x86_64", "linux-aarch_64", "osx-x86_64", "osx-aarch_64", "windows-x86_64");
    /** The platform whose library the plugin jar carries (the pom's opendal.classifier). */
    String BUNDLED = "linux-x86_64";

    /** The services the library was built with ({@code fs}, {@code s3}, {@code webdav}, ...), sorted. */
    Set<String> services();

    /** The native library of the binding on the class path (the plugin jar), loaded once. */
    OpenDalNative BUNDLED_LIBRARY = new OpenDalNative() {
        @Override
        public Set<String> services() {
            try {
                Collection<String> all = OpenDAL.enabledServices();
                return new TreeSet<>(all);
            } catch (LinkageError | RuntimeException e) {
                // ExceptionInInitializerError (first use), NoClassDefFoundError (later uses), UnsatisfiedLinkError,
                // UncheckedIOException("Unable to load the OpenDAL shared library").
                throw new Missing(platform(), e);
            }
        }
    };

    /** This JVM's platform in OpenDAL's classifier words ({@code linux-x86_64}). */
    static String platform() {
        String os = System.getProperty("os.name", "?").toLowerCase(Locale.ROOT);
        String arch = System.getProperty("os.arch", "?").toLowerCase(Locale.ROOT);
        String o = os.startsWith("linux") ? "linux" : os.startsWith("mac") ? "osx" : os.startsWith("windows") ? "windows" : os;
        String a = switch (arch) {
            case "amd64", "x86_64" -> "x86_64";
            case "aarch64", "arm64" -> "aarch_64";
            default -> arch;
        };
        return o + "-" + a;
    }

    /** The native library cannot be loaded here. */
    final class Missing extends RuntimeException {
        private final String platform;

        Missing(String platform, Throwable cause) {
            super("the OpenDAL native library cannot be loaded on " + platform + " (" + describe(cause) + ")", cause);
            this.platform = platform;
        }

        String platform() {
            return platform;
        }

        private static String describe(Throwable e) {
            StringBuilder why = new StringBuilder();
            for (Throwable t = e; t != null && why.length() < 400; t = t.getCause()) {
                if (t.getMessage() != null && !t.getMessage().isBlank()) {
                    why.append(why.isEmpty() ? "" : ": ").append(t.getMessage());
                }
            }
            return why.isEmpty() ? e.getClass().getSimpleName() : why.toString();
        }
    }
}
