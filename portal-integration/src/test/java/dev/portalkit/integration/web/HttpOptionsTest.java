package dev.portalkit.integration.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.portalkit.api.ErrorKind;
import dev.portalkit.api.PortalException;
import dev.portalkit.runtime.config.DeclaredOptions;
import dev.portalkit.runtime.testing.TestPortal;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The {@code portal.http.*} limits of #11 are declared options, with their ranges: a bad value is
 * reported naming the key, and fails the start before anything listens.
 */
class HttpOptionsTest {
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "portal.http.max_body_reads | 500 | from 1 to 180",
        "portal.http.max_body_reads | 0 | from 1 to 180",
        "portal.http.max_parts | 0 | at least 1",
        "portal.http.max_file_parts | -1 | at least 0",
        "portal.http.max_connections | 0 | at least 1",
        "portal.http.max_connections_per_address | -5 | at least 0",
        "portal.http.max_body_reads_per_address | -1 | at least 0",
        "portal.http.body_rate_grace | 0 | from 1 to 3600",
        "portal.http.head_timeout | -1 | from 0 to 3600",
        "portal.http.idle_timeout | 0 | from 1 to 86400",
        "portal.http.drain_delay | -1 | from 0 to 3600",
        "portal.http.shutdown_grace | 86401 | from 0 to 86400",
        "portal.http.buffered_body_size | 2MiB | at most 1MiB",
        "portal.http.proxy_addresses | proxy.example.org | not an IP address",
        "portal.http.proxy_addresses | 10.0.0.300 | not an IP address"})
    void aValueOutOfRangeIsRejectedNamingTheKey(String key, String value, String problem) {
        assertThat(declared(key, value).rejected()).containsOnlyKeys(key);
        assertThat(declared(key, value).rejected().get(key)).contains(problem);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "portal.http.proxy_addresses | 127.0.0.1, ::1 10.1.2.3",
        "portal.http.max_connections_per_address | 0",
        "portal.http.min_body_rate | 0",
        "portal.http.buffered_body_size | 1MiB",
        "portal.http.max_body_reads | 180",
        "portal.http.drain_delay | 0",
        "portal.http.shutdown_grace | 0"})
    void aValueInRangeIsTaken(String key, String value) {
        assertThat(declared(key, value).rejected()).isEmpty();
    }

    @Test
    void aBadValueFailsTheStart() {
        assertThatThrownBy(() -> TestPortal.builder().option(WebPlugin.MAX_BODY_READS, "500").option(WebPlugin.MIN_BODY_RATE, "fast")
                .start().close())
                .isInstanceOfSatisfying(PortalException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.CONFIG_INVALID))
                .hasMessageContaining(WebPlugin.MAX_BODY_READS).hasMessageContaining(WebPlugin.MIN_BODY_RATE);
    }

    private static DeclaredOptions declared(String key, String value) {
        DeclaredOptions options = new DeclaredOptions();
        new WebPlugin().declareConfig(options.declarerFor("web", Map.of(key, value)));
        return options;
    }
}
