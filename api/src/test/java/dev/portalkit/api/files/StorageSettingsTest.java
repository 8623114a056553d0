package dev.portalkit.api.files;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.portalkit.api.ErrorKind;
import dev.portalkit.api.PortalException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.assertj.core.api.AbstractThrowableAssert;
import org.junit.jupiter.api.Test;

/** The typed accessors adapters read their options with. */
class StorageSettingsTest {
    private enum Mode { REDIRECT, PROXY, NGINX }

    private static StorageSettings settings(String... keyValues) {
        Map<String, String> options = new LinkedHashMap<>();
        for (int i = 0; i < keyValues.length; i += 2) {
            options.put(keyValues[i], keyValues[i + 1]);
        }
        return new StorageSettings("s3", null, "files:test", 0, List.of(), false, List.of(), false, false, Set.of(), "md5",
                0, options);
    }

    private static AbstractThrowableAssert<?, ? extends Throwable> assertConfigError(Runnable read, String message) {
        return assertThatThrownBy(read::run).isInstanceOf(PortalException.class)
                .satisfies(e -> assertThat(((PortalException) e).kind()).isEqualTo(ErrorKind.CONFIG_INVALID))
                .hasMessage(message);
    }

    @Test
    void optionAndSecretReadTheValue() {
        StorageSettings s = settings("region", "eu-central-1", "secret_key", "hunter2");
        assertThat(s.option("region")).isEqualTo("eu-central-1");
        assertThat(s.secret("secret_key")).isEqualTo("hunter2");
        assertThat(s.option("missing")).isNull();
        assertThat(s.secret("missing")).isNull();
        assertThat(s.key("region")).isEqualTo("portal.files.storage.s3.region");
    }

    @Test
    void sizes() {
        StorageSettings s = settings("a", "10MiB", "b", "1GB", "c", "42", "d", "2M", "e", "24 kib", "f", "0", "g", "1T");
        assertThat(s.size("a")).isEqualTo(10L * 1024 * 1024);
        assertThat(s.size("b")).isEqualTo(1_000_000_000L);
        assertThat(s.size("c")).isEqualTo(42);
        assertThat(s.size("d")).isEqualTo(2_000_000);
        assertThat(s.size("e")).isEqualTo(24 * 1024);
        assertThat(s.size("f")).isZero();
        assertThat(s.size("g")).isEqualTo(1_000_000_000_000L);
    }

    @Test
    void badSizesNameTheKey() {
        StorageSettings s = settings("a", "1.5MiB", "b", "10XB", "c", "99999999999999999999", "d", "9999999999TiB", "e", " ");
        assertConfigError(() -> s.size("a"),
                "portal.files.storage.s3.a: value must be a size such as 42B, 2M, 24KiB or 1GB (got '1.5MiB')");
        assertConfigError(() -> s.size("b"), "portal.files.storage.s3.b: value has an unknown size unit 'XB' "
                + "(use B, K, KB, KiB, M, MB, MiB, G, GB, GiB, T, TB, TiB) (got '10XB')");
        assertConfigError(() -> s.size("c"), "portal.files.storage.s3.c: value is too large (got '99999999999999999999')");
        assertConfigError(() -> s.size("d"), "portal.files.storage.s3.d: value is too large (got '9999999999TiB')");
        assertConfigError(() -> s.size("e"), "portal.files.storage.s3.e: missing value");
        assertConfigError(() -> s.size("none"), "portal.files.storage.s3.none: missing value");
    }

