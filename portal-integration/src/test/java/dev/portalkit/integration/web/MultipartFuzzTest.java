package dev.portalkit.integration.web;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.portalkit.api.ErrorKind;
import dev.portalkit.api.PortalException;
import dev.portalkit.api.ValidationException;
import dev.portalkit.runtime.intake.PartPlanner;
import dev.portalkit.runtime.intake.SpooledParts;
import dev.portalkit.runtime.intake.FilePlan;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * The request body reader (multipart, JSON, forms) on any body, boundary and declared length: it
 * gives the request's data, or refuses the body as the client's error (400, 413, 415, ...), never
 * another failure; and once the request is done no spooled file is left behind.
 */
class MultipartFuzzTest {
    private static final Set<ErrorKind> CLIENT_ERRORS = Set.of(ErrorKind.BAD_REQUEST, ErrorKind.TOO_LARGE, ErrorKind.WRONG_TYPE,
            ErrorKind.INVALID, ErrorKind.PERMISSION_DENIED, ErrorKind.NOT_FOUND);
    private static final List<String> TYPES = List.of("multipart/form-data", "application/json", "application/x-www-form-urlencoded",
            "text/plain");
    private static Path tmp;

    @BeforeAll
    static void start() throws IOException {
        tmp = Files.createTempDirectory("multipart-fuzz");
    }

    @AfterAll
    static void stop() throws IOException {
        try (Stream<Path> files = Files.walk(tmp)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    @FuzzTest(maxDuration = "10m")
    void anyBodyIsReadOrRefusedAsTheClientsErrorAndLeavesNoSpool(FuzzedDataProvider data) throws IOException {
        String type = TYPES.get(data.consumeInt(0, TYPES.size() - 1));
        String boundary = data.consumeBoolean() ? "XyZ" : data.consumeString(20);
        String charset = data.consumeBoolean() ? null : data.consumeString(10);
        byte[] body = data.consumeRemainingAsBytes();
        if (type.startsWith("multipart") && body.length > 0 && body[0] == '!') {
            // Help the fuzzer past the first boundary: most bodies then start as a real one does.
            body = ("--XyZ\r\nContent-Disposition: form-data; name=\"f\"; filename=\"a.txt\"\r\n\r\n"
                    + new String(body, 1, body.length - 1, StandardCharsets.ISO_8859_1)).getBytes(StandardCharsets.ISO_8859_1);
        }
        long declared = body.length % 3 == 0 ? -1 : body.length;
        // Part limits, a refused field, a hashed and size-capped plan: the intake's answers the reader must honour.
        ActionInput.Limits limits = new ActionInput.Limits(4096, 64 * 1024, 20, new SpooledParts(new PartPlanner() {
            @Override
            public FilePlan filePart(String field, String filename, Map<String, Object> fields, long remaining) {
                if (field.equals("refused")) {
                    throw ValidationException.of(field, "Refused by the fuzz test's intake");
                }
                return field.equals("capped") ? new FilePlan("md5", 100, "capped", null) : new FilePlan("sha256", Long.MAX_VALUE, null, null);
            }

            @Override
            public Path newSpool() throws IOException {
                return Files.createTempFile(tmp, "upload-", ".part");
            }
        }, 3, "portal.http.max_file_parts"));
        try (ActionInput input = ActionInput.fromBody(type, boundary, charset, declared, new ByteArrayInputStream(body), limits)) {
            assertThat(input.data()).isNotNull();
        } catch (PortalException e) {
            assertThat(e.kind()).as(e.getMessage()).isIn(CLIENT_ERRORS);
        }
        try (Stream<Path> left = Files.walk(tmp)) {
            assertThat(left.filter(Files::isRegularFile)).as("spooled files after the request").isEmpty();
        }
    }
}
