package dev.portalkit.storage.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.portalkit.api.ErrorKind;
import dev.portalkit.api.PortalException;
import dev.portalkit.api.files.FileData;
import dev.portalkit.api.files.FilesException;
import dev.portalkit.api.files.Location;
import dev.portalkit.api.files.ManagedStorage;
import dev.portalkit.api.files.Upload;
import dev.portalkit.storage.s3.testing.S3Fixture;
import dev.portalkit.testservers.S3ProxyServer;
import java.io.InputStream;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * files:s3 and files:s3-dynamic with the AWS config and credentials files (written by the test and
 * named by the SDK's aws.configFile / aws.sharedCredentialsFile system properties): {@code profile}
 * takes the keys and the region from them, {@code region} overrides, and s3-dynamic's bucket secret
 * falls back to the profile's, as in Indico.
 */
class S3ProfileTest extends S3Fixture {
    private static final String PROFILE_SECRET = "secret-of-the-profile";
    private String previousConfig;
    private String previousCredentials;

    @BeforeAll
    void writeProfiles() throws Exception {
        Path config = Files.writeString(tmp.resolve("aws-config"), """
                [profile portal]
                region = eu-west-3

                [profile wrong]
                region = eu-west-3
                """);
        Path credentials = Files.writeString(tmp.resolve("aws-credentials"), """
                [portal]
                aws_access_key_id = %s
                aws_secret_access_key = %s
                indico_bucket_secret = %s

                [wrong]
                aws_access_key_id = %s
                aws_secret_access_key = not-the-key
                """.formatted(S3ProxyServer.ACCESS_KEY, S3ProxyServer.SECRET_KEY, PROFILE_SECRET, S3ProxyServer.ACCESS_KEY));
        previousConfig = System.setProperty("aws.configFile", config.toString());
        previousCredentials = System.setProperty("aws.sharedCredentialsFile", credentials.toString());
    }

    @AfterAll
    void restoreProfiles() {
        restore("aws.configFile", previousConfig);
        restore("aws.sharedCredentialsFile", previousCredentials);
    }

    private static void restore(String key, String value) {
        if (value == null) {
            System.clearProperty(key);
        } else {
            System.setProperty(key, value);
        }
    }

    /** Options of a storage on the server without keys or region: the profile's are to be used. */
    private Map<String, String> profileOptions(String type, String profile) {
        Map<String, String> options = s3.storageOptions(type);
        options.remove("access_key");
        options.remove("secret_key");
        options.remove("region");
        options.put("profile", profile);
        return options;
    }

    private static String credentialScope(URI link) {
        String query = URLDecoder.decode(link.getRawQuery(), StandardCharsets.UTF_8);
        int at = query.indexOf("X-Amz-Credential=");
        return query.substring(at, query.indexOf('&', at));
    }

    @Test
    void aProfileGivesTheKeysAndTheRegion() throws Exception {
        Map<String, String> options = profileOptions("files:s3", "portal");
        options.put("bucket", fresh("profile"));
        options.put("create_bucket", "true");
        ManagedStorage storage = open(options);
        FileData data = storage.uploader().upload(new Location("a.txt"), Upload.of("from a profile".getBytes(StandardCharsets.UTF_8),
                "a.txt", "text/plain"), false);
        try (InputStream in = storage.reader().stream(data)) {
            assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("from a profile");
        }
        URI link = storage.reader().temporalLink(data, Duration.ofMinutes(1), "a.txt");
        assertThat(credentialScope(link)).startsWith("X-Amz-Credential=" + S3ProxyServer.ACCESS_KEY + "/")
                .endsWith("/eu-west-3/s3/aws4_request");
    }

    @Test
    void regionOverridesTheProfilesRegion() throws Exception {
        Map<String, String> options = profileOptions("files:s3", "portal");
        options.put("bucket", fresh("region"));
        options.put("create_bucket", "true");
        options.put("region", "ap-south-1");
        ManagedStorage storage = open(options);
        FileData data = storage.uploader().upload(new Location("a.txt"), Upload.of(new byte[] {1}, "a.txt", null), false);
        assertThat(credentialScope(storage.reader().temporalLink(data, Duration.ofMinutes(1), "a.txt")))
                .endsWith("/ap-south-1/s3/aws4_request");
    }

    @Test
    void aProfileWithAWrongSecretIsRefusedByTheServer() {
        Map<String, String> options = profileOptions("files:s3", "wrong");
        options.put("bucket", fresh("wrong"));
        ManagedStorage storage = open(options);
        assertThatThrownBy(() -> storage.uploader().upload(new Location("a.txt"), Upload.of(new byte[] {1}, "a.txt", null), false))
                .isInstanceOfSatisfying(FilesException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.CONFIG_INVALID))
                .hasMessageContaining("access denied");
    }

    @Test
    void s3DynamicTakesTheBucketSecretFromTheProfileAsIndicoDoes() {
        String base = fresh("dynprofile");
        Map<String, String> options = profileOptions("files:s3-dynamic", "portal");
        options.put("bucket_template", base + "-<year>");
        options.put("create_bucket", "true");
        ManagedStorage storage = open(options);
        storage.uploader().upload(new Location("a.txt"), Upload.of(new byte[] {1}, "a.txt", null), false);
        String expected = BucketTemplate.parse(base + "-<year>", PROFILE_SECRET).template().bucketAt(Instant.now());
        try (S3Client client = s3.client()) {
            assertThat(client.listBuckets().buckets()).anyMatch(b -> b.name().equals(expected));
        }
    }

    @Test
    void s3DynamicWithoutASecretAnywhereIsAConfigurationErrorNamingTheOptionAndTheProfile() {
        Map<String, String> options = profileOptions("files:s3-dynamic", "wrong");
        options.put("bucket_template", fresh("nosecret") + "-<year>");
        assertThatThrownBy(() -> open(options))
                .isInstanceOfSatisfying(PortalException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.CONFIG_INVALID))
                .hasMessageContaining(".bucket_secret: not set, and AWS profile wrong has no portal_bucket_secret or indico_bucket_secret");
    }
}
