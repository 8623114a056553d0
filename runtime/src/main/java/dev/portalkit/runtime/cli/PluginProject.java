package dev.portalkit.runtime.cli;

import dev.portalkit.runtime.cli.GenerateCommand.Kind;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;

/**
 * The files of a generated plugin project, by relative path: what {@code portalkit generate plugin}
 * writes. Every generated file is whole (imports, signatures, versions): the project compiles and
 * its test passes as written.
 */
final class PluginProject {
    private final String name;
    private final String pkg;
    private final String groupId;
    private final Set<Kind> kinds;
    private final Properties versions;
    private final String className;

    PluginProject(String name, String pkg, String groupId, Set<Kind> kinds, Properties versions) {
        this.name = name;
        this.pkg = pkg;
        this.groupId = groupId;
        this.kinds = kinds;
        this.versions = versions;
        this.className = className(name);
    }

    /** {@code acme_notes} is {@code AcmeNotesPlugin}. */
    static String className(String name) {
        StringBuilder b = new StringBuilder();
        for (String part : name.split("_")) {
            if (!part.isEmpty()) {
                b.append(part.substring(0, 1).toUpperCase(Locale.ROOT)).append(part.substring(1));
            }
        }
        return b + "Plugin";
    }

    private boolean has(Kind kind) {
        return kinds.contains(kind);
    }

    Map<String, String> files() {
        Map<String, String> files = new LinkedHashMap<>();
        String path = pkg.replace('.', '/');
        files.put("pom.xml", pom());
        files.put("src/main/java/" + path + "/" + className + ".java", plugin());
        files.put("src/main/resources/META-INF/beans.xml", """
                <?xml version="1.0" encoding="UTF-8"?>
                <!-- CDI finds the plugin bean (annotated @ApplicationScoped) on the class path or in a WAR's WEB-INF/lib. -->
                <beans xmlns="https://jakarta.ee/xml/ns/jakartaee" version="4.0" bean-discovery-mode="annotated"/>
                """);
        // The standalone portal finds a jar dropped into <data-dir>/plugins by this file.
        files.put("src/main/resources/META-INF/services/dev.portalkit.api.plugin.PortalPlugin", pkg + "." + className + "\n");
        if (has(Kind.MIGRATIONS)) {
            files.put("src/main/resources/db/migration/" + name + "/V1__" + name + "_item.sql", """
                    -- Runs once at start (portal.db.auto_upgrade) or with `portalkit db upgrade -p %1$s`; history in portal_migrations_%1$s.
                    -- Write SQL that both H2 and PostgreSQL accept.
                    CREATE TABLE %1$s_item (
                        id VARCHAR(36) PRIMARY KEY,
                        label VARCHAR(200) NOT NULL
                    );
                    """.formatted(name));
        }
        files.put("src/test/java/" + path + "/" + className + "Test.java", test());
        files.put("README.md", readme());
        files.put(".gitignore", "target/\n");
        return files;
    }

    private String pom() {
        return """
                <?xml version="1.0" encoding="UTF-8"?>
                <project xmlns="http://maven.apache.org/POM/4.0.0"
                         xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
                         xsi:schemaLocation="http://maven.apache.org/POM/4.0.0 https://maven.apache.org/xsd/maven-4.0.0.xsd">
                  <modelVersion>4.0.0</modelVersion>
                  <groupId>%1$s</groupId>
                  <artifactId>portalkit-plugin-%2$s</artifactId>
                  <version>0.1.0-SNAPSHOT</version>
                  <name>Portalkit plugin %2$s</name>

                  <properties>
                    <maven.compiler.release>17</maven.compiler.release>
                    <project.build.sourceEncoding>UTF-8</project.build.sourceEncoding>
                    <portalkit.version>%3$s</portalkit.version>
                  </properties>

                  <dependencies>
                    <!-- A plugin compiles against the api only: the host supplies it, and CDI, at run time. -->
                    <dependency><groupId>dev.portalkit</groupId><artifactId>portalkit-api</artifactId><version>${portalkit.version}</version><scope>provided</scope></dependency>
                    <dependency><groupId>jakarta.enterprise</groupId><artifactId>jakarta.enterprise.cdi-api</artifactId><version>%4$s</version><scope>provided</scope></dependency>

                    <!-- Tests boot a real portal (TestPortal, H2 by default; TestDb.POSTGRES starts a real PostgreSQL). -->
                    <dependency><groupId>dev.portalkit</groupId><artifactId>portalkit-runtime</artifactId><version>${portalkit.version}</version><scope>test</scope></dependency>
                    <dependency><groupId>dev.portalkit</groupId><artifactId>portalkit-runtime</artifactId><version>${portalkit.version}</version><type>test-jar</type><scope>test</scope></dependency>
                    <dependency><groupId>org.junit.jupiter</groupId><artifactId>junit-jupiter</artifactId><version>%5$s</version><scope>test</scope></dependency>
                    <dependency><groupId>org.assertj</groupId><artifactId>assertj-core</artifactId><version>%6$s</version><scope>test</scope></dependency>
                  </dependencies>

                  <build>
                    <plugins>
                      <plugin><groupId>org.apache.maven.plugins</groupId><artifactId>maven-compiler-plugin</artifactId><version>%7$s</version></plugin>
                      <plugin><groupId>org.apache.maven.plugins</groupId><artifactId>maven-surefire-plugin</artifactId><version>%8$s</version></plugin>
                %9$s    </plugins>
                  </build>
                </project>
                """.formatted(groupId, name.replace('_', '-'), versions.getProperty("portalkit"), versions.getProperty("cdi-api"),
                versions.getProperty("junit"), versions.getProperty("assertj"), versions.getProperty("compiler-plugin"),
                versions.getProperty("surefire-plugin"), otherPlugins());
    }

