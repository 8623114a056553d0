package dev.portalkit.runtime.files;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portalkit.runtime.Portal;
import dev.portalkit.runtime.model.ResourceRecord;
import dev.portalkit.runtime.model.UserRecord;
import dev.portalkit.runtime.testing.CliRun;
import dev.portalkit.runtime.testing.TestPortal;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code files migrate local-filestore}, {@code files migrate groups|users|local-resources} and
 * {@code files transfer} between two fs storages, through the CLI against a portal's data
 * directory: a generated classic CKAN storage_path of 1,000 files, a run interrupted half-way
 * (and its last log line torn) and resumed, a re-run that changes nothing, --revert, hashes.
 */
class MigrationCliTest {
    private static final int RESOURCES = 120;
    private static final int ORPHAN_RESOURCE_FILES = 870;

    private static Map<String, String> options(Path dir) {
        Map<String, String> o = new LinkedHashMap<>();
        o.put("portal.files.storage.files.type", "files:fs");
        o.put("portal.files.storage.files.path", dir.resolve("files").toString());
        o.put("portal.files.storage.files.create_path", "true");
        o.put("portal.files.storage.files.recursive", "true");
        o.put("portal.files.storage.other.type", "files:fs");
        o.put("portal.files.storage.other.path", dir.resolve("other").toString());
        o.put("portal.files.storage.other.create_path", "true");
        o.put("portal.files.storage.classicres.type", "files:fs");
        o.put("portal.files.storage.classicres.path", dir.resolve("classic/resources").toString());
        o.put("portal.files.storage.classicres.create_path", "true");
        o.put("portal.files.storage.classicres.recursive", "true");
        o.put("portal.files.storage.classicgroups.type", "files:fs");
        o.put("portal.files.storage.classicgroups.path", dir.resolve("classic/storage/uploads/group").toString());
        o.put("portal.files.storage.classicgroups.create_path", "true");
        o.put("portal.files.storage.classicusers.type", "files:fs");
        o.put("portal.files.storage.classicusers.path", dir.resolve("classic/storage/uploads/user").toString());
        o.put("portal.files.storage.classicusers.create_path", "true");
        o.put("portal.files.default_storage", "files");
        o.put("portal.auth.password_iterations", "1000");
        return o;
    }

    private static TestPortal portal(Path dir) {
        TestPortal.Builder builder = TestPortal.builder().dataDir(dir.resolve("data"));
        options(dir).forEach(builder::option);
        return builder.start();
    }

    private static CliRun cli(Path dir, String... args) {
        return CliRun.in(dir.resolve("data"), options(dir), args);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> call(TestPortal portal, String action, Object... kv) {
        Map<String, Object> data = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            data.put((String) kv[i], kv[i + 1]);
        }
        return (Map<String, Object>) portal.call(action, TestPortal.SYSADMIN, data);
    }

    static String md5(Path file) throws Exception {
        MessageDigest md5 = MessageDigest.getInstance("MD5");
        md5.update(Files.readAllBytes(file));
        return HexFormat.of().formatHex(md5.digest());
    }

    private static void write(Path file, Random random) throws IOException {
        Files.createDirectories(file.getParent());
        byte[] bytes = new byte[50 + random.nextInt(3000)];
        random.nextBytes(bytes);
        Files.write(file, bytes);
    }

    /** The classic layout of a resource id: resources/abc/def/ghijk... */
    private static Path resourcePath(Path classic, String id) {
        return classic.resolve("resources").resolve(id.substring(0, 3)).resolve(id.substring(3, 6)).resolve(id.substring(6));
    }

    /** What the test made: resource ids with their url, group / user ids with their image_url. */
    private record Portalful(Map<String, String> resources, Map<String, String> groups, Map<String, String> users) {
    }

