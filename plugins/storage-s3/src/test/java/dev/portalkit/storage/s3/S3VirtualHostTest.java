package dev.portalkit.storage.s3;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portalkit.api.files.FileData;
import dev.portalkit.api.files.Location;
import dev.portalkit.api.files.ManagedStorage;
import dev.portalkit.api.files.Upload;
import dev.portalkit.runtime.files.FilesPlugin;
import dev.portalkit.runtime.testing.TestPortal;
import dev.portalkit.testservers.S3ProxyServer;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * {@code addressing_style = virtual} against S3Proxy with virtual hosts: the bucket travels in the host
 * name ({@code vhost-bucket.localhost}), which this JVM resolves to the loopback through
 * {@code -Djdk.net.hosts.file} (src/test/resources/virtual-hosts). That property is set only by the
 * pom's {@code virtual-host} surefire execution, which runs this class alone; run it with
 * {@code mvn test -pl plugins/storage-s3 -Dtest=none -Dsurefire.failIfNoSpecifiedTests=false} and that
 * execution, not with {@code -Dtest=S3VirtualHostTest} (which runs it without the host names).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class S3VirtualHostTest {
    private static final String BUCKET = "vhost-bucket";
    private S3ProxyServer s3;
    private TestPortal portal;

    @BeforeAll
    void start() {
        s3 = S3ProxyServer.startVirtualHosts("localhost");
        portal = TestPortal.builder().plugins("storage-s3").runPendingTasks(false).start();
    }

    @AfterAll
    void stop() {
        if (portal != null) {
            portal.close();
        }
        if (s3 != null) {
            s3.close();
        }
    }

    @Test
    void theBucketTravelsInTheHostName() throws Exception {
        assertThat(InetAddress.getByName(BUCKET + ".localhost").isLoopbackAddress())
                .as("run by the virtual-host execution, with -Djdk.net.hosts.file").isTrue();
        Map<String, String> options = s3.storageOptions("files:s3");
        options.put("host", "http://localhost:" + s3.endpoint().getPort());
        options.put("bucket", BUCKET);
        options.put("create_bucket", "true");
        options.put("addressing_style", "virtual");
        ManagedStorage storage = FilesPlugin.of(portal.portal()).openStorage("vhost", options);
        try {
            byte[] content = "by virtual host".getBytes(StandardCharsets.UTF_8);
            FileData data = storage.uploader().upload(new Location("a/b.txt"), Upload.of(content, "b.txt", "text/plain"), false);
            try (InputStream in = storage.reader().stream(data)) {
                assertThat(in.readAllBytes()).isEqualTo(content);
            }
            URI link = storage.reader().temporalLink(data, Duration.ofMinutes(1), "b.txt");
            assertThat(link.getHost()).isEqualTo(BUCKET + ".localhost");
            assertThat(link.getRawPath()).isEqualTo("/a/b.txt");
            HttpResponse<byte[]> fetched = HttpClient.newHttpClient().send(HttpRequest.newBuilder(link).build(),
                    HttpResponse.BodyHandlers.ofByteArray());
            assertThat(fetched.statusCode()).isEqualTo(200);
            assertThat(fetched.body()).isEqualTo(content);
            // Behind the adapter's back, path style on the bare domain (S3Proxy reads any other host name as
            // bucket.domain): the object is in the bucket the host name named.
            try (S3Client client = S3Client.builder().endpointOverride(URI.create("http://localhost:" + s3.endpoint().getPort()))
                    .region(Region.US_EAST_1).forcePathStyle(true)
                    .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(S3ProxyServer.ACCESS_KEY,
                            S3ProxyServer.SECRET_KEY)))
                    .httpClient(ApacheHttpClient.builder().build()).build()) {
                assertThat(client.getObjectAsBytes(g -> g.bucket(BUCKET).key("a/b.txt")).asByteArray()).isEqualTo(content);
            }
        } finally {
            storage.close();
        }
    }
}
