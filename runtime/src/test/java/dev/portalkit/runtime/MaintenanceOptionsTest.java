package dev.portalkit.runtime;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.portalkit.api.PortalException;
import dev.portalkit.runtime.testing.TestPortal;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The options of the authentication throttle and of the orphan sweep are declared with their
 * limits: a bad value fails start naming the key.
 */
class MaintenanceOptionsTest {
    @ParameterizedTest
    @CsvSource({
        "portal.auth.throttle.address_failures, -1,   must be 0 or more",
        "portal.auth.throttle.account_failures, many, value must be a whole number",
        "portal.auth.throttle.window,           0,    must be at least 1",
        "portal.auth.throttle.log_lines,        -5,   must be 0 or more",
        "portal.files.orphan_grace_period,      -1,   must be 0 or more",
        "portal.files.orphan_sweep_interval,    soon, value must be a whole number",
    })
    void aBadValueFailsStartNamingTheKey(String key, String value, String problem) {
        assertThatThrownBy(() -> TestPortal.builder().database(BootOptions.Database.NONE).runPendingTasks(false)
                .option(key, value).start().close())
                .isInstanceOf(PortalException.class).hasMessageContaining(key).hasMessageContaining(problem);
    }
}
