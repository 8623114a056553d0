package dev.portalkit.integration;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portalkit.runtime.BootOptions;
import dev.portalkit.runtime.PortalContainer;
import dev.portalkit.runtime.PortalDeclarations;
import dev.portalkit.runtime.plugin.PluginInfo;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The web module's built-in plugins (web, metrics) are listed in its services file, so the commands
 * that read declarations without CDI ({@link PortalDeclarations}) see every built-in plugin the
 * container sees, with their options.
 */
class DeclaredBuiltInsTest {
    @Test
    void theBuiltInsReadWithoutTheContainerAreTheContainers(@TempDir Path dir) {
        BootOptions options = BootOptions.defaults().withDataDir(dir);
        List<String> plain = PortalDeclarations.read(options, List.of(), DeclaredBuiltInsTest::builtIns);
        List<String> container;
        try (PortalContainer started = PortalContainer.start(options.withDatabase(BootOptions.Database.NONE).withRunPendingTasks(false))) {
            container = builtIns(PortalDeclarations.of(started.portal()));
        }
        assertThat(plain).isEqualTo(container).anyMatch(s -> s.startsWith("web ")).anyMatch(s -> s.startsWith("metrics "));
    }

    private static List<String> builtIns(PortalDeclarations declarations) {
        return declarations.plugins().discovered().stream().filter(PluginInfo::builtIn)
                .map(i -> i.name() + " " + i.source() + " " + i.extensionPoints() + " " + declarations.config().declared().sections().stream()
                        .filter(s -> s.owner().equals(i.name())).map(s -> s.options().toString()).findFirst().orElse("-"))
                .toList();
    }
}
