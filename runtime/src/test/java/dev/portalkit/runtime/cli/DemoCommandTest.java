package dev.portalkit.runtime.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portalkit.runtime.testing.TestPortal;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code portalkit demo seed} on a fresh data directory, then again. */
class DemoCommandTest {
    @TempDir
    Path dataDir;

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int cli(String... args) {
        out.getBuffer().setLength(0);
        err.getBuffer().setLength(0);
        CommandLine cli = PortalCli.commandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        List<String> all = new java.util.ArrayList<>(List.of(args));
        all.addAll(List.of("--data-dir", dataDir.toString()));
        return cli.execute(all.toArray(String[]::new));
    }

    private String seed() {
        assertThat(cli("demo", "seed")).as(err.toString()).isZero();
        return out.toString();
    }

    @Test
    @SuppressWarnings("unchecked")
    void fillsAFreshPortalAndAddsNothingTheSecondTime() throws Exception {
        String[] fileId = new String[1];
        String first = seed();
        assertThat(first).contains("created organization demo-hydrology with 2 datasets", "5 datasets created");
        java.util.regex.Matcher login = java.util.regex.Pattern.compile("log in at \\S+/user/login as demo with the password (\\S+) ")
                .matcher(first);
        assertThat(login.find()).as(first).isTrue();

        try (TestPortal portal = TestPortal.builder().dataDir(dataDir).start()) {
            // The printed password signs the demo editor in; they edit the demo organizations' datasets.
            dev.portalkit.runtime.WebSessions sessions = portal.container().bean(dev.portalkit.runtime.WebSessions.class);
            assertThat(sessions.checkPassword("demo", login.group(1), null)).isPresent();
            Map<String, Object> hydrology = (Map<String, Object>) portal.call("organization_show", TestPortal.SYSADMIN,
                    Map.of("id", "demo-hydrology"));
            assertThat((List<Map<String, Object>>) hydrology.get("users")).anySatisfy(u ->
                    assertThat(u).containsEntry("name", "demo").containsEntry("capacity", "editor"));
            Map<String, Object> everyone = (Map<String, Object>) portal.call("package_search", TestPortal.ANONYMOUS,
                    Map.of("q", "", "rows", 100));
            assertThat(everyone.get("count")).as("the private dataset is hidden from anonymous users").isEqualTo(4L);
            Map<String, Object> all = (Map<String, Object>) portal.call("package_search", TestPortal.SYSADMIN,
                    Map.of("q", "", "rows", 100, "include_private", true));
            assertThat(all.get("count")).isEqualTo(5L);

            Map<String, Object> rivers = (Map<String, Object>) portal.call("package_show", TestPortal.ANONYMOUS,
                    Map.of("id", "demo-european-rivers"));
            List<Map<String, Object>> resources = (List<Map<String, Object>>) rivers.get("resources");
            assertThat(resources).extracting(r -> r.get("url_type")).containsExactly("upload", "upload", null);
            Map<String, Object> csv = resources.get(0);
            assertThat((String) csv.get("url")).endsWith("/dataset/" + rivers.get("id") + "/resource/" + csv.get("id")
                    + "/download/rivers.csv");
            assertThat(csv).containsEntry("format", "CSV").containsEntry("mimetype", "text/csv");

            // The bytes are a tracked file in the resources storage, owned by the resource.
            fileId[0] = fileOf(portal, (String) csv.get("id"));
            Map<String, Object> file = (Map<String, Object>) portal.call("files_file_show", TestPortal.SYSADMIN,
                    Map.of("id", fileId[0]));
            assertThat(file).containsEntry("storage", "resources").containsEntry("owner_type", "resource")
                    .containsEntry("owner_id", csv.get("id"));
            assertThat(((Number) file.get("size")).longValue()).isEqualTo(((Number) csv.get("size")).longValue());
            List<Map<String, Object>> groups = (List<Map<String, Object>>) rivers.get("groups");
            assertThat(groups).extracting(g -> g.get("name")).containsExactly("demo-environment");
        }

        Path copy = dataDir.resolve("rivers-copy.csv");
        assertThat(cli("files", "stream", fileId[0], "--output", copy.toString())).as(err::toString).isZero();
        assertThat(Files.readString(copy)).startsWith("river,length_km,basin_km2,mouth\n");

        String again = seed();
        assertThat(again).contains("organization demo-hydrology exists already", "0 datasets created", "user demo exists already")
                .doesNotContain("with the password");
        try (TestPortal portal = TestPortal.builder().dataDir(dataDir).start()) {
            Map<String, Object> all = (Map<String, Object>) portal.call("package_search", TestPortal.SYSADMIN,
                    Map.of("q", "", "rows", 100, "include_private", true));
            assertThat(all.get("count")).isEqualTo(5L);
            Map<String, Object> files = (Map<String, Object>) portal.call("files_file_search", TestPortal.SYSADMIN,
                    Map.of("rows", 100));
            assertThat(files.get("count")).as("one tracked file per uploaded resource, none from the second run")
                    .isEqualTo(6L);
        }
    }

    @SuppressWarnings("unchecked")
    private static String fileOf(TestPortal portal, String resourceId) {
        Map<String, Object> found = (Map<String, Object>) portal.call("files_file_search", TestPortal.SYSADMIN,
                Map.of("owner_type", "resource", "owner_id", resourceId));
        return (String) ((List<Map<String, Object>>) found.get("results")).get(0).get("id");
    }
}
