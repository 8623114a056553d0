package dev.portalkit.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portalkit.runtime.testing.CliRun;
import dev.portalkit.runtime.testing.TestPortal;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;

/**
 * {@code portalkit generate plugin}: the project it writes compiles (main and test sources, with
 * javac against this build's classes), its jar dropped into a plugins directory is discovered and
 * every generated extension point works on a real portal; bad input is one {@code error:} line and
 * writes nothing. (Running the generated project's own {@code mvn verify} needs this build's
 * artifacts installed in a Maven repository, which the test command does not do.)
 */
class GeneratePluginTest {
    @Test
    void theGeneratedPluginCompilesAndWorksOnARealPortal(@TempDir Path work) throws Exception {
        CliRun run = CliRun.of("generate", "plugin", "acme_notes", "--output-dir", work.toString(), "--package", "com.acme.notes");
        assertThat(run.code()).as(run.err()).isZero();
        assertThat(run.out()).contains("Generated plugin 'acme_notes'").contains("[actions, auth, config, validators, dataset-form, "
                + "tasks, migrations]");
        Path project = work.resolve("acme_notes");
        assertThat(project.resolve("src/main/resources/META-INF/services/dev.portalkit.api.plugin.PortalPlugin"))
                .hasContent("com.acme.notes.AcmeNotesPlugin");
        assertThat(Files.readString(project.resolve("src/main/resources/META-INF/beans.xml"))).contains("bean-discovery-mode=\"annotated\"");
        assertThat(project.resolve("src/main/resources/db/migration/acme_notes/V1__acme_notes_item.sql")).exists();

        // The pom is well-formed and names every version (the generated project builds on its own).
        Document pom = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(project.resolve("pom.xml").toFile());
        assertThat(pom.getElementsByTagName("portalkit.version").item(0).getTextContent()).isEqualTo(GenerateCommandVersions.portalkit());
        for (int i = 0; i < pom.getElementsByTagName("dependency").getLength(); i++) {
            assertThat(((org.w3c.dom.Element) pom.getElementsByTagName("dependency").item(i)).getElementsByTagName("version")
                    .item(0).getTextContent()).isNotBlank().doesNotContain("${project");
        }
        for (int i = 0; i < pom.getElementsByTagName("plugin").getLength(); i++) {
            assertThat(((org.w3c.dom.Element) pom.getElementsByTagName("plugin").item(i)).getElementsByTagName("version")
                    .item(0).getTextContent()).matches("\\d+(\\.\\d+)+");
        }
        assertThat(pom.getElementsByTagName("plugin").getLength()).isEqualTo(6);
        assertThat(Files.readString(project.resolve("pom.xml"))).doesNotContain("@").doesNotContain("${cdi");

        // Main and test sources compile against this build.
        Path classes = compile(project.resolve("src/main/java"), work.resolve("classes"), System.getProperty("java.class.path"));
        compile(project.resolve("src/test/java"), work.resolve("test-classes"), classes + java.io.File.pathSeparator
                + System.getProperty("java.class.path"));

        // Its jar, dropped into a plugins directory, is discovered and does what the generated test says.
        Path pluginsDir = Files.createDirectories(work.resolve("plugins"));
        jar(pluginsDir.resolve("acme-notes.jar"), classes, project.resolve("src/main/resources"));
        try (TestPortal portal = TestPortal.builder().pluginsDir(pluginsDir).plugins("acme_notes")
                .option("portal.acme_notes.greeting", "Hi").start()) {
            assertThat(portal.call("acme_notes_hello", TestPortal.ANONYMOUS, Map.of("name", "Ada"))).isEqualTo("Hi, ADA!");
            assertThat(portal.call("acme_notes_audit", TestPortal.SYSADMIN, Map.of("label", "first"))).isEqualTo(Map.of("queued", "first"));
            assertThat(portal.call("acme_notes_item_count", TestPortal.SYSADMIN, Map.of())).isEqualTo(0L);
            assertThat(portal.portal().discoveredPlugins()).filteredOn(p -> p.name().equals("acme_notes")).singleElement()
                    .satisfies(p -> assertThat(p.extensionPoints()).contains("IActions", "IAuthFunctions", "IConfigDeclarations",
                            "IValidators", "IDatasetForm", "ITasks", "IMigrations"));
        }
    }

