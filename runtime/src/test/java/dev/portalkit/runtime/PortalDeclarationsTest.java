package dev.portalkit.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portalkit.api.config.ConfigOption;
import dev.portalkit.runtime.config.DeclaredOptions;
import dev.portalkit.runtime.files.FilesPlugin;
import dev.portalkit.runtime.plugin.PluginInfo;
import dev.portalkit.runtime.plugin.PluginSet;
import dev.portalkit.runtime.testing.CliRun;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The commands that read only declarations ({@code plugins}, {@code config declaration},
 * {@code files adapters}) read them without the CDI container, and what they read is what the
 * container gives: every plugin it discovers, their options and the storage adapters.
 */
class PortalDeclarationsTest {
    /** The test plugin that no services file lists: only CDI finds it. */
    private static final String CDI_ONLY = "no-name-check";

    @Test
    void declarationsReadWithoutTheContainerAreTheContainers(@TempDir Path dir) throws Exception {
        Path plugins = Files.createDirectories(dir.resolve("plugins"));
        Files.move(PluginJarTest.buildPluginJar(dir.resolve("build"), "dropin-decl", "v1"), plugins.resolve("dropin-decl.jar"));
        BootOptions options = BootOptions.defaults().withDataDir(dir.resolve("data")).withPluginsDir(plugins)
                .withOverrides(Map.of("portal.plugins", "recording minimal-files dropin-decl",
                        "portal.recording.store.main.path", "/srv/main",
                        "portal.files.storage.one.type", "files:memory"));

        String plain = PortalDeclarations.read(options, List.of(), PortalDeclarationsTest::describe);
        String container;
        try (PortalContainer started = PortalContainer.start(options.withDatabase(BootOptions.Database.NONE).withRunPendingTasks(false))) {
            container = describe(PortalDeclarations.of(started.portal()));
        }

        assertThat(plain).isEqualTo(container.replaceAll("(?m)^plugin " + CDI_ONLY + " .*\n", ""))
                .contains("plugin dropin-decl enabled").contains("plugin recording enabled").contains("option recording ConfigOption[key=portal.recording.store.<name>.path")
                .contains("adapter test:minimal");
        assertThat(container).contains("plugin " + CDI_ONLY + " disabled");
    }

    @Test
    void theContainerIsNotStartedUnlessAPluginNeedsIt(@TempDir Path dir) {
        BootOptions options = BootOptions.defaults().withDataDir(dir).withOverrides(Map.of("portal.plugins", "recording"));
        assertThat(PortalDeclarations.read(options, List.of(), PortalDeclarationsTest::proxied)).isFalse();
        assertThat(PortalDeclarations.read(options, List.of(CDI_ONLY), PortalDeclarationsTest::proxied)).isTrue();
        BootOptions cdiOnly = options.withOverrides(Map.of("portal.plugins", CDI_ONLY));
        assertThat(PortalDeclarations.read(cdiOnly, List.of(), PortalDeclarationsTest::proxied)).isTrue();

        CliRun listed = CliRun.of("plugins", "--data-dir", dir.toString(), "-o", "portal.plugins=" + CDI_ONLY);
        assertThat(listed.code()).as(listed.err()).isZero();
        assertThat(listed.out()).contains(CDI_ONLY + "    enabled");
    }

    @Test
    void theChecksOfAStartedPortalThatNeedNothingStartedAreMade(@TempDir Path dir) {
        CliRun run = CliRun.of("config", "declaration", "--data-dir", dir.toString(), "-o", "portal.mimetypes_file=" + dir.resolve("missing"));
        assertThat(run.code()).isEqualTo(3);
        assertThat(run.err()).startsWith("error: portal.mimetypes_file: cannot read " + dir.resolve("missing"));
    }

    /** Whether the plugins are CDI client proxies: the container's beans, not plainly built ones. */
    private static boolean proxied(PortalDeclarations declarations) {
        return declarations.plugins().discovered().stream().anyMatch(i -> i.plugin().getClass() != PluginSet.realClass(i.plugin()));
    }

    /** All the declaration commands print, one fact a line. */
    private static String describe(PortalDeclarations declarations) {
        StringBuilder out = new StringBuilder();
        for (PluginInfo info : declarations.plugins().discovered()) {
            out.append("plugin ").append(info.name()).append(' ').append(info.enabled() ? "enabled" : "disabled").append(' ')
                    .append(info.builtIn()).append(' ').append(info.source()).append(' ').append(info.extensionPoints()).append(' ')
                    .append(info.plugin().description()).append('\n');
        }
        for (DeclaredOptions.Section section : declarations.config().declared().sections()) {
            for (ConfigOption option : section.options()) {
                out.append("option ").append(section.owner()).append(' ').append(option).append('\n');
            }
            out.append("namespaces ").append(section.owner()).append(' ').append(section.namespaces()).append('\n');
        }
        FilesPlugin.of(declarations.plugins()).adapters().forEach((type, adapter) -> out.append("adapter ").append(type).append(' ')
                .append(adapter.plugin()).append(' ').append(adapter.factory().description()).append(' ')
                .append(adapter.factory().options()).append('\n'));
        return out.toString();
    }
}
