package dev.portalkit.runtime.cli;

import dev.portalkit.api.PortalException;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code portalkit generate plugin NAME}: a new plugin project that compiles and passes its test as
 * written (CKAN's {@code ckan generate extension}): the pom with this build's versions, the plugin
 * class with the extension points asked for, {@code META-INF/beans.xml}, the services file, a
 * migration when asked, a test on a real portal, and a README saying how to build and enable it.
 */
@Command(name = "generate", description = "Generate a new project.", subcommands = {GenerateCommand.Plugin.class})
public final class GenerateCommand implements Runnable {
    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** The extension points a generated plugin can implement. */
    enum Kind {
        ACTIONS("actions", "IActions: an action NAME_hello (always generated: the others use it)"),
        AUTH("auth", "IAuthFunctions: NAME_hello open to everyone (else sysadmins only)"),
        CONFIG("config", "IConfigDeclarations: the option portal.NAME.greeting"),
        VALIDATORS("validators", "IValidators: the validator NAME_upper, used by NAME_hello"),
        DATASET_FORM("dataset-form", "IDatasetForm: a dataset field NAME_code"),
        TASKS("tasks", "ITasks: an action NAME_audit whose post-commit task NAME_log runs after its commit"),
        MIGRATIONS("migrations", "IMigrations: a table NAME_item and the action NAME_item_count");

        final String word;
        final String help;

        Kind(String word, String help) {
            this.word = word;
            this.help = help;
        }

        static Kind of(String word) {
            for (Kind k : values()) {
                if (k.word.equals(word.trim().toLowerCase(Locale.ROOT))) {
                    return k;
                }
            }
            throw PortalException.badRequest("--with: unknown extension point '" + word.trim() + "' (one of "
                    + Stream.of(values()).map(k -> k.word).toList() + ")");
        }
    }

    @Command(name = "plugin", description = "Generate a new plugin project (Maven) in OUTPUT_DIR/NAME: it compiles and passes its "
            + "test as generated. Extension points (--with, comma separated, default all): actions, auth, config, validators, "
            + "dataset-form, tasks, migrations.")
    static final class Plugin implements Callable<Integer> {
        @Parameters(index = "0", paramLabel = "NAME", description = "The plugin's name (lower case letters, digits, _; "
                + "used in portal.plugins, action names and config keys).")
        String name;

        @Option(names = "--output-dir", paramLabel = "DIR", description = "Where the project folder NAME is made (default: here).")
        Path outputDir;

        @Option(names = "--package", paramLabel = "PACKAGE", description = "The Java package (default: com.example.portalkit.NAME).")
        String javaPackage;

        @Option(names = "--group-id", paramLabel = "GROUP", description = "The Maven groupId (default: the package).")
        String groupId;

        @Option(names = "--with", paramLabel = "POINTS", split = ",", description = "Extension points to implement (default: all).")
        List<String> with;

        @Spec
        picocli.CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() throws IOException {
            if (name == null || !name.matches("[a-z][a-z0-9_]{0,39}")) {
                throw PortalException.badRequest("NAME: must start with a lower case letter and have only lower case letters, "
                        + "digits and _ (at most 40), e.g. acme_notes; got '" + name + "'");
            }
            String pkg = javaPackage == null ? "com.example.portalkit." + name : javaPackage.strip();
            if (!pkg.matches("[a-z_][a-z0-9_]*(\\.[a-z_][a-z0-9_]*)*")) {
                throw PortalException.badRequest("--package: must be a Java package of lower case names separated by dots, e.g. "
                        + "com.acme.notes; got '" + pkg + "'");
            }
            Set<Kind> kinds = EnumSet.of(Kind.ACTIONS);
            if (with == null || with.isEmpty()) {
                kinds = EnumSet.allOf(Kind.class);
            } else {
                for (String w : new LinkedHashSet<>(with)) {
                    kinds.add(Kind.of(w));
                }
            }
            Path project = (outputDir == null ? Path.of("") : outputDir).toAbsolutePath().normalize().resolve(name);
            if (Files.exists(project)) {
                try (Stream<Path> entries = Files.isDirectory(project) ? Files.list(project) : Stream.of(project)) {
                    if (entries.findAny().isPresent()) {
                        throw PortalException.badRequest("--output-dir: " + project + " exists and is not empty: nothing was written");
                    }
                }
            }
            PluginProject generated = new PluginProject(name, pkg, groupId == null ? pkg : groupId.strip(), kinds, versions());
            Map<String, String> files = generated.files();
            for (Map.Entry<String, String> file : files.entrySet()) {
                Path target = project.resolve(file.getKey());
                Files.createDirectories(target.getParent());
                Files.writeString(target, file.getValue());
            }
            PrintWriter out = spec.commandLine().getOut();
            out.println("Generated plugin '" + name + "' (" + kinds.stream().map(k -> k.word).toList() + ") in " + project
                    + ": " + files.size() + " files");
            out.println("Next: cd " + project + " && mvn -B verify   (then see its README.md to enable it)");
            out.flush();
            return 0;
        }
    }

    /** The versions of this build ({@code build-versions.properties}, filtered by Maven). */
    static Properties versions() throws IOException {
        Properties p = new Properties();
        try (InputStream in = GenerateCommand.class.getResourceAsStream("build-versions.properties")) {
            if (in == null) {
                throw new IOException("build-versions.properties is missing from the portalkit jar");
            }
            p.load(in);
        }
        return p;
    }
}
