package dev.portalkit.testservers;

import jakarta.servlet.DispatcherType;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Field;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.Map;
import org.gaul.s3proxy.S3Proxy;
import org.gaul.s3proxy.auth.AuthenticationType;
import org.gaul.s3proxy.blobstore.BlobStore;
import org.gaul.s3proxy.nio2blob.FilesystemNio2BlobStore;
import org.gaul.s3proxy.nio2blob.TransientNio2BlobStore;
import org.gaul.shaded.org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.gaul.shaded.org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.gaul.shaded.org.eclipse.jetty.server.Handler;
import org.gaul.shaded.org.eclipse.jetty.server.Server;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * S3Proxy in the test JVM: the real S3 REST API with SigV4 signatures (chunked and presigned
 * included), over a filesystem blob store in a temporary folder, on a free loopback port. It can
 * be stopped and started again on the same port with the same content (fault tests).
 *
 * <p>S3Proxy answers NotImplemented to the bucket sub-resources {@code ?policy} and {@code ?cors};
 * {@link BucketSubresources} stands in for those two, in front of S3Proxy's handler, so adapters'
 * bucket policies and CORS rules can be set and read back with the SDK.
 */
public final class S3ProxyServer implements AutoCloseable {
    public static final String ACCESS_KEY = "test-access-key";
    public static final String SECRET_KEY = "test-secret-key-do-not-print";

    private final Path root;
    private final BlobStore store;
    private final BucketSubresources subresources;
    private final int port;
    private final TestCertificates certificates;
    private final int securePort;
    private String virtualHost;
    private S3Proxy proxy;

    private S3ProxyServer(Path root, BlobStore store, int port, TestCertificates certificates) {
        this.root = root;
        this.store = store;
        this.subresources = new BucketSubresources(store, ACCESS_KEY);
        this.port = port;
        this.certificates = certificates;
        this.securePort = certificates == null ? -1 : LoopbackPorts.free();
    }

    /** Starts a server over a new folder under {@code dir}. */
    public static S3ProxyServer start(Path dir) {
        try {
            Path root = Files.createDirectories(dir.resolve("s3proxy-" + System.nanoTime()));
            S3ProxyServer server = new S3ProxyServer(root, new FilesystemNio2BlobStore(root.toString()), LoopbackPorts.free(), null);
            server.start();
            return server;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Starts a server over S3Proxy's in-memory store (which, unlike the filesystem one, keeps versions). */
    public static S3ProxyServer startTransient() {
        S3ProxyServer server = new S3ProxyServer(null, new TransientNio2BlobStore(), LoopbackPorts.free(), null);
        server.start();
        return server;
    }

    /**
     * Starts a server over S3Proxy's in-memory store that also answers HTTPS ({@link #secureEndpoint()}) with the
     * server certificate of {@code certificates}, which only their CA vouches for.
     */
    public static S3ProxyServer startHttps(TestCertificates certificates) {
        S3ProxyServer server = new S3ProxyServer(null, new TransientNio2BlobStore(), LoopbackPorts.free(), certificates);
        server.start();
        return server;
    }

    /**
     * Starts a server over S3Proxy's in-memory store that also takes the bucket from the host name
     * ({@code bucket.<domain>}, virtual-host addressing); the test makes those names resolve to the loopback.
     */
    public static S3ProxyServer startVirtualHosts(String domain) {
        S3ProxyServer server = new S3ProxyServer(null, new TransientNio2BlobStore(), LoopbackPorts.free(), null);
        server.virtualHost = domain;
        server.start();
        return server;
    }

    /** Starts (again) on the same port, with the same content. */
    public synchronized void start() {
        if (proxy != null) {
            return;
        }
        S3Proxy.Builder builder = S3Proxy.builder()
                .blobStore(store)
                .endpoint(URI.create("http://127.0.0.1:" + port))
                .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, ACCESS_KEY, SECRET_KEY)
                .stopTimeout(0);
        if (virtualHost != null) {
            builder.virtualHost(virtualHost);
        }
        if (certificates != null) {
            builder.secureEndpoint(secureEndpoint()).keyStore(certificates.serverP12().toString(), TestCertificates.PASSWORD);
        }
        S3Proxy created = builder.build();
        addFilter(created, subresources);
        try {
            created.start();
            long deadline = System.nanoTime() + 10_000_000_000L;
            while (!"STARTED".equals(created.getState()) && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
        } catch (Exception e) {
            throw new IllegalStateException("S3Proxy did not start", e);
        }
        proxy = created;
    }

    /** Stops the server; connections in flight are cut. */
    public synchronized void stop() {
        if (proxy == null) {
            return;
        }
        try {
            proxy.stop();
        } catch (Exception e) {
            throw new IllegalStateException("S3Proxy did not stop", e);
        }
        proxy = null;
    }

    public URI endpoint() {
        return URI.create("http://127.0.0.1:" + port);
    }

    /** The HTTPS endpoint of a server made by {@link #startHttps}. */
    public URI secureEndpoint() {
        if (certificates == null) {
            throw new IllegalStateException("this S3Proxy has no HTTPS endpoint (start it with startHttps)");
        }
        return URI.create("https://127.0.0.1:" + securePort);
    }

    public Path root() {
        return root;
    }

    /** The bucket policies and CORS rules set so far (as stored: the request bodies). */
    public BucketSubresources subresources() {
        return subresources;
    }

    /** Options of a storage of {@code type} on this server (keys relative to the storage). */
    public Map<String, String> storageOptions(String type) {
        Map<String, String> options = new LinkedHashMap<>();
        options.put("type", type);
        options.put("host", endpoint().toString());
        options.put("region", "us-east-1");
        options.put("access_key", ACCESS_KEY);
        options.put("secret_key", SECRET_KEY);
        return options;
    }

    /** An SDK client of this server, for checks behind the adapter's back. */
    public S3Client client() {
        return S3Client.builder()
                .endpointOverride(endpoint())
                .region(Region.US_EAST_1)
                .forcePathStyle(true)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(ACCESS_KEY, SECRET_KEY)))
                .httpClient(software.amazon.awssdk.http.apache.ApacheHttpClient.builder().build())
                .build();
    }

    @Override
    public void close() {
        stop();
    }

    private static void addFilter(S3Proxy proxy, BucketSubresources filter) {
        try {
            Field field = S3Proxy.class.getDeclaredField("server");
            field.setAccessible(true);
            Server server = (Server) field.get(proxy);
            Handler handler = server.getHandler();
            while (!(handler instanceof ServletContextHandler) && handler instanceof Handler.Wrapper wrapper) {
                handler = wrapper.getHandler();
            }
            ((ServletContextHandler) handler).addFilter(new FilterHolder(filter), "/*", EnumSet.of(DispatcherType.REQUEST));
        } catch (ReflectiveOperationException | ClassCastException e) {
            throw new IllegalStateException("cannot put the bucket policy / CORS stand-in in front of S3Proxy", e);
        }
    }
}
