package dev.portalkit.storage.redis;

import dev.portalkit.api.files.FileData;
import dev.portalkit.api.files.Location;
import dev.portalkit.api.files.ManagedStorage;
import dev.portalkit.api.files.Upload;
import dev.portalkit.runtime.files.FilesPlugin;
import dev.portalkit.runtime.testing.TestPortal;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * Runs inside a class loader that holds the host and the plugin jar side by side (as a WAR's
 * WEB-INF/lib does): boots a portal that finds the plugin by CDI bean discovery, not through a
 * plugins directory, and uses a storage of the plugin's adapter. Only JDK types cross the loader.
 */
public final class SharedLoaderProbe {
    private SharedLoaderProbe() {
    }

    /** Uploads and reads back a file; returns what was read and the loader of the storage's class. */
    public static String run(String type, String url, String unused) throws Exception {
        // This JVM's DriverManager was initialised by the test's own loader: register this loader's H2 too.
        Class.forName("org.h2.Driver", true, SharedLoaderProbe.class.getClassLoader());
        try (TestPortal portal = TestPortal.builder().plugins("storage-redis").runPendingTasks(false)
                .option("portal.files.storage.shared.type", type)
                .option("portal.files.storage.shared.url", url)
                .option("portal.files.default_storage", "shared")
                .start()) {
            ManagedStorage storage = FilesPlugin.of(portal.portal()).storages().get("shared");
            FileData data = storage.uploader().upload(new Location("war/hello.txt"),
                    Upload.of("hello from a shared loader".getBytes(StandardCharsets.UTF_8), "hello.txt", "text/plain"), false);
            String text;
            try (InputStream in = storage.reader().stream(data)) {
                text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
            storage.manager().remove(data);
            String plugin = FilesPlugin.of(portal.portal()).adapters().get(type).factory().getClass().getClassLoader() == SharedLoaderProbe.class.getClassLoader()
                    ? "same loader" : "other loader";
            return text + " | " + data.hash() + " | " + plugin;
        }
    }
}