    @Test
    void onlyTheExtensionPointsAskedFor(@TempDir Path work) throws Exception {
        CliRun run = CliRun.of("generate", "plugin", "tiny", "--output-dir", work.toString(), "--with", "config");
        assertThat(run.code()).as(run.err()).isZero();
        Path project = work.resolve("tiny");
        String plugin = Files.readString(project.resolve("src/main/java/com/example/portalkit/tiny/TinyPlugin.java"));
        assertThat(plugin).contains("implements PortalPlugin, IActions, IConfigDeclarations").doesNotContain("IMigrations");
        assertThat(project.resolve("src/main/resources/db")).doesNotExist();
        Path classes = compile(project.resolve("src/main/java"), work.resolve("classes"), System.getProperty("java.class.path"));
        compile(project.resolve("src/test/java"), work.resolve("test-classes"), classes + java.io.File.pathSeparator
                + System.getProperty("java.class.path"));
        Path pluginsDir = Files.createDirectories(work.resolve("plugins"));
        jar(pluginsDir.resolve("tiny.jar"), classes, project.resolve("src/main/resources"));
        try (TestPortal portal = TestPortal.builder().pluginsDir(pluginsDir).plugins("tiny").start()) {
            // Without an auth function the action is for sysadmins only.
            assertThat(portal.call("tiny_hello", TestPortal.SYSADMIN, Map.of())).isEqualTo("Hello, world!");
        }
    }

    @Test
    void badInputIsOneLineAndWritesNothing(@TempDir Path work) throws Exception {
        CliRun badName = CliRun.of("generate", "plugin", "Acme-Notes", "--output-dir", work.toString());
        assertThat(badName.code()).isNotZero();
        assertThat(badName.err().strip()).startsWith("error: NAME: must start with a lower case letter").doesNotContain("\n");
        CliRun badPoint = CliRun.of("generate", "plugin", "acme", "--output-dir", work.toString(), "--with", "actions,storage");
        assertThat(badPoint.err().strip()).isEqualTo("error: --with: unknown extension point 'storage' (one of [actions, auth, config, "
                + "validators, dataset-form, tasks, migrations])");
        CliRun badPackage = CliRun.of("generate", "plugin", "acme", "--output-dir", work.toString(), "--package", "Com.Acme");
        assertThat(badPackage.err()).startsWith("error: --package: must be a Java package");
        try (Stream<Path> files = Files.list(work)) {
            assertThat(files.toList()).isEmpty();
        }
        Files.writeString(Files.createDirectories(work.resolve("taken")).resolve("keep.txt"), "mine");
        CliRun taken = CliRun.of("generate", "plugin", "taken", "--output-dir", work.toString());
        assertThat(taken.err()).contains("exists and is not empty: nothing was written");
        try (Stream<Path> files = Files.list(work.resolve("taken"))) {
            assertThat(files.toList()).containsExactly(work.resolve("taken/keep.txt"));
        }
    }

    private static Path compile(Path sources, Path out, String classpath) throws IOException {
        List<String> options = List.of("-d", Files.createDirectories(out).toString(), "-cp", classpath, "--release", "17",
                "-Xlint:all", "-Werror", "-proc:none");
        List<String> files;
        try (Stream<Path> walk = Files.walk(sources)) {
            files = walk.map(Path::toString).filter(f -> f.endsWith(".java")).toList();
        }
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        java.io.StringWriter diagnostics = new java.io.StringWriter();
        boolean compiled = javac.getTask(diagnostics, null, null, options, null,
                javac.getStandardFileManager(null, null, null).getJavaFileObjectsFromStrings(files)).call();
        assertThat(compiled).as("javac " + sources + ":\n" + diagnostics).isTrue();
        return out;
    }

    private static void jar(Path jar, Path classes, Path resources) throws IOException {
        try (OutputStream file = Files.newOutputStream(jar); JarOutputStream out = new JarOutputStream(file)) {
            for (Path root : List.of(classes, resources)) {
                try (Stream<Path> files = Files.walk(root)) {
                    for (Path f : files.filter(Files::isRegularFile).toList()) {
                        out.putNextEntry(new JarEntry(root.relativize(f).toString().replace('\\', '/')));
                        Files.copy(f, out);
                        out.closeEntry();
                    }
                }
            }
        }
    }

    /** The version the generated pom must name: this build's, from the filtered properties the command reads. */
    static final class GenerateCommandVersions {
        static String portalkit() throws IOException {
            java.util.Properties p = new java.util.Properties();
            try (var in = dev.portalkit.runtime.cli.PortalCli.class.getResourceAsStream("build-versions.properties")) {
                p.load(in);
            }
            assertThat(p.getProperty("portalkit")).matches("\\d+\\.\\d+\\.\\d+(-SNAPSHOT)?");
            return p.getProperty("portalkit");
        }
    }
}
