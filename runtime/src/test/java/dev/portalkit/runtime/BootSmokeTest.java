package dev.portalkit.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portalkit.runtime.testing.TestDb;
import dev.portalkit.runtime.testing.TestPortal;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class BootSmokeTest {
    @ParameterizedTest
    @EnumSource(TestDb.class)
    void startsAndAnswersStatusShow(TestDb db) {
        try (TestPortal portal = TestPortal.builder().db(db).start()) {
            @SuppressWarnings("unchecked")
            Map<String, Object> status = (Map<String, Object>) portal.call("status_show", TestPortal.ANONYMOUS, Map.of());
            assertThat(status).containsEntry("portalkit_version", "0.1.0");
        }
    }
}
