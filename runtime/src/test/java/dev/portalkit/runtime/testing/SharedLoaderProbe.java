package dev.portalkit.runtime.testing;

import dev.portalkit.api.files.FileData;
import dev.portalkit.api.files.Location;
import dev.portalkit.api.files.ManagedStorage;
import dev.portalkit.api.files.Upload;
import dev.portalkit.runtime.files.FilesPlugin;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * Runs inside a class loader that holds the host and a plugin jar side by side (as a WAR's
 * WEB-INF/lib does): boots a portal that finds the plugin by CDI bean discovery, not through a
 * plugins directory, and uses a storage of the plugin's adapter ({@link PluginJarContract}). Only
 * JDK types cross the loader.
 */
public final class SharedLoaderProbe {
    /** What the probe uploads. */
    public static final String TEXT = "hello from a shared loader";

    private SharedLoaderProbe() {
    }

    /**
     * Uploads {@link #TEXT} to a storage of {@code type} and reads it back; returns
     * {@code "<what was read> | <its hash> | same loader"} (or {@code other loader} when the adapter
     * came from another class loader than this class's).
     *
     * @param options the storage's options as {@code key=value} (keys relative to the storage)
     */
    public static String run(String plugin, String type, String[] options) throws Exception {
        // This JVM's DriverManager was initialised by the test's own loader: register this loader's H2 too.
        Class.forName("org.h2.Driver", true, SharedLoaderProbe.class.getClassLoader());
        TestPortal.Builder builder = TestPortal.builder().plugins(plugin).runPendingTasks(false)
                .option("portal.files.storage.shared.type", type).option("portal.files.default_storage", "shared");
        for (String option : options) {
            int eq = option.indexOf('=');
            builder.option("portal.files.storage.shared." + option.substring(0, eq), option.substring(eq + 1));
        }
        try (TestPortal portal = builder.start()) {
            ManagedStorage storage = FilesPlugin.of(portal.portal()).storages().get("shared");
            FileData data = storage.uploader().upload(new Location("war/hello.txt"),
                    Upload.of(TEXT.getBytes(StandardCharsets.UTF_8), "hello.txt", "text/plain"), false);
            String text;
            try (InputStream in = storage.reader().stream(data)) {
                text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
            storage.manager().remove(data);
            ClassLoader adapterLoader = FilesPlugin.of(portal.portal()).adapters().get(type).factory().getClass().getClassLoader();
            return text + " | " + data.hash() + " | " + (adapterLoader == SharedLoaderProbe.class.getClassLoader()
                    ? "same loader" : "other loader");
        }
    }
}
