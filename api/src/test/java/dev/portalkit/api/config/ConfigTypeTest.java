package dev.portalkit.api.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** The one size parser. */
class ConfigTypeTest {
    @Test
    void sizes() {
        assertThat(ConfigType.parseSize("42")).isEqualTo(42);
        assertThat(ConfigType.parseSize("42B")).isEqualTo(42);
        assertThat(ConfigType.parseSize("2k")).isEqualTo(2000);
        assertThat(ConfigType.parseSize("2KB")).isEqualTo(2000);
        assertThat(ConfigType.parseSize("2M")).isEqualTo(2_000_000);
        assertThat(ConfigType.parseSize(" 24 KiB ")).isEqualTo(24 * 1024);
        assertThat(ConfigType.parseSize("10MiB")).isEqualTo(10L << 20);
        assertThat(ConfigType.parseSize("1GiB")).isEqualTo(1L << 30);
        assertThat(ConfigType.parseSize("1TiB")).isEqualTo(1L << 40);
        assertThat(ConfigType.parseSize("1tb")).isEqualTo(1_000_000_000_000L);
    }

    @Test
    void badSizes() {
        assertThatThrownBy(() -> ConfigType.parseSize("1.5M")).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("value must be a size such as 42B, 2M, 24KiB or 1GB");
        assertThatThrownBy(() -> ConfigType.parseSize("-1")).hasMessage("value must be a size such as 42B, 2M, 24KiB or 1GB");
        assertThatThrownBy(() -> ConfigType.parseSize("1XB"))
                .hasMessage("value has an unknown size unit 'XB' (use B, K, KB, KiB, M, MB, MiB, G, GB, GiB, T, TB, TiB)");
        assertThatThrownBy(() -> ConfigType.parseSize("99999999999999999999")).isInstanceOf(NumberFormatException.class);
        assertThatThrownBy(() -> ConfigType.parseSize("9999999999TiB")).isInstanceOf(ArithmeticException.class);
    }
}