    /** The other plugins of the default life cycle, pinned to this build's versions (Maven's own defaults are old). */
    private String otherPlugins() {
        StringBuilder b = new StringBuilder();
        for (String plugin : List.of("resources", "jar", "install", "clean")) {
            b.append("      <plugin><groupId>org.apache.maven.plugins</groupId><artifactId>maven-").append(plugin)
                    .append("-plugin</artifactId><version>").append(versions.getProperty(plugin + "-plugin")).append("</version></plugin>\n");
        }
        return b.toString();
    }

    private String plugin() {
        List<String> imports = new ArrayList<>(List.of("dev.portalkit.api.action.Action", "dev.portalkit.api.action.IActions",
                "dev.portalkit.api.plugin.PortalPlugin", "dev.portalkit.api.validation.Schema", "jakarta.enterprise.context.ApplicationScoped",
                "java.util.LinkedHashMap", "java.util.Map"));
        List<String> interfaces = new ArrayList<>(List.of("PortalPlugin", "IActions"));
        StringBuilder body = new StringBuilder();
        if (has(Kind.CONFIG)) {
            body.append("""
                        /** The greeting of %1$s_hello (declared below: checked at start, printed by `portalkit config declaration %1$s -d`). */
                        static final String GREETING = "portal.%1$s.greeting";

                    """.formatted(name));
        }
        body.append("""
                    @Override
                    public String name() {
                        return "%1$s";
                    }

                    @Override
                    public String description() {
                        return "The %1$s plugin";
                    }

                """.formatted(name));
        String greeting = has(Kind.CONFIG) ? "ctx.config().string(GREETING)" : "\"Hello\"";
        String nameChain = has(Kind.VALIDATORS) ? "\"default(world)\", \"unicode_safe\", \"" + name + "_upper\"" : "\"default(world)\", \"unicode_safe\"";
        body.append("""
                    // ---- IActions: (ActionContext, data) -> result, in the caller's transaction ----

                    @Override
                    public Map<String, Action> actions() {
                        Map<String, Action> actions = new LinkedHashMap<>();
                        // sideEffectFree: it only reads, so GET may call it too (other actions are POST only).
                        actions.put("%1$s_hello", Action.sideEffectFree((ctx, data) -> {
                            Map<String, Object> valid = ctx.validate(Schema.empty().with("name", %2$s), data);
                            return %3$s + ", " + valid.get("name") + "!";
                        }));
                """.formatted(name, nameChain, greeting));
        if (has(Kind.TASKS)) {
            body.append("""
                            // withTaskQueue: the action may queue tasks, which run after its transaction commits.
                            actions.put("%1$s_audit", Action.withTaskQueue((ctx, data) -> {
                                Map<String, Object> valid = ctx.validate(Schema.empty().with("label", "not_empty", "unicode_safe"), data);
                                ctx.tasks().add("%1$s_log", Map.of("label", valid.get("label")));
                                return Map.of("queued", valid.get("label"));
                            }));
                    """.formatted(name));
        }
        if (has(Kind.MIGRATIONS)) {
            imports.addAll(List.of("dev.portalkit.api.ErrorKind", "dev.portalkit.api.PortalException", "java.sql.PreparedStatement",
                    "java.sql.ResultSet", "java.sql.SQLException"));
            body.append("""
                            // ctx.jdbc() is the action's transaction: the plugin's own table (src/main/resources/db/migration/%1$s).
                            actions.put("%1$s_item_count", Action.sideEffectFree((ctx, data) -> {
                                try (PreparedStatement ps = ctx.jdbc().prepareStatement("SELECT COUNT(*) FROM %1$s_item");
                                     ResultSet rs = ps.executeQuery()) {
                                    rs.next();
                                    return rs.getLong(1);
                                } catch (SQLException e) {
                                    throw new PortalException(ErrorKind.TRANSIENT, "cannot count the items: " + e.getMessage(), e);
                                }
                            }));
                    """.formatted(name));
        }
        body.append("""
                        return actions;
                    }
                """);
        if (has(Kind.AUTH)) {
            interfaces.add("IAuthFunctions");
            imports.addAll(List.of("dev.portalkit.api.auth.AuthFunction", "dev.portalkit.api.auth.AuthResult",
                    "dev.portalkit.api.auth.IAuthFunctions"));
            body.append("""

                        // ---- IAuthFunctions: who may call an action (an action without one is for sysadmins only) ----

                        @Override
                        public Map<String, AuthFunction> authFunctions() {
                            Map<String, AuthFunction> auth = new LinkedHashMap<>();
                            // allowAnonymous: callers without a token reach the function (else they are refused before it runs).
                            auth.put("%1$s_hello", AuthFunction.allowAnonymous((ctx, data) -> AuthResult.allow()));
                    """.formatted(name));
            if (has(Kind.TASKS)) {
                body.append("""
                                auth.put("%1$s_audit", (ctx, data) -> ctx.user().isPresent() ? AuthResult.allow()
                                        : AuthResult.deny("Only signed-in users may audit"));
                        """.formatted(name));
            }
            if (has(Kind.MIGRATIONS)) {
                body.append("""
                                auth.put("%1$s_item_count", (ctx, data) -> AuthResult.allow());
                        """.formatted(name));
            }
            body.append("""
                            return auth;
                        }
                    """);
        }
        if (has(Kind.CONFIG)) {
            interfaces.add("IConfigDeclarations");
            imports.addAll(List.of("dev.portalkit.api.config.ConfigDeclaration", "dev.portalkit.api.config.ConfigOption",
                    "dev.portalkit.api.config.IConfigDeclarations"));
            body.append("""

                        // ---- IConfigDeclarations: every option read, under the plugin's own namespace ----

                        @Override
                        public void declareConfig(ConfigDeclaration declaration) {
                            declaration.namespace("portal.%1$s.");
                            declaration.option(ConfigOption.of(GREETING, "Greeting used by the %1$s_hello action.").defaultValue("Hello"));
                        }
                    """.formatted(name));
        }
        if (has(Kind.VALIDATORS)) {
            interfaces.add("IValidators");
            imports.addAll(List.of("dev.portalkit.api.validation.IValidators", "dev.portalkit.api.validation.Invalid",
                    "dev.portalkit.api.validation.Validator", "java.util.Locale"));
            body.append("""

                        // ---- IValidators: validators that schemas name ----

                        @Override
                        public Map<String, Validator> validators() {
                            return Map.of("%1$s_upper", field -> {
                                if (!(field.value() instanceof String text)) {
                                    throw new Invalid("Must be a string");
                                }
                                field.set(text.toUpperCase(Locale.ROOT));
                            });
                        }
                    """.formatted(name));
        }
        if (has(Kind.DATASET_FORM)) {
            interfaces.add("IDatasetForm");
            imports.add("dev.portalkit.api.validation.IDatasetForm");
            String chain = has(Kind.VALIDATORS) ? "\"ignore_missing\", \"unicode_safe\", \"" + name + "_upper\"" : "\"ignore_missing\", \"unicode_safe\"";
            body.append("""

                        // ---- IDatasetForm: the dataset schema, as the core and earlier plugins left it ----

                        @Override
                        public Schema createPackageSchema(Schema schema) {
                            return schema.with("%1$s_code", %2$s);
                        }

                        @Override
                        public Schema updatePackageSchema(Schema schema) {
                            return schema.with("%1$s_code", %2$s);
                        }

                        @Override
                        public Schema showPackageSchema(Schema schema) {
                            return schema.with("%1$s_code", "ignore_missing");
                        }
                    """.formatted(name, chain));
        }
        if (has(Kind.TASKS)) {
            interfaces.add("ITasks");
            imports.addAll(List.of("dev.portalkit.api.task.ITasks", "dev.portalkit.api.task.TaskHandler"));
            body.append("""

                        // ---- ITasks: handlers of post-commit tasks, by type (each runs in its own transaction, retried on failure) ----

                        @Override
                        public Map<String, TaskHandler> taskHandlers() {
                            return Map.of("%1$s_log", run -> "logged " + run.payload().get("label"));
                        }
                    """.formatted(name));
        }
        if (has(Kind.MIGRATIONS)) {
            interfaces.add("IMigrations");
            imports.add("dev.portalkit.api.plugin.IMigrations");
            body.append("""

                        // ---- IMigrations: the plugin's own tables (Flyway scripts in this class path folder) ----

                        @Override
                        public String migrationLocation() {
                            return "db/migration/%1$s";
                        }
                    """.formatted(name));
        }
        StringBuilder java = new StringBuilder("package " + pkg + ";\n\n");
        imports.stream().distinct().sorted().forEach(i -> java.append("import ").append(i).append(";\n"));
        java.append("""

                /**
                 * The %1$s plugin. Enable it with {@code portal.plugins = %1$s}; see README.md.
                 */
                @ApplicationScoped
                public class %2$s implements %3$s {
                """.formatted(name, className, String.join(", ", interfaces)));
        java.append(body).append("}\n");
        return java.toString();
    }

