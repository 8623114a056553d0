package dev.portalkit.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.portalkit.api.plugin.PortalPlugin;
import dev.portalkit.runtime.plugin.PluginInfo;
import dev.portalkit.runtime.testing.TestPortal;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Plugin jars dropped into a plugins directory are found without any code change, each in a class
 * loader of its own: the jars here are compiled by the test itself, so they are on no class path.
 */
class PluginJarTest {
    /** Compiles a plugin named {@code name} whose bundled library class {@code shared.Lib} answers {@code libValue}. */
    static Path buildPluginJar(Path workDir, String name, String libValue) throws Exception {
        String pkg = "dropin." + name.replace('-', '_');
        String plugin = """
                package %1$s;

                import dev.portalkit.api.action.Action;
                import dev.portalkit.api.action.IActions;
                import dev.portalkit.api.auth.AuthFunction;
                import dev.portalkit.api.auth.AuthResult;
                import dev.portalkit.api.auth.IAuthFunctions;
                import dev.portalkit.api.plugin.PortalPlugin;
                import java.util.Map;

                @jakarta.enterprise.context.ApplicationScoped
                public class DropInPlugin implements PortalPlugin, IActions, IAuthFunctions {
                    public String name() { return "%2$s"; }
                    public Map<String, Action> actions() {
                        return Map.of("%3$s_hello", (ctx, data) -> shared.Lib.value() + " via " + getClass().getClassLoader().getName());
                    }
                    public Map<String, AuthFunction> authFunctions() {
                        return Map.of("%3$s_hello", AuthFunction.allowAnonymous((ctx, data) -> AuthResult.allow()));
                    }
                }
                """.formatted(pkg, name, name.replace('-', '_'));
        String lib = "package shared; public class Lib { public static String value() { return \"%s\"; } }".formatted(libValue);

        Path src = Files.createDirectories(workDir.resolve(name + "-src"));
        Path classes = Files.createDirectories(workDir.resolve(name + "-classes"));
        Path pluginSource = Files.createDirectories(src.resolve(pkg.replace('.', '/'))).resolve("DropInPlugin.java");
        Files.writeString(pluginSource, plugin);
        Path libSource = Files.createDirectories(src.resolve("shared")).resolve("Lib.java");
        Files.writeString(libSource, lib);

        JavaCompiler compiler = ToolProvider.getSystemJavaCompiler();
        String classpath = location(PortalPlugin.class) + java.io.File.pathSeparator + location(ApplicationScoped.class);
        int rc = compiler.run(null, null, null, "-d", classes.toString(), "-cp", classpath, "--release", "17",
                pluginSource.toString(), libSource.toString());
        assertThat(rc).as("compiling the drop-in plugin").isZero();

        Path jar = workDir.resolve(name + ".jar");
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar)); Stream<Path> files = Files.walk(classes)) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                out.putNextEntry(new JarEntry(classes.relativize(file).toString().replace('\\', '/')));
                Files.copy(file, out);
                out.closeEntry();
            }
            writeEntry(out, "META-INF/services/dev.portalkit.api.plugin.PortalPlugin", pkg + ".DropInPlugin\n");
            writeEntry(out, "META-INF/beans.xml", "<beans bean-discovery-mode=\"annotated\"/>\n");
        }
        return jar;
    }

    private static void writeEntry(JarOutputStream out, String name, String content) throws IOException {
        out.putNextEntry(new JarEntry(name));
        out.write(content.getBytes(StandardCharsets.UTF_8));
        out.closeEntry();
    }

    private static String location(Class<?> type) throws URISyntaxException {
        return Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
    }

    @Test
    void jarsInThePluginsDirectoryAreDiscoveredIsolatedAndEnabledByName(@TempDir Path work) throws Exception {
        Path pluginsDir = Files.createDirectories(work.resolve("plugins"));
        Files.copy(buildPluginJar(work, "drop-a", "library A"), pluginsDir.resolve("drop-a.jar"));
        Files.copy(buildPluginJar(work, "drop-b", "library B"), pluginsDir.resolve("drop-b.jar"));

        try (TestPortal portal = TestPortal.builder().pluginsDir(pluginsDir).plugins("drop-a drop-b").start()) {
            // Both jars bundle a different shared.Lib: each plugin sees its own.
            assertThat(portal.call("drop_a_hello", TestPortal.ANONYMOUS, Map.of())).isEqualTo("library A via plugin:drop-a.jar");
            assertThat(portal.call("drop_b_hello", TestPortal.ANONYMOUS, Map.of())).isEqualTo("library B via plugin:drop-b.jar");
            List<PluginInfo> found = portal.portal().discoveredPlugins();
            assertThat(found).filteredOn(p -> p.name().equals("drop-a")).singleElement()
                    .satisfies(p -> assertThat(p.source()).endsWith("drop-a.jar"))
                    .satisfies(p -> assertThat(p.extensionPoints()).containsExactly("IActions", "IAuthFunctions"));
        }
        // Discovered but not enabled: listed, contributes nothing.
        try (TestPortal portal = TestPortal.builder().pluginsDir(pluginsDir).start()) {
            assertThat(portal.portal().discoveredPlugins()).extracting(PluginInfo::name).contains("drop-a", "drop-b");
            assertThat(portal.portal().discoveredPlugins()).filteredOn(p -> p.name().startsWith("drop-"))
                    .extracting(PluginInfo::enabled).containsOnly(false);
            assertThatThrownBy(() -> portal.call("drop_a_hello", TestPortal.ANONYMOUS, Map.of())).hasMessageContaining("does not exist");
        }
    }

    @Test
    void theDefaultPluginsDirectoryIsInsideTheDataDirectory(@TempDir Path work) throws Exception {
        Path dataDir = work.resolve("data");
        Path pluginsDir = Files.createDirectories(dataDir.resolve("plugins"));
        Files.copy(buildPluginJar(work, "drop-c", "c"), pluginsDir.resolve("drop-c.jar"));
        try (TestPortal portal = TestPortal.builder().dataDir(dataDir).plugins("drop-c").start()) {
            assertThat(portal.call("drop_c_hello", TestPortal.ANONYMOUS, Map.of())).asString().startsWith("c via");
        }
    }

    @Test
    void aJarWithoutAPluginIsReportedByName(@TempDir Path work) throws Exception {
        Path pluginsDir = Files.createDirectories(work.resolve("plugins"));
        try (OutputStream out = Files.newOutputStream(pluginsDir.resolve("empty.jar")); JarOutputStream jar = new JarOutputStream(out)) {
            writeEntry(jar, "README", "nothing here");
        }
        assertThatThrownBy(() -> TestPortal.builder().pluginsDir(pluginsDir).start())
                .hasMessageContaining("empty.jar lists no plugin in META-INF/services/dev.portalkit.api.plugin.PortalPlugin");
    }
}
