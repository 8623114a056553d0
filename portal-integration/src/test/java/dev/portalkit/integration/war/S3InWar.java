package dev.portalkit.integration.war;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portalkit.api.plugin.PortalPlugin;
import dev.portalkit.runtime.files.FilesPlugin;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.gaul.s3proxy.S3Proxy;
import org.gaul.s3proxy.auth.AuthenticationType;
import org.gaul.s3proxy.nio2blob.FilesystemNio2BlobStore;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The S3 part of WildFlyIT: S3Proxy in the test JVM, and the WAR to deploy with the S3 plugin's
 * drop-in jar ({@code target/it-plugins}, built by plugins/storage-s3) in {@code WEB-INF/lib}, so
 * the plugin shares the WAR's class loader with everything else there, plus a storage
 * {@code s3} of type {@code files:s3} configured by system properties, its credentials and region
 * from the environment (the SDK's default chain).
 *
 * <p>TODO(File API): no action of this branch moves bytes over HTTP yet, so the WAR also gets a
 * probe plugin, compiled here and added only to this WAR, whose actions upload to and read from a
 * storage through the files plugin. Once files_file_create / files_file_show are merged, drive the
 * round trip with them instead and drop the probe.
 */
final class S3InWar implements AutoCloseable {
    static final String ACCESS_KEY = "wildfly-it-access";
    static final String SECRET_KEY = "wildfly-it-secret-key";
    static final String BUCKET = "wildfly-it";

    private final S3Proxy proxy;
    private final URI endpoint;

    private S3InWar(S3Proxy proxy, URI endpoint) {
        this.proxy = proxy;
        this.endpoint = endpoint;
    }

    static S3InWar start(Path dir) throws Exception {
        Path root = Files.createDirectories(dir.resolve("s3proxy"));
        int port;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = socket.getLocalPort();
        }
        URI endpoint = URI.create("http://127.0.0.1:" + port);
        S3Proxy proxy = S3Proxy.builder().blobStore(new FilesystemNio2BlobStore(root.toString())).endpoint(endpoint)
                .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, ACCESS_KEY, SECRET_KEY).stopTimeout(0).build();
        proxy.start();
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (!"STARTED".equals(proxy.getState()) && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        return new S3InWar(proxy, endpoint);
    }

    /** System properties of the portal: the plugins and the storages (the implicit default one, kept, and s3). */
    Map<String, String> portalProperties(Path dataDir) {
        Map<String, String> out = new LinkedHashMap<>();
        out.put("portal.files.storage.default.type", "files:fs");
        out.put("portal.files.storage.default.path", dataDir.resolve("storage").toString());
        out.put("portal.files.storage.default.create_path", "true");
        out.put("portal.files.storage.s3.type", "files:s3");
        out.put("portal.files.storage.s3.host", endpoint.toString());
        out.put("portal.files.storage.s3.bucket", BUCKET);
        out.put("portal.files.storage.s3.create_bucket", "true");
        return out;
    }

    /** The server's environment: the SDK's default chain finds the credentials and the region there. */
    Map<String, String> environment() {
        return Map.of("AWS_ACCESS_KEY_ID", ACCESS_KEY, "AWS_SECRET_ACCESS_KEY", SECRET_KEY, "AWS_REGION", "us-east-1");
    }

    /** A copy of {@code war} with the S3 plugin jar and the probe plugin in {@code WEB-INF/lib}. */
    static Path warWithS3Plugin(Path war, Path dir) throws Exception {
        Path pluginJar = Path.of(System.getProperty("s3.plugin.jar", "target/it-plugins/portalkit-plugin-storage-s3-plugin.jar"));
        assertThat(pluginJar).as("the S3 plugin jar, copied by the build from plugins/storage-s3").exists();
        Path copy = Files.createDirectories(dir.resolve("war")).resolve(war.getFileName());
        Files.copy(war, copy, StandardCopyOption.REPLACE_EXISTING);
        Path probe = probeJar(dir);
        try (FileSystem zip = FileSystems.newFileSystem(copy)) {
            Files.copy(pluginJar, zip.getPath("/WEB-INF/lib/portalkit-plugin-storage-s3-plugin.jar"));
            Files.copy(probe, zip.getPath("/WEB-INF/lib/it-s3-probe.jar"));
        }
        return copy;
    }

    S3Client client() {
        return S3Client.builder().endpointOverride(endpoint).region(Region.US_EAST_1).forcePathStyle(true)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(ACCESS_KEY, SECRET_KEY))).build();
    }

    @Override
    public void close() throws Exception {
        proxy.stop();
    }

    private static final String PROBE = """
            package itprobe;

            import dev.portalkit.api.action.Action;
            import dev.portalkit.api.action.IActions;
            import dev.portalkit.api.auth.AuthFunction;
            import dev.portalkit.api.auth.AuthResult;
            import dev.portalkit.api.auth.IAuthFunctions;
            import dev.portalkit.api.files.Delivery;
            import dev.portalkit.api.files.FileData;
            import dev.portalkit.api.files.Location;
            import dev.portalkit.api.files.ManagedStorage;
            import dev.portalkit.api.files.Upload;
            import dev.portalkit.api.plugin.PortalPlugin;
            import dev.portalkit.runtime.files.FilesPlugin;
            import jakarta.enterprise.context.ApplicationScoped;
            import jakarta.enterprise.inject.Instance;
            import jakarta.inject.Inject;
            import java.io.IOException;
            import java.io.InputStream;
            import java.io.UncheckedIOException;
            import java.nio.charset.StandardCharsets;
            import java.time.Duration;
            import java.util.LinkedHashMap;
            import java.util.Map;
            import java.util.TreeMap;

            /** WildFlyIT only: storage round trips over HTTP until the File API is merged (see S3InWar). */
            @ApplicationScoped
            public class S3ProbePlugin implements PortalPlugin, IActions, IAuthFunctions {
                @Inject
                Instance<FilesPlugin> files;

                public String name() {
                    return "it-s3-probe";
                }

                public Map<String, Action> actions() {
                    Map<String, Action> actions = new LinkedHashMap<>();
                    actions.put("it_storage_list", (ctx, data) -> {
                        Map<String, Object> adapters = new TreeMap<>();
                        files.get().adapters().forEach((type, adapter) -> adapters.put(type, adapter.plugin()));
                        Map<String, Object> storages = new TreeMap<>();
                        files.get().storages().all().forEach((name, storage) -> storages.put(name, storage.settings().type()));
                        return Map.of("adapters", adapters, "storages", storages);
                    });
                    actions.put("it_storage_put", (ctx, data) -> {
                        ManagedStorage storage = files.get().storages().get((String) data.get("storage"));
                        String name = (String) data.get("location");
                        FileData stored = storage.uploader().upload(storage.prepareLocation(name, null),
                                Upload.of(((String) data.get("content")).getBytes(StandardCharsets.UTF_8), name, null), false);
                        return Map.of("size", stored.size(), "hash", stored.hash(), "content_type", stored.contentType(),
                                "storage_data", stored.storageData());
                    });
                    actions.put("it_storage_get", (ctx, data) -> {
                        ManagedStorage storage = files.get().storages().get((String) data.get("storage"));
                        FileData file = FileData.of(new Location((String) data.get("location")));
                        try (InputStream in = storage.reader().stream(file)) {
                            Delivery delivery = storage.reader().delivery(file, "download.txt", Duration.ofMinutes(5));
                            return Map.of("content", new String(in.readAllBytes(), StandardCharsets.UTF_8),
                                    "redirect", delivery instanceof Delivery.Redirect r ? r.location().toString() : "");
                        } catch (IOException e) {
                            throw new UncheckedIOException(e);
                        }
                    });
                    return actions;
                }

                public Map<String, AuthFunction> authFunctions() {
                    return Map.of("it_storage_list", (ctx, data) -> AuthResult.allow(),
                            "it_storage_put", (ctx, data) -> AuthResult.allow(),
                            "it_storage_get", (ctx, data) -> AuthResult.allow());
                }
            }
            """;

    /** Compiles the probe plugin against the api, the runtime and the CDI API, into a jar with a beans.xml. */
    private static Path probeJar(Path dir) throws IOException, URISyntaxException {
        Path src = Files.createDirectories(dir.resolve("probe-src/itprobe"));
        Path classes = Files.createDirectories(dir.resolve("probe-classes"));
        Path source = src.resolve("S3ProbePlugin.java");
        Files.writeString(source, PROBE);
        String classpath = String.join(java.io.File.pathSeparator, location(PortalPlugin.class), location(FilesPlugin.class),
                location(ApplicationScoped.class), location(Inject.class));
        JavaCompiler compiler = ToolProvider.getSystemJavaCompiler();
        int rc = compiler.run(null, null, null, "-d", classes.toString(), "-cp", classpath, "--release", "17", source.toString());
        assertThat(rc).as("compiling the probe plugin").isZero();
        Path jar = dir.resolve("it-s3-probe.jar");
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar)); Stream<Path> files = Files.walk(classes)) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                out.putNextEntry(new JarEntry(classes.relativize(file).toString().replace('\\', '/')));
                Files.copy(file, out);
                out.closeEntry();
            }
            out.putNextEntry(new JarEntry("META-INF/beans.xml"));
            out.write("<beans bean-discovery-mode=\"annotated\"/>\n".getBytes(StandardCharsets.UTF_8));
            out.closeEntry();
        }
        return jar;
    }

    private static String location(Class<?> type) throws URISyntaxException {
        return Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
    }
}