    @Test
    void integers() {
        StorageSettings s = settings("a", "3", "b", " -1 ", "c", "20", "d", "three", "e", "21", "f", "3000000000");
        assertThat(s.integer("a")).isEqualTo(3);
        assertThat(s.integer("b")).isEqualTo(-1);
        assertThat(s.integer("a", 0, 20)).isEqualTo(3);
        assertThat(s.integer("c", 0, 20)).isEqualTo(20);
        assertConfigError(() -> s.integer("d"), "portal.files.storage.s3.d: value must be a whole number (got 'three')");
        assertConfigError(() -> s.integer("d", 0, 20), "portal.files.storage.s3.d: value must be a whole number (got 'three')");
        assertConfigError(() -> s.integer("f"), "portal.files.storage.s3.f: value must be a whole number (got '3000000000')");
        assertConfigError(() -> s.integer("e", 0, 20), "portal.files.storage.s3.e: must be between 0 and 20 (got '21')");
        assertConfigError(() -> s.integer("b", 0, 20), "portal.files.storage.s3.b: must be between 0 and 20 (got ' -1 ')");
        assertConfigError(() -> s.integer("none"), "portal.files.storage.s3.none: missing value");
    }

    @Test
    void durations() {
        StorageSettings s = settings("a", "30", "b", "PT5M", "c", "pt1h30m", "d", "P1D", "e", "0");
        assertThat(s.duration("a")).isEqualTo(Duration.ofSeconds(30));
        assertThat(s.duration("b")).isEqualTo(Duration.ofMinutes(5));
        assertThat(s.duration("c")).isEqualTo(Duration.ofMinutes(90));
        assertThat(s.duration("d")).isEqualTo(Duration.ofDays(1));
        assertThat(s.duration("e")).isZero();
    }

    @Test
    void badDurationsNameTheKey() {
        StorageSettings s = settings("a", "5m", "b", "-5", "c", "-PT5M", "d", "99999999999999999999");
        assertConfigError(() -> s.duration("a"),
                "portal.files.storage.s3.a: value must be a duration: seconds such as 30, or ISO-8601 such as PT5M (got '5m')");
        assertConfigError(() -> s.duration("b"),
                "portal.files.storage.s3.b: value must be a duration: seconds such as 30, or ISO-8601 such as PT5M (got '-5')");
        assertConfigError(() -> s.duration("c"), "portal.files.storage.s3.c: value must not be negative (got '-PT5M')");
        assertConfigError(() -> s.duration("d"), "portal.files.storage.s3.d: value is too large (got '99999999999999999999')");
        assertConfigError(() -> s.duration("none"), "portal.files.storage.s3.none: missing value");
    }

    @Test
    void flagsKeepTheirLenientReading() {
        StorageSettings s = settings("a", "true", "b", "YES", "c", " on ", "d", "1", "e", "t", "f", "y", "g", "false", "h", "maybe");
        for (String on : List.of("a", "b", "c", "d", "e", "f")) {
            assertThat(s.flag(on)).as(on).isTrue();
        }
        assertThat(s.flag("g")).isFalse();
        assertThat(s.flag("h")).isFalse();
        assertThat(s.flag("none")).isFalse();
    }

    @Test
    void choices() {
        StorageSettings s = settings("a", "redirect", "b", "NGINX", "c", " Proxy ", "d", "cdn");
        assertThat(s.choice("a", Mode.class)).isEqualTo(Mode.REDIRECT);
        assertThat(s.choice("b", Mode.class)).isEqualTo(Mode.NGINX);
        assertThat(s.choice("c", Mode.class)).isEqualTo(Mode.PROXY);
        assertConfigError(() -> s.choice("d", Mode.class),
                "portal.files.storage.s3.d: value must be one of redirect, proxy, nginx (got 'cdn')");
        assertConfigError(() -> s.choice("none", Mode.class), "portal.files.storage.s3.none: missing value");
    }

    @Test
    void hashes() {
        assertThat(Hashes.digest("md5").getAlgorithm()).isEqualToIgnoringCase("md5");
        for (String name : List.of("sha1", "SHA-1", "sha256", "sha-256", "sha512", "SHA_512")) {
            assertThat(Hashes.jcaName(name)).as(name).isNotNull();
            assertThat(Hashes.digest(name).getDigestLength()).as(name).isEqualTo(name.endsWith("1") ? 20 : name.endsWith("256") ? 32 : 64);
        }
        assertThat(Hashes.jcaName("crc64")).isNull();
        assertThat(Hashes.jcaName(" ")).isNull();
        assertConfigError(() -> Hashes.digest("crc64"), "unknown hashing algorithm 'crc64'");
    }
}
