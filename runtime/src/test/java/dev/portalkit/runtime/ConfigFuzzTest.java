package dev.portalkit.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.portalkit.api.ErrorKind;
import dev.portalkit.api.PortalException;
import dev.portalkit.api.config.ConfigOption;
import dev.portalkit.runtime.config.DeclaredOptions;
import dev.portalkit.runtime.config.PortalConfigImpl;
import dev.portalkit.runtime.plugin.PluginSet;
import dev.portalkit.runtime.testing.TestPortal;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * Configuration as the portal reads it at start (a properties file plus {@code -o} overrides,
 * declared by every plugin, validated, then read with the typed getters) on any file content: it
 * is accepted, or refused with CONFIG_INVALID naming what is wrong; nothing else escapes.
 */
class ConfigFuzzTest {
    private static TestPortal portal;
    private static PluginSet plugins;
    private static List<String> keys;
    private static Path file;

    @BeforeAll
    static void start() throws IOException {
        portal = TestPortal.builder().database(BootOptions.Database.NONE).runPendingTasks(false).plugins("recording").start();
        plugins = portal.portal().plugins();
        List<String> known = new ArrayList<>();
        for (DeclaredOptions.Section section : portal.portal().config().declared().sections()) {
            section.options().forEach(o -> known.add(o.key().replace("<name>", "s1")));
        }
        known.addAll(List.of("portal.files.storage.s2.type", "portal.files.storage.s2.path", "portal.files.storage.s2.max_size",
                "portal.files.storage.s2.location_transformers", "portal.files.storage.s2.supported_types", "portal.unknown",
                "portal.http.nope", "other.key"));
        keys = List.copyOf(known);
        file = Files.createTempFile("portal-config-fuzz", ".properties");
    }

    @AfterAll
    static void stop() throws IOException {
        portal.close();
        Files.deleteIfExists(file);
    }

    @FuzzTest(maxDuration = "10m")
    void anyConfigurationIsAcceptedOrRefusedNamingAKey(FuzzedDataProvider data) throws IOException {
        StringBuilder text = new StringBuilder();
        int lines = data.consumeInt(0, 12);
        for (int i = 0; i < lines; i++) {
            String key = data.consumeBoolean() ? keys.get(data.consumeInt(0, keys.size() - 1)) : data.consumeString(40);
            text.append(key).append(data.consumeBoolean() ? " = " : ":").append(data.consumeString(40)).append('\n');
        }
        Map<String, String> overrides = data.consumeBoolean()
                ? Map.of(keys.get(data.consumeInt(0, keys.size() - 1)), data.consumeString(40)) : Map.of();
        text.append(data.consumeRemainingAsString());
        Files.write(file, text.toString().getBytes(StandardCharsets.ISO_8859_1));
        try {
            PortalConfigImpl config = PortalConfigImpl.load(file, overrides);
            config.validate(Portal.declarations(plugins, config));
            for (ConfigOption option : config.declared().exactOptions().values()) {
                switch (option.type()) {
                    case INT -> config.get(option.key()).ifPresent(v -> config.integer(option.key()));
                    case BOOLEAN -> config.get(option.key()).ifPresent(v -> config.bool(option.key()));
                    case SIZE -> config.get(option.key()).ifPresent(v -> config.size(option.key()));
                    case LIST -> config.list(option.key());
                    default -> config.get(option.key());
                }
            }
        } catch (PortalException e) {
            assertThat(e.kind()).as(e.getMessage()).isEqualTo(ErrorKind.CONFIG_INVALID);
        }
    }
}