    /** A classic portal: resources (url_type upload) with files, group and user images, admin uploads, orphans: 1,000 files. */
    private static Portalful classicPortal(TestPortal portal, Path classic) throws IOException {
        Random random = new Random(42);
        Map<String, Object> org = call(portal, "organization_create", "name", "classic-org", "image_url", "org-logo.png");
        Map<String, String> groups = new TreeMap<>();
        groups.put((String) org.get("id"), "org-logo.png");
        Map<String, Object> linked = call(portal, "group_create", "name", "linked-group", "image_url",
                "http://old.example.org/uploads/group/group-logo.png");
        groups.put((String) linked.get("id"), "http://old.example.org/uploads/group/group-logo.png");
        Map<String, Object> external = call(portal, "group_create", "name", "external-group", "image_url", "https://cdn.example.org/x.png");
        Map<String, String> users = new TreeMap<>();
        for (String name : List.of("ann", "bob")) {
            Map<String, Object> u = call(portal, "user_create", "name", name, "email", name + "@example.org", "password",
                    "correct horse battery");
            users.put((String) u.get("id"), name + "-avatar.png");
        }
        // The bare name CKAN kept for an uploaded avatar (set directly: the file is not uploaded through the actions here).
        portal.portal().inTransaction(() -> {
            users.forEach((id, image) -> portal.portal().transactions().em().find(UserRecord.class, id).imageUrl = image);
            return null;
        });
        Map<String, String> resources = new TreeMap<>();
        Portal p = portal.portal();
        for (int d = 0; d < RESOURCES / 10; d++) {
            Map<String, Object> dataset = call(portal, "package_create", "name", "classic-" + d, "owner_org", org.get("id"));
            for (int r = 0; r < 10; r++) {
                String url = "data-" + d + "-" + r + ".csv";
                Map<String, Object> res = call(portal, "resource_create", "package_id", dataset.get("id"), "url", url);
                resources.put((String) res.get("id"), url);
                write(resourcePath(classic, (String) res.get("id")), random);
            }
        }
        // Classic uploads: url_type upload with the bare file name (set directly: no upload through the actions here).
        p.inTransaction(() -> {
            resources.keySet().forEach(id -> p.transactions().em().find(ResourceRecord.class, id).urlType = "upload");
            return null;
        });
        for (int i = 0; i < ORPHAN_RESOURCE_FILES; i++) {
            write(resourcePath(classic, UUID.randomUUID().toString()), random);
        }
        Path uploads = classic.resolve("storage/uploads");
        for (String name : List.of("org-logo.png", "group-logo.png", "deleted-group.png")) {
            write(uploads.resolve("group").resolve(name), random);
        }
        for (String name : List.of("ann-avatar.png", "bob-avatar.png", "gone-avatar.png")) {
            write(uploads.resolve("user").resolve(name), random);
        }
        for (String name : List.of("site-logo.png", "banner.jpg", "favicon.ico", "about.html")) {
            write(uploads.resolve("admin").resolve(name), random);
        }
        assertThat(external.get("image_url")).isEqualTo("https://cdn.example.org/x.png");
        return new Portalful(resources, groups, users);
    }

    private static List<Path> tree(Path classic) throws IOException {
        try (Stream<Path> files = Files.walk(classic)) {
            return files.filter(Files::isRegularFile).sorted().toList();
        }
    }

