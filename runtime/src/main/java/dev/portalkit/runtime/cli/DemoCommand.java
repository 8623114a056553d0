package dev.portalkit.runtime.cli;

import dev.portalkit.api.ErrorKind;
import dev.portalkit.api.PortalException;
import dev.portalkit.api.action.ActionContext;
import dev.portalkit.api.files.Upload;
import dev.portalkit.runtime.PortalContainer;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code portalkit demo ...}: example content for a first look at a fresh portal. */
@Command(name = "demo", description = "Example content for a fresh portal.", subcommands = DemoCommand.Seed.class)
public final class DemoCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /**
     * {@code portalkit demo seed}: two organizations, a group, five datasets (one private) and their
     * resources — links and uploaded files — created through the ordinary actions (so every rule,
     * validator and storage applies), with auth skipped as for {@code user add}. Running it again adds
     * nothing: an organization that exists already is left as it is, with its datasets.
     */
    @Command(name = "seed", description = "Fill the portal with a few example organizations, datasets and resources "
            + "(files included). Safe to run again: what exists already is left alone.")
    public static final class Seed implements Callable<Integer> {
        @Mixin
        CommonOptions common;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            try (PortalContainer container = PortalContainer.start(common.boot())) {
                ActionContext ctx = container.portal().context(Optional.empty(), true);
                int created = 0;
                for (DemoOrganization org : DemoContent.ORGANIZATIONS) {
                    if (exists(ctx, "organization_show", org.name())) {
                        out.printf("organization %s exists already: left as it is%n", org.name());
                        continue;
                    }
                    ctx.call("organization_create", Map.of("name", org.name(), "title", org.title(),
                            "description", org.description()));
                    for (DemoDataset dataset : org.datasets()) {
                        createDataset(ctx, org, dataset);
                        created++;
                    }
                    out.printf("created organization %s with %d datasets%n", org.name(), org.datasets().size());
                }
                String site = container.portal().config().string(dev.portalkit.runtime.core.CoreConfig.SITE_URL);
                out.printf("%d datasets created; open %s/ to see them (or %s/api/3/action/package_search)%n", created, site, site);
                demoUser(ctx, out, site);
                out.flush();
            }
            return 0;
        }

        private static void createDataset(ActionContext ctx, DemoOrganization org, DemoDataset dataset) {
            if (!exists(ctx, "group_show", DemoContent.GROUP_NAME)) {
                ctx.call("group_create", Map.of("name", DemoContent.GROUP_NAME, "title", DemoContent.GROUP_TITLE,
                        "description", DemoContent.GROUP_DESCRIPTION));
            }
            Map<String, Object> pkg = new LinkedHashMap<>();
            pkg.put("name", dataset.name());
            pkg.put("title", dataset.title());
            pkg.put("notes", dataset.notes());
            pkg.put("owner_org", org.name());
            pkg.put("private", dataset.isPrivate());
            pkg.put("license_id", "cc-by");
            if (dataset.inGroup()) {
                pkg.put("groups", List.of(Map.of("name", DemoContent.GROUP_NAME)));
            }
            ctx.call("package_create", pkg);
            for (DemoResource resource : dataset.resources()) {
                Map<String, Object> res = new LinkedHashMap<>();
                res.put("package_id", dataset.name());
                res.put("name", resource.name());
                res.put("description", resource.description());
                if (resource.url() != null) {
                    res.put("url", resource.url());
                    res.put("format", resource.format());
                } else {
                    byte[] bytes = resource.content().getBytes(StandardCharsets.UTF_8);
                    res.put("upload", Upload.of(bytes, resource.name(), resource.contentType()));
                }
                ctx.call("resource_create", res);
            }
        }

        /**
         * The demo's editor account, {@value DemoContent#USER}: an editor of the demo organizations, with
         * a random password printed once (never stored in clear). Run again, it is left as it is.
         */
        private static void demoUser(ActionContext ctx, PrintWriter out, String site) {
            if (exists(ctx, "user_show", DemoContent.USER)) {
                out.printf("user %s exists already: left as it is%n", DemoContent.USER);
                return;
            }
            byte[] random = new byte[12];
            new java.security.SecureRandom().nextBytes(random);
            String password = java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(random);
            ctx.call("user_create", Map.of("name", DemoContent.USER, "email", DemoContent.USER + "@example.org",
                    "fullname", "Demo editor", "password", password));
            for (DemoOrganization org : DemoContent.ORGANIZATIONS) {
                ctx.call("organization_member_create", Map.of("id", org.name(), "username", DemoContent.USER, "role", "editor"));
            }
            out.printf("log in at %s/user/login as %s with the password %s (an editor of the demo organizations)%n", site,
                    DemoContent.USER, password);
        }

        private static boolean exists(ActionContext ctx, String action, String id) {
            try {
                ctx.call(action, Map.of("id", id));
                return true;
            } catch (PortalException e) {
                if (e.kind() == ErrorKind.NOT_FOUND) {
                    return false;
                }
                throw e;
            }
        }
    }

    record DemoOrganization(String name, String title, String description, List<DemoDataset> datasets) {
    }

    record DemoDataset(String name, String title, String notes, boolean isPrivate, boolean inGroup,
            List<DemoResource> resources) {
    }

    /** A link ({@code url} set) or an uploaded file ({@code content} set). */
    record DemoResource(String name, String description, String url, String format, String content, String contentType) {
        static DemoResource link(String name, String description, String url, String format) {
            return new DemoResource(name, description, url, format, null, null);
        }

        static DemoResource file(String name, String description, String content, String contentType) {
            return new DemoResource(name, description, null, null, content, contentType);
        }
    }

    /** The example content: small, made up, but shaped like a real portal's. */
    static final class DemoContent {
        static final String GROUP_NAME = "demo-environment";
        static final String USER = "demo";
        static final String GROUP_TITLE = "Environment";
        static final String GROUP_DESCRIPTION = "Datasets about water, air and land.";

        static final List<DemoOrganization> ORGANIZATIONS = List.of(
                new DemoOrganization("demo-hydrology", "Hydrology Institute (demo)",
                        "Measurements of rivers and lakes. Example content made by `portalkit demo seed`.",
                        List.of(
                                new DemoDataset("demo-european-rivers", "Rivers of Europe",
                                        "Length, basin area and mouth of the longest European rivers.", false, true,
                                        List.of(DemoResource.file("rivers.csv", "One row per river.", riversCsv(), "text/csv"),
                                                DemoResource.file("rivers.json", "The same rows as JSON.", riversJson(),
                                                        "application/json"),
                                                DemoResource.link("Source", "Where the figures come from.",
                                                        "https://en.wikipedia.org/wiki/List_of_rivers_of_Europe", "HTML"))),
                                new DemoDataset("demo-lake-levels", "Lake levels (internal)",
                                        "Daily water levels of three lakes; private to the organization's members.", true,
                                        false, List.of(DemoResource.file("lake-levels.csv", "Daily levels in metres above sea level.",
                                                lakeLevelsCsv(), "text/csv"))))),
                new DemoOrganization("demo-transport", "City Transport Office (demo)",
                        "Counts and timetables of a made-up city. Example content made by `portalkit demo seed`.",
                        List.of(
                                new DemoDataset("demo-bike-counts", "Bicycle counts",
                                        "Hourly bicycle counts at four counting stations.", false, true,
                                        List.of(DemoResource.file("bike-counts.csv", "Hourly counts per station.", bikeCountsCsv(),
                                                        "text/csv"),
                                                DemoResource.file("README.txt", "What the columns mean.",
                                                        "station: counting station id\nhour: ISO 8601 start of the hour\n"
                                                                + "count: bicycles passing in both directions\n",
                                                        "text/plain"))),
                                new DemoDataset("demo-rail-stations", "Rail stations",
                                        "Stations of the regional rail network, as a link to the operator's open data.", false,
                                        false, List.of(DemoResource.link("Stations (GeoJSON)", "Kept by the operator.",
                                                "https://example.org/open-data/stations.geojson", "GeoJSON"))),
                                new DemoDataset("demo-air-quality", "Air quality",
                                        "Daily means of NO2 and PM10 at two stations.", false, true,
                                        List.of(DemoResource.file("air-quality.csv", "Daily means in µg/m³.", airQualityCsv(),
                                                "text/csv"))))));

        private static String riversCsv() {
            return "river,length_km,basin_km2,mouth\n"
                    + "Volga,3531,1360000,Caspian Sea\n"
                    + "Danube,2850,817000,Black Sea\n"
                    + "Ural,2428,231000,Caspian Sea\n"
                    + "Dnieper,2201,504000,Black Sea\n"
                    + "Don,1870,422000,Sea of Azov\n"
                    + "Rhine,1230,185000,North Sea\n"
                    + "Elbe,1094,148268,North Sea\n"
                    + "Loire,1012,117000,Atlantic Ocean\n";
        }

        private static String riversJson() {
            List<String> rows = new ArrayList<>();
            for (String line : riversCsv().lines().skip(1).toList()) {
                String[] f = line.split(",");
                rows.add(String.format("  {\"river\": \"%s\", \"length_km\": %s, \"basin_km2\": %s, \"mouth\": \"%s\"}",
                        f[0], f[1], f[2], f[3]));
            }
            return "[\n" + String.join(",\n", rows) + "\n]\n";
        }

        private static String lakeLevelsCsv() {
            StringBuilder csv = new StringBuilder("date,lake,level_m\n");
            String[] lakes = {"Lake Constance", "Lake Geneva", "Lake Neusiedl"};
            double[] base = {395.3, 372.0, 115.5};
            for (int day = 1; day <= 30; day++) {
                for (int l = 0; l < lakes.length; l++) {
                    double level = base[l] + 0.01 * ((day * 7 + l * 5) % 23 - 11);
                    csv.append(String.format(java.util.Locale.ROOT, "2026-06-%02d,%s,%.2f%n", day, lakes[l], level));
                }
            }
            return csv.toString();
        }

        private static String bikeCountsCsv() {
            StringBuilder csv = new StringBuilder("station,hour,count\n");
            for (int station = 1; station <= 4; station++) {
                for (int hour = 0; hour < 24; hour++) {
                    int rush = hour == 8 || hour == 17 ? 180 : hour >= 6 && hour <= 20 ? 60 : 5;
                    int count = rush + (station * 13 + hour * 7) % 29;
                    csv.append(String.format(java.util.Locale.ROOT, "S%d,2026-06-01T%02d:00,%d%n", station, hour, count));
                }
            }
            return csv.toString();
        }

        private static String airQualityCsv() {
            StringBuilder csv = new StringBuilder("date,station,no2,pm10\n");
            for (int day = 1; day <= 30; day++) {
                for (String station : new String[] {"Centre", "Park"}) {
                    int shift = station.equals("Centre") ? 14 : 0;
                    csv.append(String.format(java.util.Locale.ROOT, "2026-06-%02d,%s,%d,%d%n", day, station,
                            18 + shift + (day * 11) % 13, 12 + shift / 2 + (day * 5) % 9));
                }
            }
            return csv.toString();
        }

        private DemoContent() {
        }
    }
}