    private String test() {
        String expected = has(Kind.VALIDATORS) ? "ADA" : "Ada";
        String caller = has(Kind.AUTH) ? "TestPortal.ANONYMOUS" : "TestPortal.SYSADMIN";
        StringBuilder t = new StringBuilder("""
                package %1$s;

                import static org.assertj.core.api.Assertions.assertThat;

                import dev.portalkit.runtime.testing.TestPortal;
                import java.util.Map;
                import org.junit.jupiter.api.Test;

                /** The plugin on a real portal (H2 in a temporary data directory; TestDb.POSTGRES for a real PostgreSQL). */
                class %2$sTest {
                    @Test
                    void helloAnswers() {
                        try (TestPortal portal = TestPortal.builder().plugins("%3$s").start()) {
                            assertThat(portal.call("%3$s_hello", %4$s, Map.of("name", "Ada"))).isEqualTo("Hello, %5$s!");
                        }
                    }
                """.formatted(pkg, className, name, caller, expected));
        if (has(Kind.CONFIG)) {
            t.append("""

                        @Test
                        void theGreetingIsAnOption() {
                            try (TestPortal portal = TestPortal.builder().plugins("%1$s").option("portal.%1$s.greeting", "Hi").start()) {
                                assertThat(portal.call("%1$s_hello", %2$s, Map.of())).asString().startsWith("Hi, ");
                            }
                        }
                    """.formatted(name, caller));
        }
        if (has(Kind.TASKS)) {
            t.append("""

                        @Test
                        void auditQueuesATask() {
                            try (TestPortal portal = TestPortal.builder().plugins("%1$s").start()) {
                                assertThat(portal.call("%1$s_audit", TestPortal.SYSADMIN, Map.of("label", "first"))).isEqualTo(Map.of("queued", "first"));
                            }
                        }
                    """.formatted(name));
        }
        if (has(Kind.MIGRATIONS)) {
            t.append("""

                        @Test
                        void theTableIsMigrated() {
                            try (TestPortal portal = TestPortal.builder().plugins("%1$s").start()) {
                                assertThat(portal.call("%1$s_item_count", TestPortal.SYSADMIN, Map.of())).isEqualTo(0L);
                            }
                        }
                    """.formatted(name));
        }
        return t.append("}\n").toString();
    }

    private String readme() {
        return """
                # The %1$s plugin for Portalkit

                Generated by `portalkit generate plugin %1$s` (extension points: %2$s).

                ```sh
                mvn -B verify        # compiles and runs the test on a real portal (needs portalkit %3$s in your Maven repository)
                ```

                Enable it in a standalone portal: copy `target/portalkit-plugin-%4$s-0.1.0-SNAPSHOT.jar` (with any library it
                bundles) into `<data-dir>/plugins/` and set `portal.plugins = %1$s` (the first plugin listed is the outermost
                link of chained actions and auth functions). In a WAR, add the jar to `WEB-INF/lib`.
                `portalkit plugins` lists it with the extension points it implements; then

                ```sh
                curl -s 'http://127.0.0.1:5000/api/3/action/%1$s_hello?name=Ada'
                ```

                Each extension point is explained in the example plugin's README, the plugin tutorial.
                """.formatted(name, kinds.stream().map(k -> k.word).toList(), versions.getProperty("portalkit"), name.replace('_', '-'));
    }
}