    private static Map<String, String> hashes(Path classic) throws Exception {
        Map<String, String> out = new TreeMap<>();
        for (Path file : tree(classic)) {
            out.put(classic.relativize(file).toString(), md5(file));
        }
        return out;
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> files(TestPortal portal, String storage) {
        Map<String, Object> found = call(portal, "files_file_search", "storage", storage, "rows", 1000, "sort", "location");
        return (List<Map<String, Object>>) found.get("results");
    }

    @Test
    void localFilestoreIsMigratedResumedRerunAndReverted(@TempDir Path dir) throws Exception {
        Path classic = dir.resolve("classic");
        Portalful made;
        try (TestPortal portal = portal(dir)) {
            made = classicPortal(portal, classic);
        }
        Map<String, String> before = hashes(classic);
        assertThat(before).hasSize(1000);

        CliRun dry = cli(dir, "files", "migrate", "local-filestore", classic.toString(), "-s", "files", "--dry-run");
        assertThat(dry.code()).as(dry.err()).isZero();
        assertThat(dry.out().lines().filter(l -> l.startsWith("would migrate "))).hasSize(1000);
        assertThat(dry.err()).contains("1000 file(s) migrated, 0 already done");
        assertThat(dir.resolve("data/migrations")).doesNotExist();
        assertThat(dir.resolve("files")).satisfiesAnyOf(f -> assertThat(f).doesNotExist(), f -> assertThat(tree(f)).isEmpty());

        CliRun half = cli(dir, "files", "migrate", "local-filestore", classic.toString(), "-s", "files", "--limit", "500");
        assertThat(half.code()).as(half.err()).isZero();
        assertThat(half.err()).contains("500 file(s) migrated, 0 already done (stopped at --limit; run again to continue)");
        // An interruption between the database commit and the log: the last "done" line is lost, and a line is torn.
        Path log = dir.resolve("data/migrations/local-filestore-files.jsonl");
        List<String> lines = new ArrayList<>(Files.readAllLines(log));
        assertThat(lines.get(lines.size() - 1)).contains("\"op\":\"done\"");
        lines.remove(lines.size() - 1);
        Files.writeString(log, String.join("\n", lines) + "\n{\"op\":\"begin\",\"key\":\"resou", StandardCharsets.UTF_8);

        CliRun resumed = cli(dir, "files", "migrate", "local-filestore", classic.toString(), "-s", "files");
        assertThat(resumed.code()).as(resumed.err()).isZero();
        assertThat(resumed.err()).contains("501 file(s) migrated, 499 already done").doesNotContain("error");

        try (TestPortal portal = portal(dir)) {
            checkMigrated(portal, classic, made, before);
        }

        CliRun again = cli(dir, "files", "migrate", "local-filestore", classic.toString(), "-s", "files");
        assertThat(again.code()).as(again.err()).isZero();
        assertThat(again.err()).contains("0 file(s) migrated, 1000 already done");

        CliRun revert = cli(dir, "files", "migrate", "local-filestore", classic.toString(), "-s", "files", "--revert");
        assertThat(revert.code()).as(revert.err()).isZero();
        assertThat(revert.err()).contains("1000 item(s) set back");
        try (TestPortal portal = portal(dir)) {
            for (Map.Entry<String, String> r : made.resources().entrySet()) {
                Map<String, Object> res = call(portal, "resource_show", "id", r.getKey());
                assertThat(res).containsEntry("url_type", "upload");
                assertThat(fileId(portal, r.getKey())).isNull();
                assertThat((String) res.get("url")).endsWith(r.getValue());
            }
            made.groups().forEach((id, image) -> assertThat(groupImage(portal, id)).isEqualTo(image));
            made.users().forEach((id, image) -> assertThat(call(portal, "user_show", "id", id).get("image_url")).isEqualTo(image));
            assertThat(files(portal, "files")).as("the copies stay tracked").hasSize(1000);
        }
        assertThat(hashes(classic)).as("the source is never touched").isEqualTo(before);

        CliRun redo = cli(dir, "files", "migrate", "local-filestore", classic.toString(), "-s", "files");
        assertThat(redo.err()).contains("1000 file(s) migrated, 0 already done");
        try (TestPortal portal = portal(dir)) {
            checkMigrated(portal, classic, made, before);
        }
    }

    /** The image_url of a group or an organization. */
    private static Object groupImage(TestPortal portal, String id) {
        try {
            return call(portal, "group_show", "id", id).get("image_url");
        } catch (dev.portalkit.api.PortalException e) {
            return call(portal, "organization_show", "id", id).get("image_url");
        }
    }

    /** portal_resource.file_id (read from the table: the resource dict is another change's). */
    private static String fileId(TestPortal portal, String resourceId) {
        return portal.portal().inTransaction(() -> portal.portal().transactions().em().find(ResourceRecord.class, resourceId).fileId);
    }

    @SuppressWarnings("unchecked")
    private static void checkMigrated(TestPortal portal, Path classic, Portalful made, Map<String, String> before) throws Exception {
        List<Map<String, Object>> tracked = files(portal, "files");
        assertThat(tracked).hasSize(1000);
        Map<String, Map<String, Object>> byLocation = new TreeMap<>();
        for (Map<String, Object> f : tracked) {
            byLocation.put((String) f.get("location"), f);
            assertThat(f.get("hash")).as("hash of " + f.get("location")).isEqualTo(before.get(f.get("location")));
            assertThat(md5(portal.dataDir().getParent().resolve("files").resolve((String) f.get("location"))))
                    .isEqualTo(f.get("hash"));
        }
        assertThat(byLocation.keySet()).isEqualTo(before.keySet());
        for (Map.Entry<String, String> r : made.resources().entrySet()) {
            String id = r.getKey();
            String location = classic.relativize(resourcePath(classic, id)).toString();
            Map<String, Object> file = byLocation.get(location);
            assertThat(file).containsEntry("owner_type", "resource").containsEntry("owner_id", id).containsEntry("pinned", true)
                    .containsEntry("name", r.getValue());
            Map<String, Object> res = call(portal, "resource_show", "id", id);
            assertThat(fileId(portal, id)).isEqualTo(file.get("id"));
            assertThat(res).containsEntry("url_type", "upload").containsEntry("hash", file.get("hash")).containsEntry("mimetype", file.get("content_type"));
            assertThat(((Number) res.get("size")).longValue()).isEqualTo(((Number) file.get("size")).longValue());
            assertThat((String) res.get("url")).endsWith(r.getValue());
        }
        long orphans = tracked.stream().filter(f -> f.get("owner_type") == null).count();
        // orphan resource files, the deleted group's and the gone user's image, and the admin uploads
        assertThat(orphans).isEqualTo(ORPHAN_RESOURCE_FILES + 1 + 1 + 4);
        Map<String, String> groupFiles = Map.of("org-logo.png", "storage/uploads/group/org-logo.png",
                "http://old.example.org/uploads/group/group-logo.png", "storage/uploads/group/group-logo.png");
        made.groups().forEach((id, image) -> {
            String location = groupFiles.get(image);
            assertThat(groupImage(portal, id)).isEqualTo(location);
            assertThat(byLocation.get(location)).containsEntry("owner_type", "group").containsEntry("owner_id", id)
                    .containsEntry("pinned", true);
        });
        made.users().forEach((id, image) -> {
            String location = "storage/uploads/user/" + image;
            assertThat(call(portal, "user_show", "id", id).get("image_url")).isEqualTo(location);
            assertThat(byLocation.get(location)).containsEntry("owner_type", "user").containsEntry("owner_id", id);
        });
        assertThat(call(portal, "group_show", "id", "external-group").get("image_url")).isEqualTo("https://cdn.example.org/x.png");
    }

    @Test
    void ownershipWorkflowsGiveScannedFilesToTheirOwners(@TempDir Path dir) throws Exception {
        Path classic = dir.resolve("classic");
        Portalful made;
        try (TestPortal portal = portal(dir)) {
            made = classicPortal(portal, classic);
        }
        for (String storage : List.of("classicres", "classicgroups", "classicusers")) {
            CliRun scan = cli(dir, "files", "scan", "-s", storage, "-t");
            assertThat(scan.code()).as(scan.err()).isZero();
        }
        CliRun groups = cli(dir, "files", "migrate", "groups", "classicgroups", "--yes");
        assertThat(groups.code()).as(groups.err()).isZero();
        assertThat(groups.out()).contains("Found 3 files.").contains("Located owners for 2 files out of 3.");
        assertThat(groups.err()).contains("2 file(s) migrated, 0 already done");
        CliRun users = cli(dir, "files", "migrate", "users", "classicusers", "-y");
        assertThat(users.out()).contains("Located owners for 2 files out of 3.");
        CliRun resources = cli(dir, "files", "migrate", "local-resources", "classicres", "--yes");
        assertThat(resources.code()).as(resources.err()).isZero();
        assertThat(resources.out()).contains("Found " + (RESOURCES + ORPHAN_RESOURCE_FILES) + " files.")
                .contains("Located owners for " + RESOURCES + " files");
        assertThat(cli(dir, "files", "migrate", "local-resources", "classicres", "--yes").err()).contains("0 file(s) migrated, "
                + RESOURCES + " already done");

        try (TestPortal portal = portal(dir)) {
            Map<String, Map<String, Object>> res = new TreeMap<>();
            files(portal, "classicres").forEach(f -> res.put((String) f.get("location"), f));
            for (Map.Entry<String, String> r : made.resources().entrySet()) {
                String location = classic.resolve("resources").relativize(resourcePath(classic, r.getKey())).toString();
                Map<String, Object> file = res.get(location);
                assertThat(file).containsEntry("owner_type", "resource").containsEntry("owner_id", r.getKey())
                        .containsEntry("pinned", true).containsEntry("name", r.getValue());
                assertThat(fileId(portal, r.getKey())).isEqualTo(file.get("id"));
                assertThat(call(portal, "resource_show", "id", r.getKey())).containsEntry("url_type", "upload");
            }
            made.groups().forEach((id, image) -> assertThat(groupImage(portal, id))
                    .isEqualTo(image.substring(image.lastIndexOf('/') + 1)));
            made.users().forEach((id, image) -> assertThat(call(portal, "user_show", "id", id).get("image_url")).isEqualTo(image));
        }

        CliRun revert = cli(dir, "files", "migrate", "groups", "classicgroups", "--revert");
        assertThat(revert.err()).contains("2 item(s) set back");
        try (TestPortal portal = portal(dir)) {
            made.groups().forEach((id, image) -> assertThat(groupImage(portal, id)).isEqualTo(image));
        }

        // Asked (no --yes): show the owners, show the orphans, then decline the transfer.
        java.io.InputStream stdin = System.in;
        CliRun declined;
        try {
            System.setIn(new java.io.ByteArrayInputStream("y\ny\nn\n".getBytes(StandardCharsets.UTF_8)));
            declined = cli(dir, "files", "migrate", "groups", "classicgroups");
        } finally {
            System.setIn(stdin);
        }
        assertThat(declined.out()).contains("Show group IDs and corresponding file? [y/N]: ")
                .contains(made.groups().keySet().iterator().next() + ": ").contains("deleted-group.png\n")
                .contains("Transfer file ownership to group identified in previous steps? [y/N]: Nothing changed.");
        try (TestPortal portal = portal(dir)) {
            made.groups().forEach((id, image) -> assertThat(groupImage(portal, id)).isEqualTo(image));
        }
    }

    @Test
    void transferCopiesSwitchesAndRevertsBetweenStorages(@TempDir Path dir) throws Exception {
        List<Map<String, Object>> made = new ArrayList<>();
        try (TestPortal portal = portal(dir)) {
            for (int i = 0; i < 30; i++) {
                made.add(call(portal, "files_file_create", "storage", "files", "name", "f" + i + ".txt", "upload", "content " + i));
            }
            call(portal, "files_file_create", "storage", "other", "name", "stays.txt", "upload", "already there");
        }
        CliRun copy = cli(dir, "files", "transfer", "files", "other", "--copy-only", "--limit", "10");
        assertThat(copy.err()).contains("10 file(s) copied to other, 0 already done (stopped at --limit");
        CliRun rest = cli(dir, "files", "transfer", "files", "other");
        assertThat(rest.code()).as(rest.err()).isZero();
        assertThat(rest.err()).contains("20 file(s) copied to other, 10 already done").contains("30 record(s) pointed at other");
        try (TestPortal portal = portal(dir)) {
            assertThat(files(portal, "files")).isEmpty();
            assertThat(files(portal, "other")).hasSize(31);
            for (Map<String, Object> f : made) {
                Map<String, Object> now = call(portal, "files_file_show", "id", f.get("id"));
                assertThat(now).containsEntry("storage", "other").containsEntry("hash", f.get("hash"))
                        .containsEntry("location", f.get("location"));
                assertThat(dir.resolve("other").resolve((String) f.get("location"))).hasContent("content " + made.indexOf(f));
                assertThat(dir.resolve("files").resolve((String) f.get("location"))).as("the source is kept").exists();
            }
        }
        assertThat(cli(dir, "files", "transfer", "files", "other").err()).contains("0 file(s) copied to other, 0 already done")
                .contains("0 record(s) pointed at other");
        CliRun back = cli(dir, "files", "transfer", "files", "other", "--revert");
        assertThat(back.err()).contains("30 record(s) pointed back at files");
        try (TestPortal portal = portal(dir)) {
            assertThat(files(portal, "files")).hasSize(30);
            assertThat(files(portal, "other")).hasSize(1);
            for (Map<String, Object> f : made) {
                assertThat(call(portal, "files_file_show", "id", f.get("id"))).containsEntry("storage", "files");
            }
        }
    }

    @Test
    void transferRefusesContentThatNoLongerMatchesItsHashAndLeavesOtherContentAtTheTargetAlone(@TempDir Path dir) throws Exception {
        Map<String, Object> rotten;
        Map<String, Object> clash;
        Map<String, Object> fine;
        try (TestPortal portal = portal(dir)) {
            rotten = call(portal, "files_file_create", "storage", "files", "name", "rotten.txt", "upload", "original content");
            clash = call(portal, "files_file_create", "storage", "files", "name", "clash.txt", "upload", "mine");
            fine = call(portal, "files_file_create", "storage", "files", "name", "fine.txt", "upload", "fine");
        }
        // The source changed after it was tracked (same size, other bytes); the target already holds
        // something else at another file's location.
        Path rottenSource = dir.resolve("files").resolve((String) rotten.get("location"));
        Files.writeString(rottenSource, "corrupt content!");
        Path clashAtTarget = dir.resolve("other").resolve((String) clash.get("location"));
        Files.createDirectories(clashAtTarget.getParent());
        Files.writeString(clashAtTarget, "someone else's");

        CliRun run = cli(dir, "files", "transfer", "files", "other");
        assertThat(run.code()).as(run.err()).isEqualTo(1);
        assertThat(run.err())
                .contains("error: files " + rotten.get("location") + " (file " + rotten.get("id") + "): the source's content does not "
                        + "match its recorded md5 hash (" + rotten.get("hash") + ", read ")
                .contains("error: files " + clash.get("location") + " (file " + clash.get("id") + "): other content is at "
                        + clash.get("location") + " of storage other")
                .contains("; left alone")
                .contains("1 file(s) copied to other, 0 already done, 2 failed")
                .contains("1 record(s) pointed at other");
        // No copy of the rotten content stays at the target; the other content is untouched.
        assertThat(dir.resolve("other").resolve((String) rotten.get("location"))).doesNotExist();
        assertThat(clashAtTarget).hasContent("someone else's");
        try (TestPortal portal = portal(dir)) {
            assertThat(call(portal, "files_file_show", "id", rotten.get("id"))).containsEntry("storage", "files");
            assertThat(call(portal, "files_file_show", "id", clash.get("id"))).containsEntry("storage", "files");
            assertThat(call(portal, "files_file_show", "id", fine.get("id"))).containsEntry("storage", "other");
        }
    }

    @Test
    void cleanMultipartAbortsUploadsPastTheLifetimeFromTheCommandLine(@TempDir Path dir) {
        Map<String, Object> upload;
        try (TestPortal portal = portal(dir)) {
            upload = call(portal, "files_multipart_start", "storage", "files", "name", "big.bin", "size", 4);
            call(portal, "files_multipart_update", "id", upload.get("id"), "part", 1, "upload", "ab");
        }
        // files scan -u shows the upload in progress: its parts are bytes without a record too.
        CliRun scan = cli(dir, "files", "scan", "-s", "files", "-u");
        assertThat(scan.code()).as(scan.err()).isZero();
        assertThat(scan.err()).contains("in progress: " + upload.get("location") + " (multipart upload " + upload.get("id")
                + " by sysadmin, started ").contains(", 2 of 4 bytes received)")
                .contains("1 multipart upload(s) in progress in storage files");
        CliRun young = cli(dir, "files", "clean-multipart");
        assertThat(young.code()).as(young.err()).isZero();
        assertThat(young.out()).isEmpty();
        assertThat(young.err()).startsWith("0 multipart upload(s) started before ");
        // A lifetime of 0 days: every upload started before now is stale.
        CliRun dry = cli(dir, "files", "clean-multipart", "-s", "files", "--dry-run", "-o", "portal.files.max_multipart_lifetime=0");
        assertThat(dry.out()).startsWith(upload.get("id") + " files " + upload.get("location") + " (started ");
        assertThat(dry.err()).contains("1 multipart upload(s) started before ").contains("would be aborted (dry run)");
        CliRun clean = cli(dir, "files", "clean-multipart", "-o", "portal.files.max_multipart_lifetime=0");
        assertThat(clean.code()).as(clean.err()).isZero();
        assertThat(clean.err()).contains("1 multipart upload(s) started before ").contains(" aborted");
        try (TestPortal portal = portal(dir)) {
            assertThat(call(portal, "files_multipart_clean", "dry_run", true)).containsEntry("removed", 0);
            @SuppressWarnings("unchecked")
            String uploadId = (String) ((Map<String, Object>) upload.get("storage_data")).get("upload_id");
            assertThat(dir.resolve("files/.portalkit/multipart").resolve(uploadId)).as("staged parts").doesNotExist();
        }
    }

    @Test
    void badInputNamesTheArgumentAndChangesNothing(@TempDir Path dir) throws Exception {
        try (TestPortal portal = portal(dir)) {
            call(portal, "files_file_create", "storage", "files", "name", "a.txt", "upload", "a");
        }
        CliRun same = cli(dir, "files", "transfer", "files", "files");
        assertThat(same.code()).isNotZero();
        assertThat(same.err()).isEqualTo("error: DEST_STORAGE: the source and the destination are both storage files\n");
        CliRun unknownSource = cli(dir, "files", "transfer", "nosuch", "files");
        assertThat(unknownSource.err()).startsWith("error: SRC_STORAGE: unknown storage 'nosuch' (configured: ");
        CliRun unknownDest = cli(dir, "files", "transfer", "files", "nosuch");
        assertThat(unknownDest.err()).startsWith("error: DEST_STORAGE: unknown storage 'nosuch'");
        CliRun noLog = cli(dir, "files", "transfer", "files", "other", "--revert");
        assertThat(noLog.err()).startsWith("error: --revert: nothing to revert, change log ");
        CliRun missing = cli(dir, "files", "migrate", "local-filestore", dir.resolve("nowhere").toString(), "-s", "files");
        assertThat(missing.code()).isNotZero();
        assertThat(missing.err()).isEqualTo("error: PATH: " + dir.resolve("nowhere") + " is not a directory\n");
        Files.createDirectories(dir.resolve("empty"));
        assertThat(cli(dir, "files", "migrate", "local-filestore", dir.resolve("empty").toString(), "-s", "files").err())
                .startsWith("error: PATH: " + dir.resolve("empty") + " is not a CKAN storage_path");
        Files.createDirectories(dir.resolve("classic/resources"));
        assertThat(cli(dir, "files", "migrate", "local-filestore", dir.resolve("classic").toString(), "-s", "nosuch").err())
                .startsWith("error: -s/--storage: unknown storage 'nosuch'");
        assertThat(cli(dir, "files", "migrate", "groups", "nosuch", "--yes").err()).startsWith("error: STORAGE: unknown storage 'nosuch'");
        assertThat(cli(dir, "files", "clean-multipart", "-s", "nosuch").err()).startsWith("error: -s/--storage: unknown storage 'nosuch'");
        try (TestPortal portal = portal(dir)) {
            assertThat(files(portal, "files")).hasSize(1);
            assertThat(files(portal, "other")).isEmpty();
        }
        assertThat(dir.resolve("data/migrations")).doesNotExist();
    }
}
