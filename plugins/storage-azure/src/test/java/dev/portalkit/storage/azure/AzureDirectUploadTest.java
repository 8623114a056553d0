package dev.portalkit.storage.azure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.azure.storage.blob.BlobContainerClient;
import com.azure.storage.blob.BlobServiceClientBuilder;
import com.azure.storage.blob.models.BlobStorageException;
import com.azure.storage.blob.models.Block;
import com.azure.storage.blob.models.BlockListType;
import dev.portalkit.api.ErrorKind;
import dev.portalkit.api.PortalException;
import dev.portalkit.api.ValidationException;
import dev.portalkit.runtime.testing.TestPortal;
import dev.portalkit.testservers.Azurite;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Direct uploads to Azure (Azurite) through the actions: the test PUTs each part to its SAS URL for
 * Put Block with plain HTTP; completion commits the blocks the service holds; a missing part and a
 * wrong size are refused and leave no blob and no staged block; SAS URLs expire and refresh signs new ones.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AzureDirectUploadTest {
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final int MIB = 1024 * 1024;
    private static final String CONTAINER = "direct-" + ProcessHandle.current().pid();
    private static final String SHORT_CONTAINER = "direct-short-" + ProcessHandle.current().pid();
    @TempDir
    static Path tmp;
    private Azurite azurite;
    private TestPortal portal;

    @BeforeAll
    void start() {
        azurite = Azurite.shared();
        TestPortal.Builder builder = TestPortal.builder().dataDir(tmp.resolve("data")).plugins("storage-azure").runPendingTasks(false);
        for (String[] s : new String[][] {{"cloud", CONTAINER}, {"short", SHORT_CONTAINER}}) {
            builder.option("portal.files.storage." + s[0] + ".type", AzureBlobStorageFactory.TYPE)
                    .option("portal.files.storage." + s[0] + ".container", s[1])
                    .option("portal.files.storage." + s[0] + ".connection_string", azurite.connectionString())
                    .option("portal.files.storage." + s[0] + ".create_container", "true");
        }
        builder.option("portal.files.storage.short.direct_url_lifetime", "3");
        portal = builder.start();
    }

    @AfterAll
    void stop() {
        if (portal != null) {
            portal.close();
        }
    }

    private static byte[] content(int size, long seed) {
        byte[] bytes = new byte[size];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }

    private static String md5(byte[] bytes) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(bytes));
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> signedParts(Map<String, Object> answer) {
        return (List<Map<String, Object>>) ((Map<String, Object>) answer.get("direct")).get("parts");
    }

    @SuppressWarnings("unchecked")
    private static HttpResponse<String> put(Map<String, Object> part, byte[] body) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create((String) part.get("url")))
                .method((String) part.get("method"), HttpRequest.BodyPublishers.ofByteArray(body));
        ((Map<String, String>) part.get("headers")).forEach(request::header);
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** PUTs part {@code n} ({@code body}); the entry for completion: Put Block answers no ETag, its Content-MD5 stands in. */
    private static Map<String, Object> send(Map<String, Object> part, byte[] body) throws IOException, InterruptedException {
        HttpResponse<String> response = put(part, body);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
        return Map.of("number", part.get("number"), "etag", response.headers().firstValue("Content-MD5").orElse(""));
    }

    private List<Map<String, Object>> sendAll(Map<String, Object> answer, byte[] bytes) throws IOException, InterruptedException {
        int partSize = ((Number) ((Map<?, ?>) answer.get("direct")).get("part_size")).intValue();
        List<Map<String, Object>> done = new ArrayList<>();
        for (Map<String, Object> part : signedParts(answer)) {
            int from = ((Integer) part.get("number") - 1) * partSize;
            done.add(send(part, Arrays.copyOfRange(bytes, from, Math.min(bytes.length, from + partSize))));
        }
        return done;
    }

    private BlobContainerClient container(String name) {
        return new BlobServiceClientBuilder().connectionString(azurite.connectionString()).buildClient().getBlobContainerClient(name);
    }

    private List<Block> staged(String container, String blob) {
        try {
            return container(container).getBlobClient(blob).getBlockBlobClient().listBlocks(BlockListType.UNCOMMITTED).getUncommittedBlocks();
        } catch (BlobStorageException e) {
            assertThat(e.getStatusCode()).as("no blob, no block list").isEqualTo(404);
            return List.of();
        }
    }

    private void assertGone(Map<String, Object> started) {
        String location = (String) started.get("location");
        assertThat(staged(CONTAINER, location)).as("staged blocks after the refusal").isEmpty();
        assertThat(container(CONTAINER).getBlobClient(location).exists()).as("no blob").isFalse();
        assertThatThrownBy(() -> portal.callAsSysadmin("files_multipart_refresh", "id", started.get("id")))
                .isInstanceOfSatisfying(PortalException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.NOT_FOUND));
    }

    @Test
    void blocksPutStraightToAzureBecomeAVerifiedFile() throws Exception {
        byte[] bytes = content(17 * MIB + 5, 11);
        Map<String, Object> started = portal.callAsSysadmin("files_multipart_start", "storage", "cloud", "name", "direct.bin", "size", bytes.length,
                "hash", md5(bytes), "direct", true);
        assertThat(signedParts(started)).extracting(p -> p.get("number")).containsExactly(1, 2, 3);
        assertThat(signedParts(started)).allSatisfy(p -> assertThat(p).containsEntry("method", "PUT")
                .hasEntrySatisfying("url", url -> assertThat((String) url).startsWith(azurite.endpoint() + "/" + CONTAINER + "/direct.bin?")
                        .contains("comp=block").contains("blockid=").contains("sig=")));
        Instant expires = OffsetDateTime.parse((String) ((Map<?, ?>) started.get("direct")).get("expires")).toInstant();
        assertThat(expires).isBetween(Instant.now().plusSeconds(3500), Instant.now().plusSeconds(3700));
        // Parts in any order.
        List<Map<String, Object>> parts = new ArrayList<>();
        for (int i : new int[] {2, 0, 1}) {
            Map<String, Object> part = signedParts(started).get(i);
            int from = i * 8 * MIB;
            parts.add(send(part, Arrays.copyOfRange(bytes, from, Math.min(bytes.length, from + 8 * MIB))));
        }
        assertThat(portal.callAsSysadmin("files_multipart_refresh", "id", started.get("id")).get("parts"))
                .isEqualTo(Map.of("1", 8 * MIB, "2", 8 * MIB, "3", MIB + 5));
        Map<String, Object> file = portal.callAsSysadmin("files_multipart_complete", "id", started.get("id"), "parts", parts);
        assertThat(file).containsEntry("storage", "cloud").containsEntry("size", (long) bytes.length).containsEntry("hash", md5(bytes));
        assertThat(md5(container(CONTAINER).getBlobClient((String) file.get("location")).downloadContent().toBytes())).isEqualTo(md5(bytes));
        assertThat(staged(CONTAINER, (String) file.get("location"))).isEmpty();
    }

    @Test
    void aMissingPartIsRefusedAndLeavesNothing() throws Exception {
        byte[] bytes = content(9 * MIB, 12);
        Map<String, Object> started = portal.callAsSysadmin("files_multipart_start", "storage", "cloud", "name", "missing.bin", "size", bytes.length,
                "direct", true);
        Map<String, Object> first = send(signedParts(started).get(0), Arrays.copyOf(bytes, 8 * MIB));
        assertThat(staged(CONTAINER, (String) started.get("location"))).hasSize(1);
        assertThatThrownBy(() -> portal.callAsSysadmin("files_multipart_complete", "id", started.get("id"), "parts",
                List.of(first, Map.of("number", 2, "etag", ""))))
                .isInstanceOfSatisfying(ValidationException.class, e -> assertThat(e.errors()).containsOnlyKeys("parts"))
                .hasMessageContaining("Part 2 did not arrive at storage cloud");
        assertGone(started);
    }

    @Test
    void aSizeOtherThanTheAnnouncedOneIsRefusedAndLeavesNothing() throws Exception {
        byte[] bytes = content(9 * MIB, 13);
        Map<String, Object> started = portal.callAsSysadmin("files_multipart_start", "storage", "cloud", "name", "size.bin", "size", bytes.length,
                "direct", true);
        List<Map<String, Object>> parts = List.of(send(signedParts(started).get(0), Arrays.copyOf(bytes, 8 * MIB)),
                send(signedParts(started).get(1), Arrays.copyOf(bytes, 3)));
        assertThatThrownBy(() -> portal.callAsSysadmin("files_multipart_complete", "id", started.get("id"), "parts", parts))
                .isInstanceOfSatisfying(ValidationException.class, e -> assertThat(e.errors()).containsOnlyKeys("size"))
                .hasMessageContaining("started with " + bytes.length + " bytes but its parts hold " + (8 * MIB + 3));
        assertGone(started);
    }

    @Test
    void expiredSasUrlsAreRefusedAndRefreshSignsWorkingOnes() throws Exception {
        byte[] bytes = content(MIB, 14);
        Map<String, Object> started = portal.callAsSysadmin("files_multipart_start", "storage", "short", "name", "expiry.bin", "size", bytes.length,
                "direct", true);
        Instant expires = OffsetDateTime.parse((String) ((Map<?, ?>) started.get("direct")).get("expires")).toInstant();
        // Wait out the 3-second lifetime (bounded: 10 s at most).
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (!Instant.now().isAfter(expires.plusMillis(1500)) && System.nanoTime() < deadline) {
            Thread.sleep(200);
        }
        HttpResponse<String> late = put(signedParts(started).get(0), bytes);
        assertThat(late.statusCode()).as(late.body()).isEqualTo(403);
        Map<String, Object> refreshed = portal.callAsSysadmin("files_multipart_refresh", "id", started.get("id"));
        assertThat(signedParts(refreshed)).extracting(p -> p.get("number")).containsExactly(1);
        List<Map<String, Object>> parts = sendAll(refreshed, bytes);
        Map<String, Object> file = portal.callAsSysadmin("files_multipart_complete", "id", started.get("id"), "parts", parts);
        assertThat(file).containsEntry("storage", "short").containsEntry("hash", md5(bytes));
    }
}
