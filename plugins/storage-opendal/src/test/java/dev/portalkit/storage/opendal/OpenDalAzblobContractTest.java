package dev.portalkit.storage.opendal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portalkit.api.files.Capability;
import dev.portalkit.testservers.Azurite;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Base64;
import java.util.EnumSet;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** files:opendal on OpenDAL's {@code azblob} service against a real Azure Blob API server, Azurite. */
class OpenDalAzblobContractTest extends OpenDalContract {
    private static final String CONTAINER = "opendal";
    private Azurite azurite;
    private String skipLarge;

    /** The 2 GiB case is left to files:opendal on fs, as on sftp and S3: Azurite adds minutes for the same streaming code. */
    @BeforeAll
    void startServer() throws Exception {
        skipLarge = System.getProperty(SKIP_LARGE);
        System.setProperty(SKIP_LARGE, "true");
        azurite = Azurite.shared();
        createContainer();
    }

    @AfterAll
    void restoreSwitch() {
        if (skipLarge == null) {
            System.clearProperty(SKIP_LARGE);
        } else {
            System.setProperty(SKIP_LARGE, skipLarge);
        }
    }

    /** Azure's Create Container, signed with the account's shared key (OpenDAL creates no container). */
    private void createContainer() throws Exception {
        String date = DateTimeFormatter.RFC_1123_DATE_TIME.format(ZonedDateTime.now(ZoneOffset.UTC));
        String version = "2021-08-06";
        String toSign = "PUT" + "\n".repeat(12) + "x-ms-date:" + date + "\nx-ms-version:" + version + "\n"
                + "/" + Azurite.ACCOUNT + "/" + Azurite.ACCOUNT + "/" + CONTAINER + "\nrestype:container";
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(Base64.getDecoder().decode(Azurite.KEY), "HmacSHA256"));
        String signature = Base64.getEncoder().encodeToString(mac.doFinal(toSign.getBytes(StandardCharsets.UTF_8)));
        HttpRequest request = HttpRequest.newBuilder(URI.create(azurite.endpoint() + "/" + CONTAINER + "?restype=container"))
                .header("x-ms-date", date).header("x-ms-version", version)
                .header("Authorization", "SharedKey " + Azurite.ACCOUNT + ":" + signature)
                .PUT(HttpRequest.BodyPublishers.noBody()).build();
        HttpResponse<String> answer = HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString());
        assertThat(answer.statusCode()).as(answer.body()).isIn(201, 409);
    }

    @Override
    protected String scheme() {
        return "azblob";
    }

    @Override
    protected String params(String folder) {
        return "{\"container\": \"" + CONTAINER + "\", \"endpoint\": " + json(azurite.endpoint()) + ", \"account_name\": "
                + json(Azurite.ACCOUNT) + ", \"account_key\": " + json(Azurite.KEY) + ", \"root\": " + json("/" + folder + "/") + "}";
    }

    /** What OpenDAL's azblob service can do, as the storage declares it (docs/storage-opendal.md lists it). */
    @Test
    void capabilitiesAreTheAzblobServices() {
        assertThat(declared()).isEqualTo(EnumSet.of(Capability.CREATE, Capability.MULTIPART, Capability.STREAM,
                Capability.RANGE, Capability.EXISTS, Capability.REMOVE, Capability.SCAN, Capability.COPY));
    }
}
