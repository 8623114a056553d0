package dev.portalkit.integration.web;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.portalkit.api.ErrorKind;
import dev.portalkit.api.PortalException;
import java.util.Map;

/**
 * The tus endpoint's header readers on any text: {@code Upload-Metadata} and
 * {@code Upload-Checksum} are read, or refused as the client's error (400), never another failure.
 * The inputs found so far are replayed in the default run; the execution {@code fuzz-tus-headers}
 * fuzzes on its own JVM (the fixed seed and run count of runtime/pom.xml, longer with -Dfuzz.runs).
 */
class TusHeadersFuzzTest {
    @FuzzTest(maxDuration = "10m")
    void anyHeaderIsReadOrRefusedAsABadRequest(FuzzedDataProvider data) {
        String metadata = data.consumeBoolean() ? "filename " + data.consumeString(40) : data.consumeString(200);
        String checksum = data.consumeRemainingAsString();
        try {
            Map<String, String> read = TusServlet.metadata(metadata);
            assertThat(read).isNotNull();
            read.keySet().forEach(k -> assertThat(k).isNotEmpty().doesNotContain(",", " "));
        } catch (PortalException e) {
            assertThat(e.kind()).as(e.getMessage()).isEqualTo(ErrorKind.BAD_REQUEST);
        }
        try {
            TusServlet.checksum(checksum);
        } catch (PortalException e) {
            assertThat(e.kind()).as(e.getMessage()).isEqualTo(ErrorKind.BAD_REQUEST);
        }
    }
}
